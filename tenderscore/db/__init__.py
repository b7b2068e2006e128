"""Database: engine per app, one session per request or command, Alembic migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy import Engine, text
from sqlmodel import Session

from tenderscore.db.engine import DEFERRED, make_engine, reading_session

_ENGINE = "tenderscore.engine"
_READS_ONLY = "tenderscore_reads_only"
F = TypeVar("F", bound=Callable[..., Any])


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
    """The session of this request or command: one transaction, committed once by the caller that owns it.

    A request that only reads (GET, HEAD, OPTIONS, or a view marked ``reads_only``) gets a reading session, which
    never takes SQLite's write lock unless it calls ``begin_writing``; any other request's transaction begins
    IMMEDIATE on SQLite, so writers queue for the lock instead of failing.
    """
    if "db_session" not in g:
        engine = get_engine()
        if request and request_reads_only():
            g.db_session = reading_session(engine)  # see begin_writing for a reader that records something
        else:
            g.db_session = Session(engine, expire_on_commit=False)
    session: Session = g.db_session
    return session


def reads_only(view: F) -> F:
    """Mark a view whose POST (or other unsafe method) writes nothing, like the self-check.

    Its transaction begins as a reader, so on SQLite it runs beside a writer instead of queueing for the write lock
    for the whole time it takes. Should it write after all, it must call ``begin_writing`` first (``audit.record``
    does); any other change is refused with an error, in tests as in production. For a class-based view (the API),
    mark the method. Put it under the route decorator.
    """
    setattr(view, _READS_ONLY, True)
    return view


def request_reads_only() -> bool:
    """Whether the current request's view promises not to write (decided before it reads anything)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    return bool(getattr(view, _READS_ONLY, False))


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
    """A ``SELECT 1``; on SQLite in a DEFERRED transaction, so a writer holding the lock never delays the answer."""
    try:
        with engine.execution_options(**{DEFERRED: True}).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" to a health check
        return False
