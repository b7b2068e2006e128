"""A VCSE partner's pages and API on the demo: its requests, confirming and refusing (a reason required), nothing
after the award, nothing of anyone else's; and the officer's evaluation page showing each bid's partners in words.

The demo's partner account partner@demo.tenderscore.test is Aldergate Housing Trust (verified)."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from tenderscore.core.numbers import money
from tenderscore.db import get_engine
from tenderscore.db.models import PartnerConfirmation, Submission, Tender, TenderStatus, User
from tenderscore.services import accounts
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms

PARTNER = "partner@demo.tenderscore.test"


def _partner(demo: Flask) -> tuple[FlaskClient, str]:
    client = demo.test_client()
    return client, forms.sign_in(client, PARTNER, DEMO_PASSWORD)


def _requests(demo: Flask) -> tuple[User, list[tuple[PartnerConfirmation, str, Decimal]]]:
    """The partner, and its requests with each one's tender status and the bid's price."""
    with Session(get_engine(demo)) as s:
        me = s.exec(select(User).where(User.email == PARTNER)).one()
        rows = s.exec(
            select(PartnerConfirmation, Tender.status, Submission.responses)
            .join(Submission, col(Submission.id) == PartnerConfirmation.submission_id)
            .join(Tender, col(Tender.id) == Submission.tender_id)
            .where(col(Submission.is_current).is_(True))
            .order_by(col(PartnerConfirmation.id))
        ).all()
        return me, [(c, str(status), Decimal(r["price"])) for c, status, r in rows]


def test_the_partner_sees_its_requests_and_only_its_part_of_a_bid(demo: Flask) -> None:
    client, _ = _partner(demo)
    me, rows = _requests(demo)
    mine = [(c, status, price) for c, status, price in rows if c.partner_org_id == me.organisation_id]
    assert mine, "the demo's bids name Aldergate Housing Trust"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Your part in bids" in dashboard and "Requests to confirm your part in a bid" in dashboard
    listed = client.get("/partner/confirmations").get_data(as_text=True)
    assert listed.count("/partner/confirmations/") >= 1
    confirmation, _, price = next(m for m in mine if m[1] != TenderStatus.AWARDED)
    page = client.get(f"/partner/confirmations/{confirmation.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert confirmation.role in html and money(confirmation.value_gbp) in html and "Send answer" in html
    assert money(price) not in html  # never the bid's price
    others = [c for c, _, _ in rows if c.submission_id == confirmation.submission_id and c.id != confirmation.id]
    assert others and not any(o.name in html for o in others)  # nor the other partners


def test_refusing_without_a_reason_shows_the_error_and_changes_nothing(demo: Flask) -> None:
    client, token = _partner(demo)
    me, rows = _requests(demo)
    confirmation = next(c for c, status, _ in rows if c.partner_org_id == me.organisation_id
                        and status != TenderStatus.AWARDED)  # fmt: skip
    url = f"/partner/confirmations/{confirmation.id}"
    before = confirmation.status
    refused = client.post(url, data={"csrf_token": token, "answer": "refused", "note": "  "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is a problem" in html and 'href="#note"' in html
    assert "Enter why you refuse: what is wrong with the role or the £ value" in html
    with Session(get_engine(demo)) as s:
        assert s.get(PartnerConfirmation, confirmation.id).status == before  # type: ignore[union-attr]
    refused = client.post(url, data={"csrf_token": token, "answer": "refused", "note": "We agreed half of this."})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/partner/confirmations")
    confirmed = client.post(url, data={"csrf_token": token, "answer": "confirmed", "note": ""})
    assert confirmed.status_code == 302
    with Session(get_engine(demo)) as s:
        row = s.get(PartnerConfirmation, confirmation.id)
        assert row is not None and row.status == "confirmed" and row.answered_at is not None


def test_no_answer_on_an_awarded_tender_and_nothing_of_another_organisation(demo: Flask) -> None:
    client, token = _partner(demo)
    me, rows = _requests(demo)
    awarded = next(c for c, status, _ in rows if c.partner_org_id == me.organisation_id
                   and status == TenderStatus.AWARDED)  # fmt: skip
    page = client.get(f"/partner/confirmations/{awarded.id}").get_data(as_text=True)
    assert "has been awarded: your answer can no longer be changed" in page and "Send answer" not in page
    refused = client.post(f"/partner/confirmations/{awarded.id}",
                          data={"csrf_token": token, "answer": "confirmed", "note": ""})  # fmt: skip
    assert refused.status_code == 409 and "can no longer be given or changed" in refused.get_data(as_text=True)
    other = next(c for c, _, _ in rows if c.partner_org_id not in (None, me.organisation_id))
    assert client.get(f"/partner/confirmations/{other.id}").status_code == 404
    assert client.post(f"/partner/confirmations/{other.id}",
                       data={"csrf_token": token, "answer": "confirmed"}).status_code == 404  # fmt: skip


def test_a_partner_is_refused_every_door_to_a_bid(demo: Flask) -> None:
    client, _ = _partner(demo)
    _, rows = _requests(demo)
    with Session(get_engine(demo)) as s:
        tender = s.exec(select(Tender).where(Tender.status == TenderStatus.EVALUATING)).first()
        assert tender is not None
    submission = rows[0][0].submission_id
    for url, refused in (
        (f"/submissions/{submission}/workbook.xlsx", (403, 404)),
        (f"/tenders/{tender.id}/evaluation", (403,)),
        (f"/tenders/{tender.id}/moderation/{submission}", (403,)),
        (f"/tenders/{tender.id}/evaluation-report.pdf", (403, 404)),
        (f"/tenders/{tender.id}/assessment-summary.pdf?submission={submission}", (403, 404)),
        (f"/api/submissions/{submission}", (401, 403, 404)),
        (f"/api/submissions/{submission}/workbook", (401, 403, 404)),
        (f"/api/tenders/{tender.id}/bids", (401, 403)),
        (f"/api/tenders/{tender.id}/evaluation", (401, 403)),
    ):
        response = client.get(url)
        assert response.status_code in refused, (url, response.status_code)


def test_the_api_lists_and_answers_requests(demo: Flask) -> None:
    me, rows = _requests(demo)
    with Session(get_engine(demo)) as s:
        token = accounts.issue_api_token(s, s.get(User, me.id))  # type: ignore[arg-type]
        s.commit()
    client = demo.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/partner/confirmations", headers=bearer)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body and {r["status"] for r in body} <= {"awaiting", "confirmed", "refused"}
    assert all("price" not in r for r in body)
    assert all(re.fullmatch(r"\d+\.\d\d", r["value_gbp"]) for r in body)  # pounds and pence, as all money in the API
    open_one = next(r for r in body if r["answerable"])
    no_reason = client.post(f"/api/partner/confirmations/{open_one['id']}", json={"answer": "refused"}, headers=bearer)
    assert no_reason.status_code == 422 and set(no_reason.get_json()["errors"]["json"]) == {"note"}  # the API's shape
    answered = client.post(f"/api/partner/confirmations/{open_one['id']}",
                           json={"answer": "refused", "note": "Not our role."}, headers=bearer)  # fmt: skip
    assert answered.status_code == 200 and answered.get_json()["status"] == "refused"
    other = next(c for c, _, _ in rows if c.partner_org_id not in (None, me.organisation_id))
    assert client.get(f"/api/partner/confirmations/{other.id}", headers=bearer).status_code == 404


def test_the_officer_sees_each_bids_partners_in_words(demo: Flask) -> None:
    client = demo.test_client()
    with Session(get_engine(demo)) as s:
        officer = s.exec(select(User).where(User.email == "officer@demo.tenderscore.test")).first()
        tender = s.exec(select(Tender).where(Tender.status == TenderStatus.EVALUATING)).first()
        assert officer is not None and tender is not None
    forms.sign_in(client, officer.email, DEMO_PASSWORD)
    html = client.get(f"/tenders/{tender.id}/evaluation").get_data(as_text=True)
    assert 'id="vcse-partners"' in html and "Aldergate Housing Trust" in html
    assert "Verified VCSE" in html and "Not yet answered" in html
    assert "Registered but unverified" in html  # Oakfield's Tidewater
    assert "Confirmed" in html and "Refused" in html  # the demo's partners answered: Tidewater refused
    assert "A partner refused" not in html  # (the moderation page says that, bid by bid)


def test_the_api_gives_each_bids_partners_to_the_buyer_only(demo: Flask) -> None:
    with Session(get_engine(demo)) as s:
        officer = s.exec(select(User).where(User.email == "officer@demo.tenderscore.test")).one()
        partner = s.exec(select(User).where(User.email == PARTNER)).one()
        tender_id = s.exec(select(Tender.id).where(Tender.reference == "NWPR-2026-014")).one()
        tokens = {"officer": accounts.issue_api_token(s, officer), "partner": accounts.issue_api_token(s, partner)}
        s.commit()
    client = demo.test_client()
    url = f"/api/tenders/{tender_id}/partners"
    found = client.get(url, headers={"Authorization": f"Bearer {tokens['officer']}"})
    assert found.status_code == 200
    body = found.get_json()
    assert body["counting"] == "verified VCSE partners only" and body["as_at"] is None
    oakfield = next(b for b in body["bids"] if b["bidder"] == "Oakfield Pathways Trust")
    tidewater = next(p for p in oakfield["partners"] if p["identifier"] == "GB-MPR-31207R")
    assert tidewater["standing"] == "registered but unverified" and tidewater["confirmation"] == "refused"
    # the demo's policy counts verified partners only: Tidewater does not count, and Oakfield is excluded for it
    assert tidewater["counts"] is False and Decimal(tidewater["share"]) == Decimal("4.5")
    assert client.get(url, headers={"Authorization": f"Bearer {tokens['partner']}"}).status_code == 403
