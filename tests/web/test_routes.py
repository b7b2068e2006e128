"""Every GET route of the app, with the demo's real rows, signed out and signed in as every role of the demo.

Nothing may answer 5xx or show a traceback. Signed out, every page that is not public redirects to sign-in with
``next`` naming the page, and everything under /api/ answers 401. The routes come from ``app.url_map``: a route
whose URL parameters this module cannot fill fails the test, so a new route cannot be forgotten.

The demo (real password hashes, generated workbooks, a scored evaluation) is built once per module into a SQLite
file; each test works on a copy of it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.routing import Rule

from tenderscore import create_app
from tenderscore.core import CriterionKind
from tenderscore.db import get_engine
from tenderscore.db.engine import make_engine
from tenderscore.db.models import (
    Clarification,
    ConsensusScore,
    Contract,
    ContractKpi,
    IssuedDocument,
    PartnerConfirmation,
    Policy,
    RegisterEntry,
    ReturnSpend,
    Role,
    Score,
    Submission,
    Tender,
    User,
)
from tenderscore.services import scoring, tenders
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms, not_rendered
from tests.conftest import copy_database

MISSING = 999_999  # an id no row has: must be a 404 or a refusal, never a crash

# Endpoints anyone may GET signed out. Everything else is protected: a page redirects to sign in, the API says 401.
PUBLIC = {
    "pages.home",
    "pages.sign_in",
    "health.healthz",
    "favicon.favicon",
    "static",
    "vendor.static",
    "api_docs",
    "api-docs.openapi_json",
    # Getting into an account without a password: an emailed link, and asking for one.
    "pages.invitation_link",
    "pages.invitation",
    "pages.reset_link",
    "pages.reset_password",
    "pages.forgot_password",
    "pages.reset_requested",
    # A VCSE organisation signs itself up to the register.
    "pages.register_join",
    "pages.register_joined",
}

# Query strings a route reads, beyond its URL parameters: each is requested as well as the bare URL.
QUERY_VARIANTS: dict[str, list[str]] = {
    "pages.assessment_summary": ["submission"],
    "documents.AssessmentSummary": ["submission_id"],
    "pages.sign_in": ["next"],
    "pages.register_search": ["service", "area", "standing", "text"],
    "register.Register": ["service", "standing"],
}

IDENTITIES = [
    "signed-out",
    "commissioner",
    "officer",
    "evaluator1",
    "evaluator2",
    "evaluator3",
    "bidder",
    "bidder-without-bid",
    "partner",
]



def _award_the_evaluated_tender(session: Session) -> None:
    """Agree the consensus the demo leaves missing, then award: a tender in the last state of all."""
    tender, officer = agree_the_missing_consensus(session)
    scoring.award(session, officer, int(tender.id or 0), "The top-ranked compliant bid.")


def agree_the_missing_consensus(session: Session) -> tuple[Tender, User]:
    """Agree the consensus the demo leaves missing on its evaluated tender: its results are then final."""
    officer = session.exec(select(User).where(User.role == Role.OFFICER)).first()
    tender = session.exec(select(Tender).where(Tender.reference == "NWPR-2026-014")).one()
    assert officer is not None and tender.id is not None
    scored = [c.id for c in tenders.rubric_of(tender).criteria if c.kind == CriterionKind.SCORED]
    current = session.exec(
        select(Submission).where(Submission.tender_id == tender.id, Submission.is_current == True)  # noqa: E712
    ).all()
    for submission in current:
        assert submission.id is not None
        agreed = {c.criterion_id for c in session.exec(
            select(ConsensusScore).where(ConsensusScore.submission_id == submission.id)).all()}  # fmt: skip
        for criterion in scored:
            if criterion in agreed:
                continue
            marks = sorted(session.exec(select(Score.score).where(
                Score.submission_id == submission.id, Score.criterion_id == criterion)).all())  # fmt: skip
            if not marks:
                continue  # a bid excluded at the compliance stage is not scored, so it has no consensus either
            scoring.record_consensus(session, officer, submission.id, criterion, marks[len(marks) // 2],
                                     "Panel agreed the middle score, for the reasons the evaluators gave.")  # fmt: skip
    return tender, officer


@pytest.fixture(scope="module")
def demo_databases(tmp_path_factory: pytest.TempPathFactory, demo_database: Path | str) -> dict[str, Path]:
    """The demo, migrated and loaded once, with cheap password hashes (sign-in checks any werkzeug method); and a
    copy of it in which the evaluated tender has been awarded."""
    folder = tmp_path_factory.mktemp("demo")
    paths = {"demo": folder / "demo.db", "awarded": folder / "awarded.db"}
    assert isinstance(demo_database, Path), "the route test runs on SQLite"
    copy_database(demo_database, paths["demo"])
    copy_database(paths["demo"], paths["awarded"])
    engine = make_engine(f"sqlite:///{paths['awarded']}")
    with Session(engine) as session:
        _award_the_evaluated_tender(session)
        session.commit()
    engine.dispose()
    return paths


@pytest.fixture(params=["demo", pytest.param("awarded", marks=pytest.mark.slow)])  # awarded: make test-slow
def demo_app(request: pytest.FixtureRequest, demo_databases: dict[str, Path], tmp_path: Path) -> Iterator[Flask]:
    copy = tmp_path / "demo.db"
    copy_database(demo_databases[request.param], copy)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{copy}", "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True},
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    get_engine(app).dispose()


@dataclass
class Demo:
    """The ids the demo holds, and who signs in as each identity."""

    tenders: dict[int, str]
    submissions: dict[int, int]  # submission id -> tender id
    policies: list[int]
    emails: dict[str, str]
    criteria: list[str] = field(default_factory=list)
    # Documents issued on the award path, one of each kind per tender: (tender id, document id).
    documents: list[tuple[int, int]] = field(default_factory=list)
    # Partners' confirmation requests: the signed-in partner's own first, then another organisation's.
    confirmations: list[int] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)  # VCSE register entries
    contracts: list[int] = field(default_factory=list)  # contracts in delivery
    clarifications: list[int] = field(default_factory=list)  # published, private, awaiting an answer
    kpis: list[int] = field(default_factory=list)  # the contracts' KPIs
    spend: list[int] = field(default_factory=list)  # spend lines of delivery returns (partners confirm them)
    evaluators: list[int] = field(default_factory=list)  # the evaluators' user ids, and one person who is not one


def _demo(app: Flask) -> Demo:
    with Session(get_engine(app)) as session:
        tenders = {t.id: t.status for t in session.exec(select(Tender)).all() if t.id is not None}
        subs = session.exec(select(Submission)).all()
        submissions = {s.id: s.tender_id for s in subs if s.id is not None}
        policies = [p for p in session.exec(select(Policy.id)).all() if p is not None]
        users = session.exec(select(User).order_by(User.email)).all()  # type: ignore[arg-type]
        with_bids = {s.bidder_org_id for s in subs}
        emails = {u.email.split("@")[0]: u.email for u in users if u.role in (Role.EVALUATOR,)}
        evaluators = sorted(int(u.id or 0) for u in users if u.role == Role.EVALUATOR)
        evaluators.append(next(int(u.id or 0) for u in users if u.role == Role.OFFICER))
        emails["commissioner"] = next(u.email for u in users if u.role == Role.COMMISSIONER)
        emails["officer"] = next(u.email for u in users if u.role == Role.OFFICER)
        emails["bidder"] = next(u.email for u in users if u.role == Role.BIDDER and u.organisation_id in with_bids)
        emails["bidder-without-bid"] = next(
            u.email for u in users if u.role == Role.BIDDER and u.organisation_id not in with_bids
        )
        entries = sorted(e for e in session.exec(select(RegisterEntry.id)).all() if e is not None)
        contracts = sorted(c for c in session.exec(select(Contract.id)).all() if c is not None)
        kpis = sorted(k for k in session.exec(select(ContractKpi.id)).all() if k is not None)[:2]
        spend = sorted(x for x in session.exec(select(ReturnSpend.id)).all() if x is not None)[:2]
        criteria: list[str] = []
        for tender in session.exec(select(Tender)).all():
            for section in (tender.rubric or {}).get("sections", []):
                criteria.extend(str(c["id"]) for c in section.get("criteria", []) if "id" in c)
        kinds: dict[tuple[int, str], int] = {}
        for row in session.exec(select(IssuedDocument.tender_id, IssuedDocument.kind, IssuedDocument.id)).all():
            kinds.setdefault((row[0], row[1]), row[2])
        documents = sorted((tender_id, document_id) for (tender_id, _), document_id in kinds.items())
        emails["partner"] = next(u.email for u in users if u.email == "partner@demo.tenderscore.test")
        partner_org = next(u.organisation_id for u in users if u.email == emails["partner"])
        asked = session.exec(select(PartnerConfirmation).order_by(PartnerConfirmation.id)).all()  # type: ignore[arg-type]
        own = [c.id for c in asked if c.partner_org_id == partner_org and c.id is not None][:2]
        others = [c.id for c in asked if c.partner_org_id not in (None, partner_org) and c.id is not None][:1]
        unknown = [c.id for c in asked if c.partner_org_id is None and c.id is not None][:1]
        questions = sorted(q for q in session.exec(select(Clarification.id)).all() if q is not None)
    assert {"draft", "published"} <= set(tenders.values()), tenders
    assert {"evaluating", "awarded"} & set(tenders.values()), tenders
    assert submissions and policies
    assert documents, "the demo issues summaries, letters and notices"
    assert entries, "the demo has a VCSE register"
    assert own and others, "the demo's bids name the partner's organisation and others on the register"
    assert contracts and kpis, "the demo has a contract in delivery"
    assert len(questions) == 5, "the demo's open tender has three clarification questions, its tender in lots two"
    return Demo(tenders, submissions, policies, emails, sorted(set(criteria))[:3] or ["q1"], documents,
                own + others + unknown, entries, contracts, questions, kpis, spend, evaluators)  # fmt: skip


def _fillers(demo: Demo) -> dict[str, list[Any]]:
    return {
        "tender_id": [*sorted(demo.tenders), MISSING],
        "submission_id": [*sorted(demo.submissions), MISSING],
        "policy_id": [*demo.policies, MISSING],
        "criterion_id": [*demo.criteria, "no-such-criterion"],
        "user_id": [*range(1, 15), MISSING],  # the demo's fourteen people, in whichever order they were created
        "evaluator_id": [*demo.evaluators, MISSING],
        "document_id": [*(d for _, d in demo.documents), MISSING],
        "job_id": ["0" * 32, "not-a-job"],  # the demo has no jobs; tests/api/test_jobs.py follows real ones
        "confirmation_id": [*demo.confirmations, MISSING],
        "token": ["not-a-token", "eyJ1c2VyIjoxLCJlcG9jaCI6MH0.forged.signature"],
        "entry_id": [*demo.entries, MISSING],
        "contract_id": [*demo.contracts, MISSING],
        "clarification_id": [*demo.clarifications, MISSING],
        "identifier": ["GB-CHC-1290417", "not-an-identifier"],
        "period": [1, 2, 99],  # reporting periods (the demo reports two), and one no contract has
        "version": [1, MISSING],
        "kpi_id": [*demo.kpis, MISSING],
        "spend_id": [*demo.spend, MISSING],
    }


_FILES = {
    "static": ["app.css", "app.js", "js-enabled.js", "no-such-file.css"],
    "vendor.static": ["govuk/govuk-frontend.min.css", "govuk/govuk-frontend.min.js", "no-such-file.css"],
}


def _bids_of(demo: Demo, tender_id: int) -> list[int]:
    return sorted(s for s, t in demo.submissions.items() if t == tender_id)


def _query_values(name: str, demo: Demo) -> list[str]:
    if name in ("submission", "submission_id"):
        # Two bids of each tender (each asked for under every tender, so under the wrong one too): every bid would
        # be a PDF per tender per identity, most of this test's time for nothing more.
        sample = [s for t in sorted(set(demo.submissions.values())) for s in _bids_of(demo, t)[:2]]
        return [*(str(s) for s in sample), str(MISSING), "not-a-number"]
    if name == "next":
        return ["/dashboard", "//evil.example/phish", "/\t/evil.example"]
    register_values = {"service": ["accommodation", "no-such-service"], "area": ["north-west", "nowhere"],
                       "standing": ["verified", "registered", "nonsense"], "text": ["GB-CHC", "Trust"]}  # fmt: skip
    if name in register_values:
        return register_values[name]
    raise AssertionError(f"no values for the query parameter {name!r}: add them to _query_values")


def urls_for(rule: Rule, demo: Demo) -> list[str]:
    """Every URL of ``rule`` this test requests; fails for a parameter it does not know how to fill."""
    arguments = sorted(rule.arguments)
    fillers = _fillers(demo)
    if rule.endpoint in _FILES:
        fillers = {**fillers, "filename": _FILES[rule.endpoint]}
    unknown = [a for a in arguments if a not in fillers]
    assert not unknown, (
        f"route {rule.rule} ({rule.endpoint}) has URL parameters {unknown} this test cannot fill: "
        "teach tests/web/test_routes.py their values"
    )
    paths = []
    for values in itertools.product(*(fillers[a] for a in arguments)):
        kwargs = dict(zip(arguments, values, strict=True))
        if "document_id" in kwargs and "tender_id" in kwargs and not _document_pair(demo, kwargs):
            continue
        if "submission_id" in kwargs and "tender_id" in kwargs and not _bid_pair(demo, kwargs["tender_id"],
                                                                                kwargs["submission_id"]):
            continue
        _, path = rule.build(kwargs, append_unknown=False)  # type: ignore[misc]
        paths.append((kwargs.get("tender_id"), path))
    urls = [path for _, path in paths]
    for name in QUERY_VARIANTS.get(rule.endpoint, []):
        urls.extend(
            f"{p}?{urlencode({name: v})}"
            for tender, p in paths
            for v in _query_values(name, demo)
            if tender is None or name not in ("submission", "submission_id") or not v.isdigit()
            or _bid_pair(demo, tender, int(v))
        )  # fmt: skip
    return urls


def _bid_pair(demo: Demo, tender_id: int, submission_id: int) -> bool:
    """A bid under its own tender, and a few wrong pairings (a bid of another tender, a missing bid or tender):
    not every bid under every tender, which would be a third of this test's requests for little more protection."""
    own = demo.submissions.get(submission_id) == tender_id
    first_bid = min(demo.submissions)
    other_tender = next(t for t in sorted(demo.tenders) if t != demo.submissions[first_bid])
    return own or (tender_id, submission_id) in ((MISSING, first_bid), (other_tender, first_bid)) or (
        submission_id == MISSING and tender_id == demo.submissions[first_bid]
    )


def _document_pair(demo: Demo, kwargs: dict[str, Any]) -> bool:
    """A document under its own tender, and a few wrong pairings (another tender's, a missing one): not all of
    every tender by every document, which would be most of this test's requests for little more protection."""
    pair = (kwargs["tender_id"], kwargs["document_id"])
    first_tender, first_document = demo.documents[0]
    return pair in demo.documents or pair in (
        (MISSING, first_document),
        (first_tender, MISSING),
        (min(demo.tenders), demo.documents[-1][1]),
    )


def every_get_url(app: Flask, demo: Demo) -> list[tuple[str, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or set()):
            continue
        found.extend((rule.endpoint, url) for url in urls_for(rule, demo))
    return found


def _client_as(app: Flask, demo: Demo, identity: str) -> FlaskClient:
    client = app.test_client()
    if identity != "signed-out":
        forms.sign_in(client, demo.emails[identity], DEMO_PASSWORD)
    return client


def _problem(identity: str, endpoint: str, url: str, client: FlaskClient) -> str | None:
    response = client.get(url)
    body = response.get_data()
    response.close()  # static files are streamed from an open file
    where = f"{identity} GET {url} ({endpoint})"
    if response.status_code >= 500:
        return f"{where}: {response.status_code} {body[:300]!r}"
    if b"Traceback" in body:
        return f"{where}: a traceback in the body"
    if identity != "signed-out" or endpoint in PUBLIC:
        return None
    if url.startswith("/api/"):
        return None if response.status_code == 401 else f"{where}: {response.status_code}, expected 401"
    if response.status_code != 302:
        return f"{where}: {response.status_code}, expected a redirect to sign in"
    location = urlsplit(response.headers["Location"])
    next_ = parse_qs(location.query).get("next", [""])[0]
    if location.netloc not in ("", "localhost") or location.path != "/sign-in" or next_ != url:
        return f"{where}: redirected to {response.headers['Location']}, expected /sign-in?next={url}"
    return None


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_get_route_answers_without_a_server_error(
    demo_app: Flask, identity: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every PDF is really rendered once per kind and tender: in the officer's sweep of the awarded copy of the demo
    (make test-slow), which every PDF door opens to (tests/reports checks their contents). Every other sweep checks
    the same doors' answers with the renderer replaced *after* every access check, which is most of this test's
    time saved."""
    if (request.node.callspec.params["demo_app"], identity) != ("awarded", "officer"):
        not_rendered.skip_rendering(monkeypatch)
    demo = _demo(demo_app)
    client = _client_as(demo_app, demo, identity)
    problems = []
    requested = 0
    endpoints = set()
    for endpoint, url in every_get_url(demo_app, demo):
        requested += 1
        endpoints.add(endpoint)
        if (problem := _problem(identity, endpoint, url, client)) is not None:
            problems.append(problem)
    assert not problems, f"{len(problems)} of {requested} requests went wrong:\n" + "\n".join(problems)
    assert {"pages.dashboard", "pages.tender_detail", "pages.policy_list", "pages.evaluation_report"} <= endpoints


def test_a_route_the_sweep_cannot_fill_fails_it(demo_app: Flask) -> None:
    demo = _demo(demo_app)
    rule = Rule("/widgets/<int:widget_id>", endpoint="pages.widget", methods=["GET"])
    rule.bind(demo_app.url_map)
    with pytest.raises(AssertionError, match="widget_id"):
        urls_for(rule, demo)


def test_signed_out_a_page_and_a_pdf_come_back_after_sign_in(demo_app: Flask) -> None:
    """The redirect carries ``next``, the sign-in form keeps it, and signing in lands on the page asked for."""
    demo = _demo(demo_app)
    tender = min(demo.tenders)
    submission = min(demo.submissions)
    for wanted, identity in (
        (f"/tenders/{tender}", "officer"),
        ("/policies", "commissioner"),
        (f"/tenders/{tender}/assessment-summary.pdf?submission={submission}", "officer"),
    ):
        client = demo_app.test_client()
        response = client.get(wanted)
        assert response.status_code == 302
        sign_in_url = response.headers["Location"]
        page = client.get(sign_in_url)
        assert page.status_code == 200
        response = client.post(
            sign_in_url,
            data={"email": demo.emails[identity], "password": DEMO_PASSWORD, "csrf_token": forms.csrf_from(page.text)},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == wanted
        assert client.get(wanted).status_code < 500
