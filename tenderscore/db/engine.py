"""Engines and sessions: SQLite set up to queue writers, PostgreSQL as it comes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from tenderscore.config import ConfigurationError

# Execution option: begin a SQLite transaction DEFERRED (reads, and tests that must not hold the write lock).
DEFERRED = "tenderscore_deferred_begin"
_WRITE_BIND = "tenderscore_write_bind"
PG_CONNECT_TIMEOUT_SECONDS = 10
# session.info: the session reads only until ``begin_writing`` (a change flushed before that is refused).
_READING = "tenderscore_reading"


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
    if "connect_timeout" not in parsed.query:
        # A database host that has gone silent fails a connection in seconds (libpq would wait for ever), so
        # /healthz and every request answer instead of hanging; a URL's own ?connect_timeout= wins.
        kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", PG_CONNECT_TIMEOUT_SECONDS)
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
        # Whether a transaction will write is decided before it reads anything: a request that only reads (a GET,
        # or a POST marked ``reads_only`` such as the self-check) begins DEFERRED and never waits for the lock.
        if connection.get_execution_options().get(DEFERRED):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def reading_session(engine: Engine) -> Session:
    """A session for a request that only reads: it never holds SQLite's write lock unless it asks for it.

    On SQLite its transactions begin DEFERRED, so it waits for no writer and no writer waits for it (WAL). A change
    flushed before ``begin_writing`` is refused on every database (``_refuse_unannounced_writes``): on SQLite such a
    write would have to upgrade the read lock, which fails at once under concurrency, so the mistake is made loud
    in every test rather than rare in production.
    """
    if engine.dialect.name == "sqlite":
        session = Session(engine.execution_options(**{DEFERRED: True}), expire_on_commit=False)
        session.info[_WRITE_BIND] = engine
    else:
        session = Session(engine, expire_on_commit=False)
    session.info[_READING] = True
    return session


def reading(session: Session) -> bool:
    """Whether ``session`` is still a reader (began with ``reading_session`` and has not called ``begin_writing``)."""
    return bool(session.info.get(_READING))


def _has_changes(session: OrmSession) -> bool:
    return bool(session.new or session.deleted or any(session.is_modified(o) for o in session.dirty))


@event.listens_for(OrmSession, "before_flush")
def _refuse_unannounced_writes(session: OrmSession, _context: Any, _instances: Any) -> None:
    if session.info.get(_READING) and _has_changes(session):
        raise RuntimeError(
            "a reading session is about to write: call begin_writing(session) before the first change "
            "(or, for a view that writes, do not mark it reads_only)"
        )


def begin_writing(session: Session) -> None:
    """Let a session that began as a reader write without failing under concurrency.

    On SQLite a DEFERRED transaction that has read and then writes must upgrade its lock; if another writer
    committed in between, SQLite refuses at once ("database is locked") instead of waiting. So a reader that is
    about to write (a GET that issues a report or records a refused read) ends its read snapshot, which has written
    nothing, and its next transaction begins IMMEDIATE and queues behind other writers. On PostgreSQL the
    transaction just goes on. A session that was never a reader: nothing to do.
    """
    if not session.info.get(_READING):
        return
    if _has_changes(session):
        raise RuntimeError("begin_writing() must come before the first change in a read transaction")
    del session.info[_READING]
    write_bind = session.info.pop(_WRITE_BIND, None)
    if write_bind is None:
        return
    session.commit()  # ends a transaction that wrote nothing: no change is published by it
    session.bind = write_bind
