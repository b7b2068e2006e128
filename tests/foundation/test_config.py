"""Configuration order, the generated secret key, and bad configuration stopping start-up with one line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tenderscore import create_app


def test_defaults_then_instance_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("DATABASE_ECHO = True\nDEMO_DATA = True\n")
    monkeypatch.setenv("TENDERSCORE_DEMO_DATA", "false")

    app = create_app(instance_path=str(instance))

    assert app.config["MAX_CONTENT_LENGTH"] == 12 * 1024 * 1024  # default
    assert app.config["DATABASE_ECHO"] is True  # instance file
    assert app.config["DEMO_DATA"] is False  # environment beats the instance file
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'tenderscore.db'}"


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = create_app(instance_path=str(instance)).config["SECRET_KEY"]
    second = create_app(instance_path=str(instance)).config["SECRET_KEY"]

    assert len(first) == 64 and first == second
    mode = stat.S_IMODE((instance / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_database_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERSCORE_DATABASE_URL", "postgresql+psycopg://someone@db.example/tenders")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://someone@db.example/tenders"


def _tenderscore(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    script = Path(sys.executable).with_name("tenderscore")
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=full_env, timeout=60)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"TENDERSCORE_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none"},
            "cannot use the database",
        ),
        ({"TENDERSCORE_DATABASE_URL": "not a url"}, "is not a database URL"),
        ({"TENDERSCORE_DATABASE_URL": "mysql://root@localhost/x"}, "runs on sqlite or postgresql"),
    ],
)
def test_bad_database_configuration_is_one_clear_line(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    result = _tenderscore(["db", "upgrade"], TENDERSCORE_INSTANCE_PATH=str(tmp_path), **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0] and "Traceback" not in result.stderr


def test_unwritable_instance_folder_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = _tenderscore(["db", "upgrade"], TENDERSCORE_INSTANCE_PATH=str(blocker / "instance"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "is not writable" in result.stderr and "TENDERSCORE_INSTANCE_PATH" in result.stderr


def test_workers_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    """Eight processes start at once on a new instance folder: none fails, and all sign with the same key."""
    script = (
        "import sys; from pathlib import Path; from tenderscore.config import ensure_instance_folder, "
        "load_or_create_secret_key as key; p = Path(sys.argv[1]); ensure_instance_folder(p); print(key(p))"
    )
    folder = tmp_path / "instance"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(folder)], stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    keys = [proc.communicate(timeout=60)[0].strip() for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 8
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert (folder / "secret_key").read_text().strip() == keys[0]
