"""Every page, export and API read runs as many SQL statements for 3 bids as for 12 (and for 2 evaluators and 7
scored criteria as for 3 and 14): no query per bid, per score or per criterion.

Two competitions are grown once for the module (tests/performance/grown.py): small and large, each with a tender
open for bids, one being evaluated and one awarded, every bid scored, finished and moderated. Every GET route of
the app is requested with the same ids in each (the same tender, the first, the excluded and the last bid) as
each role that meets a tender's bids (officer, commissioner, an evaluator, an evaluator with a conflict, a
bidder), counting the statements the app's engine sends. PDFs are not rendered (their counts are the same without
the render, which is the slow part and runs no query); everything else is built as for a user.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlmodel import Session, select
from werkzeug.routing import Rule

from tenderscore import create_app
from tenderscore.db import get_engine
from tenderscore.db.migrate import upgrade
from tenderscore.db.models import User, id_of
from tenderscore.services import accounts, register, reports
from tests import forms, not_rendered
from tests.conftest import empty_database, quick_hash
from tests.performance.grown import PASSWORD, Grown, Size, grow

pytestmark = [pytest.mark.db, pytest.mark.slow]  # a grown demo at two sizes: make test-slow

SIZES = {"small": Size(3, evaluators=2), "large": Size(12, evaluators=3, wide=True)}
ROLES = ("officer", "commissioner", "evaluator", "conflicted", "bidder")
POSITIONS = {"first": 0, "excluded": 1, "last": -1}  # the first bid wins; an evaluator is conflicted with it
# Nothing here reads a tender's bids: assets, the API's description, and links that need an emailed token.
SKIPPED = {"static", "vendor.static", "favicon.favicon", "health.healthz", "api_docs", "api-docs.openapi_json",
           "pages.invitation_link", "pages.reset_link"}  # fmt: skip
QUERIES = {"pages.assessment_summary": "submission", "documents.AssessmentSummary": "submission_id"}


class StatementCounter:
    """Counts the statements an engine sends (every one: BEGIN, SELECT, INSERT...), and those that keep the audit
    chain (reading its head, locking it, appending to it)."""

    def __init__(self, engine: Engine) -> None:
        self.count = self.audit = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.count += 1
        self.audit += "audit_event" in statement or "pg_advisory_xact_lock" in statement


@dataclass
class World:
    size: Size
    app: Flask
    grown: Grown
    counter: StatementCounter
    clients: dict[str, FlaskClient]

    def statements(self, role: str, url: str) -> tuple[int, int]:
        """How many statements a GET of ``url`` as ``role`` ran, and its status."""
        before = self.counter.count
        response = self.clients[role].get(url)
        response.close()
        assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
        return self.counter.count - before, response.status_code


def _world(stack: ExitStack, folder: Path, size: Size) -> World:
    folder.mkdir()
    url = stack.enter_context(empty_database(folder))
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True},
        instance_path=str(folder / "instance"),
    )
    engine = get_engine(app)
    stack.callback(engine.dispose)
    upgrade(engine)
    with Session(engine) as session:
        grown = grow(session, size)
        grown.entry_id = _grow_register(session, grown, size.bids)
        session.commit()
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        forms.sign_in(clients[role], grown.emails[role], PASSWORD)
    return World(size, app, grown, StatementCounter(engine), clients)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, World]]:
    """The small and the large competition, each in a database of its own, with a signed-in client per role."""
    with ExitStack() as stack, pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "generate_password_hash", quick_hash)
        not_rendered.skip_rendering(patch)
        folder = tmp_path_factory.mktemp("grown")
        yield {name: _world(stack, folder / name, size) for name, size in SIZES.items()}


def _grow_register(session: Session, grown: Grown, count: int) -> int:
    """As many VCSE register entries as bids, every other one verified; the first entry's id."""
    officer = accounts.user_by_email(session, grown.emails["officer"])
    first = 0
    for n in range(count):
        details = register.EntryDetails(name=f"Partner {n}", identifiers=[f"GB-CHC-12{n:05d}"], legal_form="cio",
                                        services=["accommodation", "ete"], areas=["north-west"])  # fmt: skip
        entry = register.join(session, "test", register.checked_details(details), source="test")
        if n % 2 == 0:
            register.verify(session, officer, id_of(entry), evidence="Charity Commission entry", reason="A CIO")
        first = first or id_of(entry)
    return first


def _bid_ids(grown: Grown) -> list[tuple[str, int]]:
    return [(f"{tender}.{position}", ids[index]) for tender, ids in grown.bids.items()
            for position, index in POSITIONS.items()]  # fmt: skip


def _fillings(rule: Rule, grown: Grown) -> list[tuple[str, dict[str, int]]]:
    """Every way this test fills ``rule``'s parameters, each named the same way in both worlds."""
    options: dict[str, list[tuple[str, int]]] = {
        "tender_id": sorted(grown.tenders.items()),
        "submission_id": _bid_ids(grown),
        "policy_id": [("policy", grown.policy_id)],
        "user_id": [("evaluator", grown.evaluator_ids[0])],
        "evaluator_id": [("evaluator", grown.evaluator_ids[0])],
        "document_id": sorted(grown.documents.items()),
        "job_id": [("job", grown.job)],
        "entry_id": [("entry", grown.entry_id)],
        "confirmation_id": [("confirmation", grown.confirmation)],
        "contract_id": [("contract", grown.contract_id)],
        "clarification_id": [("clarification", grown.clarification)],
        "period": [("period-1", 1)],
        # a version, a KPI and a spend line no world has: their pages' refusals read as much in every world
        "version": [("version-1", 1)],
        "kpi_id": [("kpi-missing", 2**31 - 2)],
        "spend_id": [("spend-missing", 2**31 - 2)],
    }
    arguments = sorted(rule.arguments)
    unknown = [a for a in arguments if a not in options]
    assert not unknown, f"{rule.rule} has parameters {unknown} this test cannot fill: teach it their values"
    found = []
    for chosen in itertools.product(*(options[a] for a in arguments)):
        labels = dict(zip(arguments, (label for label, _ in chosen), strict=True))
        if "tender_id" in labels and "submission_id" in labels:
            if not labels["submission_id"].startswith(labels["tender_id"] + "."):
                continue  # a bid is moderated within its own tender
        found.append(("/".join(labels.values()), dict(zip(arguments, (value for _, value in chosen), strict=True))))
    return found


def requests(app: Flask, grown: Grown) -> list[tuple[str, str]]:
    """(name, URL) of every GET this test makes: the same names, in the same order, in every world."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or set()) or rule.endpoint in SKIPPED:
            continue
        for label, kwargs in _fillings(rule, grown):
            _, path = rule.build(kwargs, append_unknown=False)  # type: ignore[misc]
            found.append((f"{rule.endpoint} {label}".strip(), path))
            if rule.endpoint in QUERIES:
                found.extend(
                    (f"{rule.endpoint} {label} ?{bid}", f"{path}?{urlencode({QUERIES[rule.endpoint]: value})}")
                    for bid, value in _bid_ids(grown)
                    if bid.startswith(("evaluating.", "awarded."))
                )
    return found


def _table(rows: dict[tuple[str, str], dict[str, tuple[int, int]]], names: list[str]) -> str:
    lines = [f"{'role':<13}{'request':<70}" + "".join(f"{n + ' (status)':>20}" for n in names)]
    for (role, request), seen in rows.items():
        counts = [seen[n] for n in names]
        mark = "" if len({c for c, _ in counts}) == 1 else "   <-- grows"
        lines.append(f"{role:<13}{request:<70}" + "".join(f"{c:>12} ({s})" for c, s in counts) + mark)
    return "\n".join(lines)


def test_every_read_runs_as_many_statements_however_many_bids_scores_and_criteria(
    worlds: dict[str, World],
) -> None:
    rows: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for name, world in worlds.items():
        for role in ROLES:
            for request, url in requests(world.app, world.grown):
                rows.setdefault((role, request), {})[name] = world.statements(role, url)
    names = list(worlds)
    grows = {key: seen for key, seen in rows.items() if len({seen[n][0] for n in names}) > 1}
    assert not grows, (
        f"{len(grows)} of {len(rows)} requests run more statements for {worlds['large'].size} than for "
        f"{worlds['small'].size}:\n" + _table(grows, names) + "\n\nEvery request:\n" + _table(rows, names)
    )
    statuses = {seen[n][1] for seen in rows.values() for n in names}
    assert 200 in statuses
    for page in ("pages.evaluation evaluating", "pages.moderate evaluating.last/evaluating",
                 "documents.ScoreMatrix awarded", "pages.evaluator_bids evaluating"):  # fmt: skip
        role = "evaluator" if "evaluator_bids" in page else "officer"
        assert all(rows[(role, page)][n][1] == 200 for n in names), (page, rows[(role, page)])


def test_every_assessment_summary_at_once_reads_as_much_however_many_bids(worlds: dict[str, World]) -> None:
    """The officer's batch of summaries (the command line's ``report --summaries``) gathers and evaluates once; the
    only work per summary is the audit event recording its issue (every document that leaves is on record)."""
    reads, audit_per_summary = {}, {}
    for name, world in worlds.items():
        counter = world.counter
        with Session(get_engine(world.app)) as session:
            officer = session.exec(select(User).where(User.email == world.grown.emails["officer"])).one()
            count, audit = counter.count, counter.audit
            issued = list(reports.all_summaries(session, officer, world.grown.tenders["awarded"]))
            reads[name] = (counter.count - count) - (counter.audit - audit)
            audit_per_summary[name] = (counter.audit - audit - 1) / len(issued)  # one read of the head to print
            session.rollback()
        assert len(issued) == world.size.bids  # every bidder's, the excluded one's too
    assert reads["small"] == reads["large"], reads
    assert audit_per_summary["small"] == audit_per_summary["large"], audit_per_summary
