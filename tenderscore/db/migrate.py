"""Alembic, driven from tenderscore: `tenderscore db upgrade` and the schema comparison the tests use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from tenderscore.db.models import metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision``, in one transaction."""
    migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to ``revision``, in one transaction."""
    migrate(engine, lambda config: command.downgrade(config, revision))


def migrate(engine: Engine, step: Callable[[Config], None]) -> None:
    """Run an Alembic ``step`` in one transaction.

    SQLite changes a table by copying it, dropping the old one and renaming the copy into place, while rows of other
    tables still refer to it; with foreign keys enforced the drop fails. So, as SQLite's documentation prescribes,
    enforcement is off during the migration (a pragma that only works outside a transaction), every reference is
    checked before the commit (``PRAGMA foreign_key_check``; any broken one rolls the whole migration back), and
    enforcement is back on afterwards.
    """
    config = alembic_config(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, "OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration would leave broken references: {broken[:5]}")
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, "ON")


def _sqlite_foreign_keys(connection: Connection, state: str) -> None:
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys = {state}")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The revision this version of tenderscore needs (the newest migration it ships)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def schema_differences(engine: Engine) -> list[Any]:
    """What differs between the migrated database and the models: empty when the migrations are complete."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))
