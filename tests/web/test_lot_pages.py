"""The lots doors on the pages (docs/lots.md): an officer divides a draft, adds and removes lots, sets each lot's
weights and the rule across lots, and publishes the tender with its lots; a lot's own page says what it shares with
its tender; a bidder sees the lots and their bids in each; the award of a lot shows the rule it was made under, and
a lot that cannot be awarded yet says why on the page. (The rules themselves are the services' tests.)"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from tenderscore.db import get_engine
from tenderscore.db.models import Award, Tender, TenderStatus
from tenderscore.services import lots
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms
from tests.web.test_routes import agree_the_missing_consensus

OFFICER, BIDDER = "officer@demo.tenderscore.test", "northern@demo.tenderscore.test"
EVALUATED, DRAFT = "NWPR-2026-014", "NWPR-2027-003"


def _client(app: Flask, email: str = OFFICER) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, forms.sign_in(client, email, DEMO_PASSWORD)


def _rows(app: Flask, reference: str) -> list[Tender]:
    """The tender and its lots as stored, lot 1 first."""
    with Session(get_engine(app), expire_on_commit=False) as session:
        head = session.exec(select(Tender).where(Tender.reference == reference)).one()
        return lots.lots_of(session, head)


def _set(app: Flask, reference: str, **values: object) -> None:
    with Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == reference)).one()
        for key, value in values.items():
            setattr(tender, key, value)
        session.add(tender)
        session.commit()


def _summary(html: str) -> dict[str, str]:
    """The error summary's links: field anchor -> words."""
    start = html.index("govuk-error-summary")
    return dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html[start : html.index("</ul>", start)]))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_officer_divides_a_draft_sets_a_lots_weights_and_the_rule_and_publishes_it_with_its_lots(
    demo: Flask,
) -> None:
    _set(demo, DRAFT, policy_id=None)  # the demo's draft breaks its policy on purpose; not what this is about
    [head] = _rows(demo, DRAFT)
    client, token = _client(demo)
    page = client.get(f"/tenders/{head.id}").text
    assert 'id="divide"' in page and 'id="lots"' not in page  # undivided: as before, plus the one action

    # Mistakes: nothing stored, every one named by its field.
    form = client.get(f"/tenders/{head.id}/lots/new").text
    assert "Title of lot 1" in form and "Title of lot 2" in form
    refused = client.post(f"/tenders/{head.id}/lots/new", data={
        "csrf_token": token, "version": head.version, "first_title": "North West", "title": " ",
        "estimated_value": "lots"})  # fmt: skip
    assert refused.status_code == 400
    assert set(_summary(refused.text)) == {"title", "estimated_value"}, _summary(refused.text)
    assert 'value="North West"' in refused.text and len(_rows(demo, DRAFT)) == 1

    divided = client.post(f"/tenders/{head.id}/lots/new", data={
        "csrf_token": token, "version": head.version, "first_title": "North West", "title": "North East",
        "estimated_value": "£250,000"})  # fmt: skip
    assert divided.status_code == 302, divided.text[:2000]
    head, lot2 = _rows(demo, DRAFT)
    assert (head.lot_title, lot2.lot_title, lot2.estimated_value) == ("North West", "North East", 250000)
    page = _text(client.get(f"/tenders/{head.id}").text)
    assert "Lots" in page and f"Lot 2 {DRAFT}-L2 North East £250,000.00" in page
    assert "There is no limit on the number of lots one bidder may win." in page and "Divide into lots" not in page

    # A lot's own page: what it is, what it shares, no buttons of the tender's.
    lot_page = client.get(f"/tenders/{lot2.id}").text
    assert f"Lot 2 of {DRAFT}: {head.title}" in lot_page and f'href="/tenders/{head.id}"' in lot_page
    assert "Publish tender" not in lot_page and "publish it from the tender" in lot_page
    assert "Remove this lot" in lot_page and "Set on the tender" in lot_page
    edit = client.get(f"/tenders/{lot2.id}/edit").text
    assert 'id="deadline-day"' not in edit and 'name="policy_id"' not in edit and 'id="lot-shared"' in edit
    saved = client.post(f"/tenders/{lot2.id}/edit", data={
        "csrf_token": token, "version": lot2.version, "description": "Tyne and Wear", "estimated_value": "300000",
        "lot_title": "Tyne and Wear", "reason": ""})  # fmt: skip
    assert saved.status_code == 302, saved.text[:2000]
    rubric_page = client.get(f"/tenders/{lot2.id}/rubric").text
    assert "Weights and thresholds of lot 2" in rubric_page
    lot2 = _rows(demo, DRAFT)[1]
    weights = dict(re.findall(r'name="(weight-[^"]+)" inputmode="decimal" value="([^"]+)"', rubric_page))
    first, second = list(weights)[:2]
    weights[first], weights[second] = (
        str(int(float(weights[first])) + 5), str(int(float(weights[second])) - 5))  # fmt: skip
    moved = client.post(f"/tenders/{lot2.id}/rubric", data={"csrf_token": token, "version": lot2.version, **weights})
    assert moved.status_code == 302, _summary(moved.text)
    head, lot2 = _rows(demo, DRAFT)
    assert lot2.rubric != head.rubric and lot2.estimated_value == 300000 and lot2.description == "Tyne and Wear"
    assert lot2.lot_title == "Tyne and Wear"  # renamed on its own details form

    # The rule across lots: a cap of 0 or words refused with the field named; then saved and shown in words.
    for typed, needle in (("0", "1 or more"), ("two", "whole number")):
        bad = client.post(f"/tenders/{head.id}/lot-rule", data={
            "csrf_token": token, "version": head.version, "lot_cap": typed, "lot_order": "number"})  # fmt: skip
        assert bad.status_code == 400 and needle in _summary(bad.text)["lot_cap"], bad.text[:2000]
        assert 'value="' + typed + '"' in bad.text
    ruled = client.post(f"/tenders/{head.id}/lot-rule", data={
        "csrf_token": token, "version": head.version, "lot_cap": "1", "lot_order": "number"})  # fmt: skip
    assert ruled.status_code == 302
    assert "One bidder may win at most 1 lot." in client.get(f"/tenders/{head.id}").text

    # A third lot added, then removed from its own page; the tender keeps lots 1 and 2.
    head = _rows(demo, DRAFT)[0]
    added = client.post(f"/tenders/{head.id}/lots/new", data={
        "csrf_token": token, "version": head.version, "title": "Cumbria", "estimated_value": ""})  # fmt: skip
    assert added.status_code == 302
    lot3 = _rows(demo, DRAFT)[2]
    assert "Are you sure you want to remove lot 3?" in client.get(f"/tenders/{lot3.id}/delete").text
    removed = client.post(f"/tenders/{lot3.id}/delete", data={
        "csrf_token": token, "version": lot3.version, "reason": "Covered by lot 1"})  # fmt: skip
    assert removed.status_code == 302 and removed.headers["Location"].endswith(f"/tenders/{head.id}")
    assert [lot.lot_number for lot in _rows(demo, DRAFT)] == [1, 2]

    # A lot is published with its tender, never on its own.
    assert client.post(f"/tenders/{lot2.id}/publish", data={"csrf_token": token}).status_code == 409
    published = client.post(f"/tenders/{head.id}/publish", data={"csrf_token": token})
    assert published.status_code == 302, _text(published.text)[:2000]
    assert [lot.status for lot in _rows(demo, DRAFT)] == ["published", "published"]
    lot_page = client.get(f"/tenders/{lot2.id}").text
    assert "Open bids for evaluation" not in lot_page and "Extend the deadline" not in lot_page
    assert "are opened together" in lot_page


def test_a_bidder_sees_the_lots_bids_for_each_and_asks_questions_on_the_tender(demo: Flask) -> None:
    _set(demo, DRAFT, policy_id=None)
    [head] = _rows(demo, DRAFT)
    officer, token = _client(demo)
    officer.post(f"/tenders/{head.id}/lots/new", data={
        "csrf_token": token, "version": head.version, "first_title": "North West", "title": "North East"})  # fmt: skip
    assert officer.post(f"/tenders/{head.id}/publish", data={"csrf_token": token}).status_code == 302
    head, lot2 = _rows(demo, DRAFT)
    bidder, _ = _client(demo, BIDDER)
    assert [t for t in re.findall(r'href="/tenders/(\d+)"', bidder.get("/dashboard").text)].count(str(lot2.id)) == 0
    page = _text(bidder.get(f"/tenders/{head.id}").text)
    assert "Respond to lot 1: North West" in page and "Lot 2 " + f"{DRAFT}-L2 North East" in page
    assert page.count("No bid") == 2
    lot_page = bidder.get(f"/tenders/{lot2.id}").text
    assert "Respond to lot 2: North East" in lot_page
    assert f'href="/tenders/{lot2.id}/template.xlsx"' in lot_page
    assert 'id="questions-on-tender"' in lot_page and f'href="/tenders/{head.id}#clarifications"' in lot_page
    assert "Ask a clarification question" not in lot_page
    assert "Lot 2: North East" in bidder.get(f"/tenders/{lot2.id}/submit").text


def test_a_lot_under_a_cap_is_awarded_only_when_every_lot_is_final_and_its_award_shows_the_rule(demo: Flask) -> None:
    """The demo's evaluated tender with a further lot and a cap of one lot: awarding it waits for the other lot's
    evaluation (a clear refusal on the page), then is made under the rule, which the award page shows."""
    with Session(get_engine(demo)) as session:
        agree_the_missing_consensus(session)
        head = session.exec(select(Tender).where(Tender.reference == EVALUATED)).one()
        head.lot_title, head.lot_cap, head.lot_order = "Greater Manchester", 1, "number"
        lot2 = Tender(
            reference=f"{EVALUATED}-L2", title=head.title, buyer_org_id=head.buyer_org_id, deadline=head.deadline,
            rubric=dict(head.rubric), created_by_id=head.created_by_id, lot_of_id=head.id, lot_number=2,
            lot_title="Lancashire", status=TenderStatus.CLOSED, published_at=head.published_at,
            rubric_snapshot=head.rubric_snapshot, rubric_hash=head.rubric_hash, policy_snapshot=head.policy_snapshot,
        )  # fmt: skip
        session.add_all([head, lot2])
        session.commit()
        head_id, lot2_id = head.id, lot2.id
    client, token = _client(demo)
    evaluation = client.get(f"/tenders/{head_id}/evaluation").text
    assert "One bidder may win at most 1 lot." in evaluation and "This lot cannot be awarded yet" in evaluation
    reason = {"csrf_token": token, "reason": "The best bid under the published rule across lots."}
    refused = client.post(f"/tenders/{head_id}/award", data=reason)
    assert refused.status_code == 409 and "Lot 2: Lancashire is closed" in _text(refused.text)
    assert "There is a problem" in refused.text
    _set(demo, f"{EVALUATED}-L2", status=TenderStatus.EVALUATING)  # no bids: nothing to wait for
    awarded = client.post(f"/tenders/{head_id}/award", data=reason)
    assert awarded.status_code == 302, _text(awarded.text)[:3000]
    with Session(get_engine(demo)) as session:
        award = session.exec(select(Award).where(col(Award.tender_id) == head_id)).one()
        kept = dict(award.evaluation["lot_rule"])
        assert kept["lot"] == 1 and kept["passed_over"] == []
        # The page shows whoever the kept record says was passed over (the rule is the services' to test).
        kept["passed_over"] = [{"bidder": "Ridgeway Housing and Justice Alliance", "cap_reached_by_lots": [2]}]
        award.evaluation = {**award.evaluation, "lot_rule": kept}
        session.add(award)
        session.commit()
    page = _text(client.get(f"/tenders/{head_id}/award").text)
    assert "Lot 1: Greater Manchester of " + EVALUATED in page and "One bidder may win at most 1 lot." in page
    assert f"lot 1 went to {kept['winner']}" in page
    assert "Ridgeway Housing and Justice Alliance ranked higher in this lot but was passed over" in page
    assert "with lot 2." in page
    assert client.get(f"/tenders/{lot2_id}").status_code == 200
