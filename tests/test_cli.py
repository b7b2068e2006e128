"""The command line, run as an operator would: rubric check, check-bid, report, audit verify, demo load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo
from flask.testing import FlaskCliRunner
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import Session, select

from tenderscore.db.models import AuditEvent, Organisation
from tests.competition import Competition
from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
# What the web app loads and a command-line self-check does not use (tenderscore.web, .reports: theirs)
WEB_STACK = (
    "weasyprint", "flask_smorest", "apispec", "flask_login", "flask_wtf", "flask_limiter", "limits",
    "govuk_frontend_jinja", "pydyf", "fontTools", "tinycss2", "cssselect2", "PIL", "openpyxl", "redis",
)  # fmt: skip
# ... and what only the commands that use the database or rubric files load
DATA_STACK = ("sqlalchemy", "sqlmodel", "alembic", "marshmallow", "yaml", "psycopg", "holidays", "simplejson")


def test_rubric_check_summarises_a_good_rubric(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["rubric", "check", str(RUBRICS / "probation-innovation-partner.yaml")])
    assert result.exit_code == 0, result.output
    assert "Total" in result.output and "100" in result.output
    assert "VCSE share at least 15%" in result.output


def test_rubric_check_names_the_path_of_each_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    text_ = (RUBRICS / "social-value-model-services.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text_.replace("weight: 20", "weight: twenty", 1))
    result = runner.invoke(args=["rubric", "check", str(bad)])
    assert result.exit_code == 1
    assert "sections[" in result.output and ".weight" in result.output


def test_check_bid_reports_the_vcse_gate(runner: FlaskCliRunner, competition: Competition, tmp_path: Path) -> None:
    ok, tokenistic = tmp_path / "ok.xlsx", tmp_path / "tokenistic.xlsx"
    ok.write_bytes(competition.bid("Northern").workbook)
    tokenistic.write_bytes(competition.bid("Brightpath").workbook)
    passed = runner.invoke(args=["check-bid", "T-1", str(ok)])
    assert passed.exit_code == 0, passed.output
    assert "ready to submit" in passed.output
    # partners are listed at their cells, and the command says it did not look them up on the register
    assert "VCSE partners on the register:" in passed.output
    assert "VCSE partners!C5 " in passed.output and "not looked up on the register" in passed.output
    failed = runner.invoke(args=["check-bid", "T-1", str(tokenistic)])
    assert failed.exit_code == 1
    assert "NOT ready to submit" in failed.output and "below the mandatory minimum of 15%" in failed.output


def test_report_writes_the_evaluation_report_and_refuses_provisional_summaries(
    runner: FlaskCliRunner, competition: Competition, tmp_path: Path
) -> None:
    from datetime import timedelta

    from tenderscore.services import tenders
    from tests.competition import NOW

    competition.submit(competition.bid("Northern"))
    tenders.open_bids(competition.session, competition.officer, competition.tender.id, now=NOW + timedelta(hours=1))  # type: ignore[arg-type]
    competition.session.commit()
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "T-1", "--out", str(out), "--summaries", str(tmp_path / "summaries")])
    assert "wrote" in result.output and out.exists()
    assert "PROVISIONAL" in "".join(page.extract_text() for page in PdfReader(out).pages)
    assert result.exit_code == 1 and "consensus score(s) are still missing" in result.output
    assert not (tmp_path / "summaries").exists()


def test_audit_verify_names_a_tampered_row(runner: FlaskCliRunner, competition: Competition) -> None:
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and "audit chain intact" in intact.output
    session = competition.session
    if BACKEND == "sqlite":
        session.execute(text("DROP TRIGGER audit_event_no_update"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update ON audit_event"))
    session.execute(text("UPDATE audit_event SET reason = 'rewritten' WHERE id = 3"))
    session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at event 3" in broken.output


@pytest.mark.slow  # the whole demo through the command line (16 s): make test-slow, which CI runs
def test_demo_load_prints_every_role_once(app: Flask, runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    for role in ("commissioner", "officer", "evaluator", "bidder"):
        assert role in first.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and again.output == first.output


def test_users_create_makes_an_account_that_can_sign_in(app: Flask, runner: FlaskCliRunner) -> None:
    from sqlmodel import Session

    from tenderscore.db import get_engine
    from tenderscore.services import accounts

    args = [
        "users",
        "create",
        "--email",
        "Officer@Council.example",
        "--name",
        "Omar",
        "--role",
        "officer",
        "--organisation",
        "A council",
        "--password",
        "a long enough password",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "created officer officer@council.example in A council" in result.output
    with Session(get_engine(app)) as session:
        assert accounts.authenticate(session, "officer@council.example", "a long enough password") is not None
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "already a user" in again.output
    short = runner.invoke(args=[*args[:-1], "short"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_a_database_that_was_never_migrated_is_one_line_saying_what_to_run(empty_app: Flask, tmp_path: Path) -> None:
    workbook = tmp_path / "bid.xlsx"
    workbook.write_bytes(b"PK")
    runner = empty_app.test_cli_runner()
    for args in (
        ["demo", "load"],
        ["check-bid", "T-1", str(workbook)],
        ["report", "T-1", "--out", str(tmp_path / "r.pdf")],
        ["audit", "verify"],
        ["users", "deactivate", "--email", "a@b.example"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "run `tenderscore db upgrade`" in lines[0], (args, result.output)


def test_a_database_behind_this_version_is_told_to_upgrade(empty_app: Flask) -> None:
    from tenderscore.db import get_engine
    from tenderscore.db.migrate import upgrade

    upgrade(get_engine(empty_app), "0001")
    result = empty_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "revision 0001" in result.output and "tenderscore db upgrade" in result.output
    assert empty_app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    assert empty_app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_an_operator_records_a_buyers_nation_and_an_smes_status(runner: FlaskCliRunner, session: Session) -> None:
    runner.invoke(args=["users", "create", "--email", "o@council.example", "--name", "O", "--role", "officer",
                        "--organisation", "Fife Council", "--password", "a-long-password"])  # fmt: skip
    done = runner.invoke(args=["organisations", "set", "--name", "Fife Council", "--nation", "scotland"])
    assert done.exit_code == 0 and "nation scotland" in done.output, done.output
    missing = runner.invoke(args=["organisations", "set", "--name", "Nowhere", "--sme"])
    assert missing.exit_code == 1 and "No organisation named 'Nowhere'" in missing.output
    wrong = runner.invoke(args=["organisations", "set", "--name", "Fife Council", "--nation", "wales"])
    assert wrong.exit_code == 2  # click refuses the choice before anything is read
    session.expire_all()
    org = session.exec(select(Organisation).where(Organisation.name == "Fife Council")).one()
    assert org.nation == "scotland"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "organisation.described")).one().actor == "cli"


def _loaded_by(arguments: list[str], env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Run the console script's entry point with ``arguments`` in a fresh interpreter: (what it printed, the
    modules it loaded, by top-level package, and this project's packages by their first two names)."""
    code = (
        "import json, sys\n"
        "from tenderscore.cli import main\n"
        f"sys.argv = ['tenderscore', *{arguments!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "names = {'.'.join(m.split('.')[:2]) if m.startswith('tenderscore.') else m.split('.')[0]\n"
        "         for m in sys.modules}\n"
        "print('LOADED ' + json.dumps(sorted(names)))\n"
    )
    path = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, **(env or {}), "PYTHONPATH": path},
    )
    printed, _, loaded = done.stdout.rpartition("LOADED ")
    return printed, json.loads(loaded)


def test_help_loads_neither_the_web_app_nor_the_database(tmp_path: Path) -> None:
    printed, loaded = _loaded_by(["--help"], {"TENDERSCORE_INSTANCE_PATH": str(tmp_path)})
    for command in ("check-bid", "db", "report", "users", "run", "routes", "openapi", "limiter"):
        assert f"  {command} " in printed, printed
    heavy = set(WEB_STACK + DATA_STACK) | {"tenderscore.web", "tenderscore.reports", "tenderscore.services",
                                          "tenderscore.db", "tenderscore.sheets", "tenderscore.core"}  # fmt: skip
    assert sorted(heavy & set(loaded)) == []


def test_check_bid_loads_the_database_and_the_reader_but_no_web_app(
    app: Flask, competition: Competition, tmp_path: Path
) -> None:
    workbook = tmp_path / "ok.xlsx"
    workbook.write_bytes(competition.bid("Northern").workbook)
    env = {"TENDERSCORE_INSTANCE_PATH": str(tmp_path), "TENDERSCORE_DATABASE_URL": app.config["DATABASE_URL"]}
    printed, loaded = _loaded_by(["check-bid", "T-1", str(workbook)], env)
    assert "Self-check for tender T-1: ready to submit." in printed, printed
    assert {"sqlmodel", "tenderscore.db", "tenderscore.sheets"} <= set(loaded)
    heavy = set(WEB_STACK) | {"tenderscore.web", "tenderscore.reports"}
    assert sorted(heavy & set(loaded)) == []


def test_help_lists_every_command_of_the_app(app: Flask) -> None:
    """``--help`` names the web app's commands without building it: the list must stay the app's."""
    from tenderscore.cli import cli

    full = FlaskGroup(create_app=lambda: app)
    with full.make_context(
        "tenderscore", [], obj=ScriptInfo(create_app=lambda: app), resilient_parsing=True
    ) as context:
        everything = full.list_commands(context)
    with cli.make_context("tenderscore", [], resilient_parsing=True) as context:
        listed = cli.list_commands(context)
        assert all(isinstance(cli.get_command(context, name), click.Command) for name in listed)
    assert listed == everything
