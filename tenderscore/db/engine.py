"""Engines and sessions: SQLite set up to queue writers, PostgreSQL as it comes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from tenderscore.config import ConfigurationError

# Execution option: begin a SQLite transaction DEFERRED (reads, and tests that must not hold the write lock).
DEFERRED = "tenderscore_deferred_begin"
_WRITE_BIND = "tenderscore_write_bind"


def parse_database_url(url: str) -> URL:
    """Parse the configured URL, or say in one line what is wrong with it."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"TENDERSCORE_DATABASE_URL {url!r} is not a database URL; "
            "use sqlite:///path/to/file.db or postgresql+psycopg://user@host/dbname"
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"TENDERSCORE_DATABASE_URL uses {parsed.get_backend_name()!r}; tenderscore runs on sqlite or postgresql"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, echo: bool = False, **kwargs: Any) -> Engine:
    """Build the engine for ``url``; SQLite gets foreign keys, WAL, a busy timeout and immediate write locks."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            poolclass=NullPool,
            **kwargs,
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(parsed, echo=echo, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN below is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that later writes can fail at once with "database is locked" when another
        # writer got there first; BEGIN IMMEDIATE takes the write lock up front, so writers queue on busy_timeout.
        if connection.get_execution_options().get(DEFERRED):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def deferred_session(engine: Engine) -> Session:
    """A session whose transactions begin DEFERRED on SQLite (reads), able to switch to writing (``begin_writing``)."""
    session = Session(engine.execution_options(**{DEFERRED: True}), expire_on_commit=False)
    session.info[_WRITE_BIND] = engine
    return session


def begin_writing(session: Session) -> None:
    """Let a session that began as a reader write without failing under concurrency.

    On SQLite a DEFERRED transaction that has read and then writes must upgrade its lock; if another writer
    committed in between, SQLite refuses at once ("database is locked") instead of waiting. So a reader that is
    about to write (a GET that issues a report or records a refused read) ends its read snapshot, which has written
    nothing, and its next transaction begins IMMEDIATE and queues behind other writers. Elsewhere: nothing to do.
    """
    write_bind = session.info.pop(_WRITE_BIND, None)
    if write_bind is None:
        return
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise RuntimeError("begin_writing() must come before the first change in a read transaction")
    session.commit()  # ends a transaction that wrote nothing: no change is published by it
    session.bind = write_bind
