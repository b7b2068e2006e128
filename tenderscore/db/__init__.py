"""Database: engine per app, one session per request or command, Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, request
from sqlalchemy import Engine, text
from sqlmodel import Session

from tenderscore.db.engine import deferred_session, make_engine

_ENGINE = "tenderscore.engine"


def init_app(app: Flask) -> None:
    """Build the app's engine (no connection is made here) and close the request session on teardown."""
    app.extensions[_ENGINE] = make_engine(
        app.config["DATABASE_URL"],
        busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"],
        echo=app.config["DATABASE_ECHO"],
    )
    app.teardown_appcontext(_close_session)


def get_engine(app: Flask | None = None) -> Engine:
    engine: Engine = (app or current_app).extensions[_ENGINE]
    return engine


def get_session() -> Session:
    """The session of this request or command: one transaction, committed once by the caller that owns it."""
    if "db_session" not in g:
        engine = get_engine()
        if request and request.method in ("GET", "HEAD", "OPTIONS") and engine.dialect.name == "sqlite":
            g.db_session = deferred_session(engine)  # reads; see begin_writing for a GET that records something
        else:
            g.db_session = Session(engine, expire_on_commit=False)
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # anything not committed is rolled back


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for a command or a test: commits if the block ends normally, rolls back otherwise."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" to a health check
        return False
