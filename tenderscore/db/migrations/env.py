"""Alembic environment: the connection comes from tenderscore (see tenderscore/db/migrate.py)."""

from __future__ import annotations

from alembic import context

import tenderscore.db.models  # noqa: F401 - registers every table on the metadata
from tenderscore.db.engine import make_engine
from tenderscore.db.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite changes tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("tenderscore migrations run online only: use `tenderscore db upgrade`")
run_migrations_online()
