"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL when TENDERSCORE_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import Session, SQLModel
from werkzeug.security import generate_password_hash

import tenderscore.db.models  # noqa: F401 - every table on the metadata
from tenderscore import create_app
from tenderscore.db import get_engine
from tenderscore.db.engine import DEFERRED, make_engine
from tenderscore.db.migrate import upgrade
from tenderscore.services import accounts
from tenderscore.services.demo import load_demo
from tenderscore.web import jobs

# The services' competition fixture is shared by the CLI, API and fault tests.
pytest_plugins = ["tests.competition"]

TEST_DATABASE_URL = os.environ.get("TENDERSCORE_TEST_DATABASE_URL", "")
BACKEND = make_url(TEST_DATABASE_URL).get_backend_name() if TEST_DATABASE_URL else "sqlite"


def quick_hash(password: str) -> str:
    """A cheap password hash for tests: sign-in checks any werkzeug method alike, and scrypt costs ~0.1 s each."""
    return generate_password_hash(password, method="pbkdf2:sha256:1")


@pytest.fixture(autouse=True)
def cheap_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test hashes passwords cheaply, except those marked ``real_hashing`` (which check scrypt itself)."""
    if request.node.get_closest_marker("real_hashing") is None:
        monkeypatch.setattr(accounts, "generate_password_hash", quick_hash)
        monkeypatch.setattr(accounts, "_DUMMY_HASH", quick_hash("not-a-password-anyone-has"))


def pytest_report_header() -> str:
    where = (
        make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)
        if TEST_DATABASE_URL
        else "a file per test"
    )
    return f"tenderscore database backend: {BACKEND} ({where})"


def pytest_sessionstart(session: pytest.Session) -> None:
    # A configured server that cannot be reached is a failed run, never a skipped one.
    if not TEST_DATABASE_URL:
        return
    engine = make_engine(TEST_DATABASE_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.exit(
            f"TENDERSCORE_TEST_DATABASE_URL is set but the server cannot be reached: {exc}", returncode=3
        )
    finally:
        engine.dispose()


# The longest modules, started first: two workers take whole modules (--dist loadfile) in collection order, and a
# long module taken last leaves the other worker idle at the end (the longest first packs them best).
LONGEST_FIRST = (  # measured with --junitxml on 3 December 2026, longest first
    "tests/web/test_routes.py",
    "tests/api/test_hostile.py",
    "tests/web/test_tender_pages.py",
    "tests/web/test_pages.py",
    "tests/register/test_register_pages.py",
    "tests/api/test_evaluation.py",
    "tests/api/test_jobs.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"database_url", "demo"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)  # chromium against a served demo: `make test-slow`, which CI runs
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    order = {id(item): n for n, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(item.nodeid.split("::", 1)[0], len(rank)), order[id(item)]))


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own for one test: a SQLite file, or a fresh PostgreSQL schema."""
    with empty_database(tmp_path) as url:
        yield url


@contextmanager
def empty_database(folder: Path) -> Iterator[str]:
    """An empty database: a SQLite file in ``folder``, or a PostgreSQL schema dropped when the block ends."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{folder / 'test.db'}"
        return
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on a database with no tables yet (for migration tests)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": True,
        },
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    jobs.stop(app)  # a background job still closing its session would leave a connection behind
    get_engine(app).dispose()


@pytest.fixture(scope="session")
def empty_schema(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """On SQLite, a database with every table made once per run, which each test copies (making them costs
    ~50 ms a test; a copy, under 1 ms). None on PostgreSQL, where each test's schema makes them."""
    if BACKEND != "sqlite":
        return None
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture
def app(empty_app: Flask, empty_schema: Path | None, database_url: str) -> Flask:
    engine = get_engine(empty_app)
    if empty_schema is None:
        SQLModel.metadata.create_all(engine)
        return empty_app
    engine.dispose()  # nothing may hold the file the tables are copied into
    target = Path(str(make_url(database_url).database))
    for suffix in ("-wal", "-shm"):  # nothing of the empty file's journal may be read with the copy
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    copy_database(empty_schema, target)
    return empty_app


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database whose connections are all closed (its WAL files too, if any are left)."""
    for suffix in ("", "-wal", "-shm"):
        if (found := source.with_name(source.name + suffix)).exists():
            shutil.copyfile(found, target.with_name(target.name + suffix))


def _load_demo(engine: Engine) -> None:
    with Session(engine) as db_session:
        load_demo(db_session)
        db_session.commit()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | str]:
    """The demo, migrated and loaded once per run (building it costs seconds: workbooks, scores, reports, the
    documents of the award path), which each test then copies: a SQLite file, or on PostgreSQL a database each test
    clones with ``CREATE DATABASE ... TEMPLATE`` (its name is yielded)."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        _build_demo(make_engine(f"sqlite:///{path}"))
        yield path
        return
    name = f"demo_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _build_demo(make_engine(make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)))
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _admin() -> Engine:
    """A connection to the test server outside any transaction (CREATE DATABASE cannot run in one)."""
    return create_engine(make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


def _build_demo(engine: Engine) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "generate_password_hash", quick_hash)
        upgrade(engine)
        _load_demo(engine)
    engine.dispose()


@pytest.fixture
def demo(demo_database: Path | str, tmp_path: Path) -> Iterator[Flask]:
    """The app on a copy of the demo competition (services/demo.py); password ``tenderscore-demo``."""
    if isinstance(demo_database, Path):
        copy_database(demo_database, tmp_path / "demo.db")
        url = f"sqlite:///{tmp_path / 'demo.db'}"
    else:
        name, admin = f"test_{uuid.uuid4().hex[:16]}", _admin()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{demo_database}"'))
        url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True},
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    jobs.stop(app)  # a background job still closing its session would leave a connection behind
    get_engine(app).dispose()
    if not isinstance(demo_database, Path):
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session for arranging and checking. It begins DEFERRED on SQLite, so reading here never holds the write
    lock a request in the same test needs (commit what you write before making the request)."""
    engine = get_engine(app).execution_options(**{DEFERRED: True})
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session
