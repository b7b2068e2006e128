"""Command line: thin click commands over services. ``tenderscore --help`` or ``flask --app tenderscore``.

Start-up costs what a command uses, no more: ``tenderscore --help`` imports click and Flask's command line only,
and this project's own commands run on ``create_command_app`` (configuration and database, no web layer), each
importing the services it calls. The web app is built only for the commands that serve or describe it (``run``,
``shell``, ``routes``, ``openapi``, ``limiter``). ``tests/test_cli.py`` checks what ``--help`` and ``check-bid``
load; ``bench/bench_startup.py`` prints what they cost.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from tenderscore.config import ConfigurationError

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy import Engine
    from sqlalchemy.exc import OperationalError
    from sqlmodel import Session

    from tenderscore.db.models import User

P = ParamSpec("P")
R = TypeVar("R")
# Commands that come with the web app (flask-smorest's) or a Flask extension's entry point (Flask-Limiter's): listed
# by ``--help`` with these words, loaded with the whole app only when one of them is run.
WEB_COMMANDS = {
    "limiter": "Flask-Limiter maintenance & utility commands",
    "openapi": "OpenAPI commands.",
    "worker": "Run a background-job worker (RQ) on TENDERSCORE_REDIS_URL.",
}


def _create_app() -> Flask:
    from tenderscore import create_app

    return create_app()


def _create_command_app() -> Flask:
    from tenderscore import create_command_app

    return create_command_app()


class _Later(click.Command):
    """What ``--help`` shows of a command that is loaded with the web app; resolving it to run loads the real one."""

    def __init__(self, name: str, short_help: str) -> None:
        super().__init__(name, short_help=short_help, help=short_help)


class TenderscoreGroup(FlaskGroup):
    """Flask's group (``--app``, ``--debug``, ``--env-file``, ``.flaskenv``, ``run``, ``shell``, ``routes``) that knows
    this project's commands without building the app: they run on ``create_command_app``; the web app is built only
    for Flask's own commands and those of ``WEB_COMMANDS`` (FlaskGroup would build it for ``--help`` too)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(create_app=_create_app, add_version_option=False, **kwargs)
        self.own: set[str] = set()

    def add_own(self, command: click.Command) -> None:
        self.add_command(command)
        self.own.add(command.name or "")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *WEB_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = click.Group.get_command(self, ctx, name)
        if found is not None:
            return found
        if name in WEB_COMMANDS:
            return _Later(name, WEB_COMMANDS[name])
        return super().get_command(ctx, name)  # Flask's plugins, then the app's commands: loads the app

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, _Later):
            command = super().get_command(ctx, command.name or "")
        elif name in self.own:
            info = ctx.find_object(ScriptInfo)
            if info is not None and info.create_app is _create_app:
                info.create_app = _create_command_app  # the console script's own: no web layer
        return name, command, rest


cli = TenderscoreGroup(help="tenderscore: score tenders and enforce social-value commitments.")


def main() -> None:
    """Console-script entry point: a configuration problem is one line, not a traceback."""
    try:
        cli.main(prog_name="tenderscore")
    except ConfigurationError as exc:
        click.echo(f"tenderscore: {exc}", err=True)
        sys.exit(2)


def get_engine() -> Engine:
    """The engine of the app in context (``tenderscore.db.get_engine``, imported when a command runs)."""
    from tenderscore.db import get_engine as engine_of

    return engine_of()


def unreachable(exc: OperationalError) -> ConfigurationError:
    """Turn a driver's connection failure into one line that says what to fix."""
    url = get_engine().url.render_as_string(hide_password=True)
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
    return ConfigurationError(f"cannot use the database {url}: {reason}. Start it, or fix TENDERSCORE_DATABASE_URL")


def with_schema(command: Callable[P, R]) -> Callable[P, R]:
    """``with_appcontext``, and the database must hold this version's schema: otherwise one line saying what to run
    (a database that was never migrated used to answer with a SQLAlchemy traceback)."""

    @wraps(command)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        from sqlalchemy import inspect
        from sqlalchemy.exc import OperationalError

        from tenderscore.db.migrate import current_revision, head_revision

        engine = get_engine()
        try:
            revision = current_revision(engine)
            has_tables = inspect(engine).has_table("audit_event")
        except OperationalError as exc:
            raise unreachable(exc) from exc
        where = engine.url.render_as_string(hide_password=True)
        if revision is None and not has_tables:
            raise click.ClickException(
                f"the database {where} has no tenderscore tables yet; run `tenderscore db upgrade`"
            )
        if revision is not None and revision != head_revision():
            raise click.ClickException(
                f"the database {where} is at schema revision {revision} but this version needs {head_revision()}; "
                "run `tenderscore db upgrade`"
            )
        return command(*args, **kwargs)

    return with_appcontext(checked)


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or migrate the database to the current schema."""
    from sqlalchemy.exc import OperationalError

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
    from sqlalchemy.exc import OperationalError

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


@click.group("demo")
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
@with_schema
def demo_load() -> None:
    """Load the demo competition (once) and print the accounts to sign in with."""
    from sqlalchemy.exc import OperationalError

    from tenderscore.db import session_scope
    from tenderscore.services.demo import DEMO_PASSWORD, load_demo

    try:
        with session_scope(get_engine()) as session:
            accounts = load_demo(session)
    except OperationalError as exc:
        raise unreachable(exc) from exc
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for account in accounts:
        click.echo(f"  {account.role:<12} {account.email:<42} {account.organisation}")


@click.command("check-bid")
@click.argument("tender_reference")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False))
@with_schema
def check_bid(tender_reference: str, workbook: str) -> None:
    """Self-check WORKBOOK against the published tender TENDER_REFERENCE; nothing is stored."""
    from tenderscore.db.engine import reading_session
    from tenderscore.services.errors import ServiceError
    from tenderscore.services.submissions import check_workbook_by_reference

    with reading_session(get_engine()) as session:  # nothing is stored: SQLite's writers need not wait
        try:
            result = check_workbook_by_reference(session, tender_reference, Path(workbook).read_bytes())
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
    for line in result.lines():
        click.echo(line)
    if not result.ok:
        sys.exit(1)


@click.group("rubric")
def rubric_group() -> None:
    """Rubric files."""


@rubric_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def rubric_check(files: tuple[str, ...]) -> None:
    """Validate rubric FILES and print a one-screen summary of each, or every error with its path."""
    from tenderscore import rubric_files

    failed = False
    for path in files:
        try:
            rubric = rubric_files.load_rubric_file(path)
        except rubric_files.RubricError as exc:
            failed = True
            click.echo(f"{path}: {len(exc.errors)} error(s)")
            for error in exc.errors:
                click.echo(f"  {error}")
            continue
        click.echo(rubric_files.summarise(rubric))
    if failed:
        sys.exit(1)


@click.group("audit")
def audit_group() -> None:
    """The audit chain."""


@audit_group.command("verify")
@with_schema
def audit_verify() -> None:
    """Recompute the whole chain; name the first event that was changed, removed or inserted."""
    from sqlalchemy.exc import OperationalError

    from tenderscore.db.engine import reading_session
    from tenderscore.services.audit import verify_chain

    try:
        with reading_session(get_engine()) as session:  # never holds SQLite's write lock while it reads the chain
            check = verify_chain(session)
    except OperationalError as exc:
        raise unreachable(exc) from exc
    if check.ok:
        click.echo(f"audit chain intact: {check.events} events, head {check.head}")
        return
    click.echo(
        f"audit chain BROKEN at event {check.broken_event_id}: {check.problem} "
        f"({check.events} events before it verified)"
    )
    sys.exit(1)


@click.command("report")
@click.argument("tender_reference")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="write the evaluation report PDF here")
@click.option("--summaries", type=click.Path(file_okay=False), help="write every assessment summary into DIR")
@click.option("--as", "as_email", help="the officer issuing the reports (default: the tender's creator)")
@with_schema
def report(tender_reference: str, out: str | None, summaries: str | None, as_email: str | None) -> None:
    """Render the evaluation report (--out FILE) and/or every assessment summary (--summaries DIR)."""
    from tenderscore.db import session_scope
    from tenderscore.services import reports
    from tenderscore.services.errors import ServiceError

    if not out and not summaries:
        raise click.UsageError("say what to write: --out FILE, --summaries DIR, or both")
    # One transaction per document set, so a refusal of the summaries never undoes the record of the report.
    if out:
        with session_scope(get_engine()) as session:
            tender_id, officer = _tender_and_officer(session, tender_reference, as_email)
            try:
                _, pdf = reports.evaluation_report(session, officer, tender_id)
            except ServiceError as exc:
                raise click.ClickException(exc.message) from exc
        Path(out).write_bytes(pdf)
        click.echo(f"wrote {out} ({len(pdf):,} bytes)")
    if summaries:
        folder = Path(summaries)
        with session_scope(get_engine()) as session:
            tender_id, officer = _tender_and_officer(session, tender_reference, as_email)
            try:
                rendered = list(reports.all_summaries(session, officer, tender_id))
            except ServiceError as exc:
                raise click.ClickException(exc.message) from exc
        folder.mkdir(parents=True, exist_ok=True)
        for name, pdf in rendered:
            (folder / name).write_bytes(pdf)
            click.echo(f"wrote {folder / name} ({len(pdf):,} bytes)")


def _tender_and_officer(session: Session, reference: str, as_email: str | None) -> tuple[int, User]:
    from tenderscore.db.models import id_of
    from tenderscore.services import accounts, tenders
    from tenderscore.services.errors import ServiceError

    try:
        tender = tenders.tender_by_reference(session, reference)
        officer = (
            accounts.user_by_email(session, as_email) if as_email else accounts.get_user(session, tender.created_by_id)
        )
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    return id_of(tender), officer


@click.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["commissioner", "officer", "evaluator", "bidder", "partner"]))
@click.option("--organisation", "organisation_name", required=True, help="created if it does not exist")
@click.option("--kind", type=click.Choice(["buyer", "supplier", "vcse"]), help="for a new organisation")
@click.password_option(help="at least 10 characters; asked for when not given")
@with_schema
def users_create(email: str, name: str, role: str, organisation_name: str, kind: str | None, password: str) -> None:
    """Create a user (and their organisation if new). Every account is an audit event."""
    from tenderscore.db import session_scope
    from tenderscore.services import accounts
    from tenderscore.services.errors import ServiceError

    with session_scope(get_engine()) as session:
        try:
            org = accounts.organisation_named(
                session, organisation_name, kind=kind or ("supplier" if role == "bidder" else "buyer"), actor="cli"
            )
            user = accounts.create_user(
                session, email=email, name=name, password=password, role=role, organisation=org, actor="cli"
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(f"created {user.role} {user.email} in {org.name}")


@users_group.command("deactivate")
@click.option("--email", required=True)
@with_schema
def users_deactivate(email: str) -> None:
    """Stop a user signing in; their sessions and API token end at once. Audited."""
    from tenderscore.db import session_scope
    from tenderscore.services import accounts
    from tenderscore.services.errors import ServiceError

    with session_scope(get_engine()) as session:
        try:
            user = accounts.user_by_email(session, email)
            accounts.deactivate(session, "cli", user.id or 0)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
    click.echo(f"deactivated {user.email}: every session and API token of theirs has ended")


@users_group.command("set-password")
@click.option("--email", required=True)
@click.password_option(help="at least 10 characters; asked for when not given")
@with_schema
def users_set_password(email: str, password: str) -> None:
    """Give a user a new password; their sessions and API token end at once. Audited (never the password)."""
    from tenderscore.db import session_scope
    from tenderscore.services import accounts
    from tenderscore.services.errors import ServiceError

    with session_scope(get_engine()) as session:
        try:
            user = accounts.user_by_email(session, email)
            accounts.set_password(session, user, password, actor="cli")
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
    click.echo(f"set a new password for {user.email}: every session and API token of theirs has ended")


@click.command("worker")
@click.option("--burst", is_flag=True, help="stop once the queue is empty (for tests and one-off runs)")
def worker(burst: bool) -> None:
    """Run a background-job worker (RQ) on TENDERSCORE_REDIS_URL: long reports are made here, not in requests."""
    from flask import current_app

    from tenderscore.web.jobs import serve_jobs

    try:
        serve_jobs(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("organisations")
def organisations_group() -> None:
    """Organisations."""


@organisations_group.command("set")
@click.option("--name", required=True, help="the organisation's exact name")
@click.option("--nation", type=click.Choice(["england-and-wales", "scotland", "northern-ireland"]),
              help="a buyer's: whose bank holidays its standstill periods skip")  # fmt: skip
@click.option("--sme/--not-sme", default=None, help="a small or medium-sized enterprise (bid statistics)")
@click.option("--identifier", "identifiers", multiple=True,
              help="an org-id identifier to add, such as GB-CHC-1123456 (repeat for more)")  # fmt: skip
@with_schema
def organisations_set(name: str, nation: str | None, sme: bool | None, identifiers: tuple[str, ...]) -> None:
    """Record a buyer's nation, an organisation's SME status, or add its identifiers. Audited."""
    from sqlmodel import select

    from tenderscore.db import session_scope
    from tenderscore.db.models import Organisation
    from tenderscore.services import accounts
    from tenderscore.services import identifiers as identifier_service
    from tenderscore.services.errors import NotFound, ServiceError

    with session_scope(get_engine()) as session:
        try:
            if nation is not None or sme is not None or not identifiers:
                org = accounts.describe_organisation(session, "cli", name, nation=nation, sme=sme)
            else:
                found = session.exec(select(Organisation).where(Organisation.name == name.strip())).first()
                if found is None:
                    raise NotFound(f"No organisation named {name.strip()!r}")
                org = found
            if identifiers:
                given = identifier_service.parse_all(list(identifiers), field="identifier")
                identifier_service.check_free(session, given, field="identifier", own=org.id)
                identifier_service.add(session, "cli", org, given)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        held = identifier_service.of(session, [org.id or 0]).get(org.id or 0, [])
        click.echo(f"{org.name}: nation {org.nation or 'not set (England and Wales)'}, SME {org.sme}, "
                   f"identifiers {', '.join(str(i) for i in held) or 'none'}")  # fmt: skip


@click.group("register")
def register_group() -> None:
    """The VCSE register."""


@register_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--actor", "actor_email", required=True, help="the email of the procurement officer importing")
@click.option("--dry-run", is_flag=True, help="check every row and say what would be imported; store nothing")
@with_schema
def register_import(file: str, actor_email: str, dry_run: bool) -> None:
    """Import VCSE register entries from a CSV FILE (docs/register.md): all of them, or none with every problem
    named by line and column (exit status 1)."""
    from tenderscore.db import session_scope
    from tenderscore.services import accounts
    from tenderscore.services import register_import as importer
    from tenderscore.services.errors import ServiceError

    class _DryRun(Exception):
        pass

    path = Path(file)
    try:
        with session_scope(get_engine()) as session:
            try:
                actor = accounts.user_by_email(session, actor_email)
                result = importer.import_csv(session, actor, path.name, path.read_bytes())
            except importer.ImportRefused as exc:
                click.echo(exc.message.removeprefix("file: "), err=True)
                for problem in exc.found:
                    click.echo(f"  {problem}", err=True)
                sys.exit(1)
            except ServiceError as exc:
                raise click.ClickException(exc.message) from exc
            for row in result.rows:
                standing = "verified" if row.verified else "registered, unverified"
                click.echo(f"line {row.line}: {row.name} ({', '.join(str(i) for i in row.identifiers)}), {standing}")
            if dry_run:
                raise _DryRun
    except _DryRun:
        click.echo(f"{len(result.rows)} entries would be imported from {path.name}; nothing was stored (--dry-run)")
        return
    click.echo(f"imported {len(result.rows)} entries from {path.name} ({result.verified} verified), "
               f"sha256 {result.sha256}")  # fmt: skip


COMMANDS = (users_group, organisations_group, report, db_group, demo_group, check_bid, audit_group, rubric_group,
            register_group)
for _command in COMMANDS:
    cli.add_own(_command)


def register_commands(app: Flask) -> None:
    """This project's commands on the app's own group, for ``flask --app tenderscore``; and the job worker, which
    needs the whole web app (its jobs write links and send email as the app does)."""
    for command in (*COMMANDS, worker):
        app.cli.add_command(command)


__all__ = ["cli", "main", "register_commands"]


if __name__ == "__main__":  # python -m tenderscore.cli: the console script without its installed wrapper
    main()
