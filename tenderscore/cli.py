"""Command line: thin click commands over services. ``tenderscore --help`` or ``flask --app tenderscore``."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError

from tenderscore.config import ConfigurationError
from tenderscore.db import get_engine


def _create_app() -> Flask:
    from tenderscore import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """tenderscore: score tenders and enforce social-value commitments."""


def main() -> None:
    """Console-script entry point: a configuration problem is one line, not a traceback."""
    try:
        cli.main(prog_name="tenderscore")
    except ConfigurationError as exc:
        click.echo(f"tenderscore: {exc}", err=True)
        sys.exit(2)


def unreachable(exc: OperationalError) -> ConfigurationError:
    """Turn a driver's connection failure into one line that says what to fix."""
    url = get_engine().url.render_as_string(hide_password=True)
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
    return ConfigurationError(
        f"cannot use the database {url}: {reason}. Start it, or fix TENDERSCORE_DATABASE_URL"
    )


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or migrate the database to the current schema."""
    from tenderscore.db.migrate import current_revision, upgrade

    engine = get_engine()
    try:
        upgrade(engine)
        revision = current_revision(engine)
    except OperationalError as exc:
        raise unreachable(exc) from exc
    click.echo(f"database {engine.dialect.name} at revision {revision}")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Exit non-zero if the database schema differs from the models."""
    from tenderscore.db.migrate import schema_differences

    try:
        differences = schema_differences(get_engine())
    except OperationalError as exc:
        raise unreachable(exc) from exc
    for difference in differences:
        click.echo(repr(difference))
    if differences:
        raise click.ClickException(f"{len(differences)} differences between the database and the models")
    click.echo("schema matches the models")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)


__all__ = ["cli", "current_app", "main", "register_commands"]
