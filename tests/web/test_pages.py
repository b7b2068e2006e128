"""The pages as each role sees them: every link in the demo leads somewhere sensible, forms explain mistakes."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Tender
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms

ROLES = {
    "commissioner": "commissioner@demo.tenderscore.test",
    "officer": "officer@demo.tenderscore.test",
    "evaluator": "evaluator3@demo.tenderscore.test",
    "bidder": "northern@demo.tenderscore.test",
}


def sign_in(client: FlaskClient, email: str) -> None:
    forms.sign_in(client, email, DEMO_PASSWORD)


def _links(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        url = urlparse(urljoin(base, href))
        if url.netloc in ("", "localhost") and not url.path.startswith(("/static/", "/vendor/", "/api/")):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_a_role_can_reach_works(demo: Flask, role: str) -> None:
    """Follow every link from the dashboard (GET only): nothing answers 5xx, every HTML page is whole."""
    client = demo.test_client()
    sign_in(client, ROLES[role])
    seen: set[str] = set()
    queue = deque(["/dashboard"])
    while queue and len(seen) < 80:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, f"{role} {path}: {response.status_code}"
        assert response.status_code in (200, 302, 403, 404, 409), f"{role} {path}: {response.status_code}"
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert "Traceback" not in html and html.rstrip().endswith("</html>")
            queue.extend(_links(html, "http://localhost" + path))
    assert len(seen) > 3


def test_a_bidder_cannot_see_the_evaluation_or_another_bidders_workbook(demo: Flask) -> None:
    client = demo.test_client()
    sign_in(client, ROLES["bidder"])
    with Session(get_engine(demo)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NWPR-2026-014")).one()
    assert client.get(f"/tenders/{tender.id}/evaluation").status_code == 403
    assert client.get(f"/tenders/{tender.id}/evaluation-report.pdf").status_code == 403
    statuses = {client.get(f"/submissions/{n}/workbook.xlsx").status_code for n in range(1, 6)}
    assert statuses <= {200, 404} and 404 in statuses  # its own is readable, nobody else's


def test_an_evaluator_never_sees_a_tender_they_are_not_on(demo: Flask) -> None:
    client = demo.test_client()
    sign_in(client, "evaluator2@demo.tenderscore.test")
    with Session(get_engine(demo)) as session:
        draft = session.exec(select(Tender).where(Tender.reference == "NWPR-2027-003")).one()
    assert client.get(f"/tenders/{draft.id}").status_code == 404


def test_a_conflicted_evaluator_is_refused_that_bid(demo: Flask) -> None:
    """The demo's third evaluator declared a conflict with the first bidder."""
    client = demo.test_client()
    sign_in(client, ROLES["evaluator"])
    response = client.get("/submissions/1/score")
    assert response.status_code == 403
    assert "conflict of interest" in response.get_data(as_text=True)


def test_a_new_tender_form_explains_each_mistake(demo: Flask) -> None:
    client = demo.test_client()
    sign_in(client, ROLES["officer"])
    token = forms.csrf_token(client, "/tenders/new")
    response = client.post(
        "/tenders/new",
        data={
            "csrf_token": token,
            "reference": "X-1",
            "title": "T",
            "rubric": "probation-innovation-partner",
            "deadline-day": "31",
            "deadline-month": "2",
            "deadline-year": "2027",
            "deadline-time": "12:00",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and "Enter a real date and time" in html
    with Session(get_engine(demo)) as session:
        assert session.exec(select(Tender).where(Tender.reference == "X-1")).first() is None


def test_a_bidder_downloads_the_self_check_as_a_pdf_and_nothing_is_stored(demo: Flask) -> None:
    import io

    from pypdf import PdfReader

    from tenderscore.db.models import Submission
    from tenderscore.services import submissions, tenders
    from tenderscore.sheets import demo_bids

    with Session(get_engine(demo)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NWPR-2027-002")).one()
        bid = next(
            b
            for b in demo_bids(tenders.rubric_of(tender), submissions.identity(session, tender))
            if b.name.startswith("Brightpath")
        )
        stored_before = len(session.exec(select(Submission)).all())
    client = demo.test_client()
    sign_in(client, "brightpath@demo.tenderscore.test")
    token = forms.csrf_token(client, f"/tenders/{tender.id}/self-check")
    response = client.post(
        f"/tenders/{tender.id}/self-check.pdf",
        content_type="multipart/form-data",
        data={"csrf_token": token, "workbook": (io.BytesIO(bid.workbook), "mine.xlsx")},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "NWPR-2027-002" in text and "below the mandatory minimum of 15%" in text
    with Session(get_engine(demo)) as session:
        assert len(session.exec(select(Submission)).all()) == stored_before


def test_the_officer_changes_weights_and_thresholds_on_the_draft(demo: Flask) -> None:
    from tenderscore.services import tenders

    with Session(get_engine(demo)) as session:
        draft = session.exec(select(Tender).where(Tender.reference == "NWPR-2027-003")).one()
        rubric, version = tenders.rubric_of(draft), draft.version
    client = demo.test_client()
    sign_in(client, ROLES["officer"])
    token = forms.csrf_token(client, f"/tenders/{draft.id}/rubric")
    form = {"csrf_token": token, "version": str(version), "reason": "moved a point"}
    form |= {f"weight-{c.id}": str(c.weight) for c in rubric.criteria}
    first = rubric.criteria[next(i for i, c in enumerate(rubric.criteria) if c.weight > 0)]
    unbalanced = form | {f"weight-{first.id}": str(first.weight + 1)}
    refused = client.post(f"/tenders/{draft.id}/rubric", data=unbalanced)
    assert refused.status_code == 400 and "100" in refused.get_data(as_text=True)
    commitment = next(c for c in rubric.criteria if c.kind.value == "commitment")
    saved = client.post(f"/tenders/{draft.id}/rubric", data=form | {f"mandatory-{commitment.id}": "7"})
    assert saved.status_code == 302
    with Session(get_engine(demo)) as session:
        after = session.exec(select(Tender).where(Tender.reference == "NWPR-2027-003")).one()
        assert after.version == version + 1
        assert tenders.rubric_of(after).criterion(commitment.id).mandatory_minimum == 7


def test_an_empty_new_tender_form_reports_every_mistake_linked_to_its_field_and_keeps_what_was_typed(
    demo: Flask,
) -> None:
    """GOV.UK error pattern: every error in the summary, in plain words, linked to its field, repeated above it."""
    client = demo.test_client()
    sign_in(client, ROLES["officer"])
    token = forms.csrf_token(client, "/tenders/new")
    data = {"csrf_token": token, "reference": "", "title": "", "description": "Kept as typed",
            "rubric": "probation-innovation-partner", "deadline-day": "", "deadline-month": "",
            "deadline-year": "", "deadline-time": "12:00", "estimated_value": "lots"}  # fmt: skip
    response = client.post("/tenders/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Create a tender" in html
    summary = html[html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert {anchor for anchor, _ in links} == {"reference", "title", "deadline-day", "estimated_value"}
    for anchor, text in links:
        assert ":" not in text.split(" ")[0] and text[0].isupper(), text  # plain words, no field paths
        assert f'id="{anchor}"' in html  # the link lands on the field
    for field in ("reference", "title", "deadline", "estimated_value"):
        assert f'id="{field}-error"' in html  # the same words above the field
    assert "Kept as typed" in html and 'value="lots"' in html
    with Session(get_engine(demo)) as session:
        assert session.exec(select(Tender).where(Tender.reference == "")).first() is None


@pytest.mark.parametrize("version", ["abc", "", "-1", "9" * 40])
def test_a_form_whose_version_field_is_not_a_version_is_refused_plainly(demo: Flask, version: str) -> None:
    """A tampered or truncated hidden field is the page's problem, said in words: never a server error."""
    from tenderscore.db.models import Policy, TenderStatus

    with Session(get_engine(demo)) as session:
        draft = session.exec(select(Tender).where(Tender.status == TenderStatus.DRAFT)).first()
        policy = session.exec(select(Policy)).first()
        assert draft is not None and policy is not None
        draft_id, policy_id = draft.id, policy.id
    officer, commissioner = demo.test_client(), demo.test_client()
    token = forms.sign_in(officer, ROLES["officer"], DEMO_PASSWORD)
    response = officer.post(f"/tenders/{draft_id}/rubric", data={"csrf_token": token, "version": version})
    assert response.status_code in (400, 409), response.status_code
    assert "Traceback" not in response.get_data(as_text=True)
    token = forms.sign_in(commissioner, ROLES["commissioner"], DEMO_PASSWORD)
    form = {"csrf_token": token, "version": version, "name": "X", "reason": "r"}
    response = commissioner.post(f"/policies/{policy_id}/edit", data=form)
    assert response.status_code in (400, 409), response.status_code
    assert "There is a problem" in response.get_data(as_text=True)


def test_the_thresholds_in_force_are_said_with_their_units(demo: Flask) -> None:
    with Session(get_engine(demo)) as session:
        published = session.exec(select(Tender).where(Tender.policy_snapshot.is_not(None))).first()  # type: ignore[union-attr]
        assert published is not None
        tender_id = published.id
    client = demo.test_client()
    sign_in(client, ROLES["officer"])
    html = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "VCSE share at least 15%" in html and "vcse_share" not in html
