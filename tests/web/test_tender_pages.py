"""The tender and bidding pages as each role uses them (issue 12): no button that cannot work, a refusal shown on the
page with the GOV.UK error summary, a draft changed or deleted, a deadline extended, the bid checked before it is
confirmed, the outcome and the history shown to the people entitled to them."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from tenderscore.db import get_engine
from tenderscore.db.models import AuditEvent, Submission, Tender
from tenderscore.services import mail, submissions, tenders
from tenderscore.services.demo import DEMO_PASSWORD
from tenderscore.sheets import DemoBid, demo_bids
from tenderscore.web.jobs import runner
from tenderscore.web.pages import bidding
from tests import forms
from tests.web.test_routes import _award_the_evaluated_tender

OFFICER = "officer@demo.tenderscore.test"
EVALUATED, OPEN, DRAFT = "NWPR-2026-014", "NWPR-2027-002", "NWPR-2027-003"
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def _client(app: Flask, email: str = OFFICER) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, forms.sign_in(client, email, DEMO_PASSWORD)


def _tender(app: Flask, reference: str) -> Tender:
    with Session(get_engine(app), expire_on_commit=False) as session:
        return session.exec(select(Tender).where(Tender.reference == reference)).one()


def _set(app: Flask, reference: str, **values: object) -> None:
    with Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == reference)).one()
        for key, value in values.items():
            setattr(tender, key, value)
        session.add(tender)
        session.commit()


def _bid(app: Flask, name: str) -> DemoBid:
    with Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == OPEN)).one()
        rubric, identity = tenders.rubric_of(tender), submissions.identity(session, tender)
    return next(b for b in demo_bids(rubric, identity) if b.name.startswith(name))


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _summary(html: str) -> str:
    start = html.index("govuk-error-summary")
    return html[start : html.index("</ul>", start)]


def _events(app: Flask, action: str, tender_id: int | None = None) -> list[AuditEvent]:
    with Session(get_engine(app)) as session:
        found = session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()
        return [e for e in found if tender_id is None or e.tender_id == tender_id]


def _count(app: Flask) -> int:
    with Session(get_engine(app)) as session:
        return len(session.exec(select(Submission)).all())


class Outbox:
    def __init__(self) -> None:
        self.sent: list[mail.Message] = []

    def send(self, sender: str, messages: Sequence[mail.Message]) -> None:
        self.sent.extend(messages)


# 1. Buttons that cannot work are not shown, and say why; a refusal is the page again with its error.


def test_a_draft_past_its_deadline_shows_why_it_cannot_be_published_and_a_refusal_stays_on_the_page(
    demo: Flask,
) -> None:
    _set(demo, DRAFT, deadline=datetime.now(UTC) - timedelta(hours=1))
    draft = _tender(demo, DRAFT)
    client, token = _client(demo)
    page = client.get(f"/tenders/{draft.id}").text
    assert "Publish tender" not in page
    assert 'id="deadline-passed"' in page and f"/tenders/{draft.id}/edit" in page
    refused = client.post(f"/tenders/{draft.id}/publish", data={"csrf_token": token})
    html = refused.text
    assert refused.status_code == 409
    assert "There is a problem" in html and "deadline has passed" in _summary(html)
    assert f'<h1 class="govuk-heading-l">{draft.title}</h1>' in html  # the tender page, not a bare error page
    assert 'href="#deadline-day"' in html and 'id="deadline-day"' in html  # the link lands by the deadline
    assert _tender(demo, DRAFT).status == "draft"


def test_a_publishable_draft_shows_publish_and_opening_waits_for_the_deadline(demo: Flask) -> None:
    draft, open_tender = _tender(demo, DRAFT), _tender(demo, OPEN)
    client, token = _client(demo)
    breaching = client.get(f"/tenders/{draft.id}").text  # the demo's draft breaks its policy
    assert "Publish tender" not in breaching and 'id="breaches"' in breaching
    _set(demo, DRAFT, policy_id=None)
    assert "Publish tender" in client.get(f"/tenders/{draft.id}").text
    page = client.get(f"/tenders/{open_tender.id}").text
    assert "Open bids for evaluation" not in page
    assert 'id="open-later"' in page and "once the deadline has passed" in page
    refused = client.post(f"/tenders/{open_tender.id}/open", data={"csrf_token": token})
    assert refused.status_code == 409 and "There is a problem" in refused.text and "sealed" in _summary(refused.text)
    _set(demo, OPEN, deadline=datetime.now(UTC) - timedelta(minutes=1))
    assert "Open bids for evaluation" in client.get(f"/tenders/{open_tender.id}").text


# 2. A draft's details changed, a draft deleted, a published tender's deadline extended.


def _details(token: str, version: int, **typed: str) -> dict[str, str]:
    when = datetime.now(UTC) + timedelta(days=60)
    return {"csrf_token": token, "version": str(version), "title": "Tenancy sustainment", "description": "",
            "estimated_value": "700000", "policy_id": "1", "deadline-day": str(when.day),
            "deadline-month": str(when.month), "deadline-year": str(when.year), "deadline-time": "12:00",
            "reason": ""} | typed  # fmt: skip


def test_the_draft_details_page_reports_every_mistake_at_once_and_keeps_what_was_typed(demo: Flask) -> None:
    draft = _tender(demo, DRAFT)
    client, token = _client(demo)
    form = client.get(f"/tenders/{draft.id}/edit").text
    assert f'value="{draft.title}"' in form and 'value="650000"' in form  # the draft as it stands
    typed = _details(token, draft.version, title="", estimated_value="-5", description="Kept as typed")
    typed |= {"deadline-day": "31", "deadline-month": "2"}
    response = client.post(f"/tenders/{draft.id}/edit", data=typed)
    assert response.status_code == 400
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', _summary(response.text)))
    assert set(links) == {"title", "estimated_value", "deadline-day"}, links
    assert "Kept as typed" in response.text and 'value="-5"' in response.text
    assert _tender(demo, DRAFT).title == draft.title and not _events(demo, "tender.updated", draft.id)


def test_the_officer_changes_a_drafts_details_and_it_is_recorded(demo: Flask) -> None:
    draft = _tender(demo, DRAFT)
    client, token = _client(demo)
    saved = client.post(f"/tenders/{draft.id}/edit", data=_details(token, draft.version, reason="Budget agreed"))
    assert saved.status_code == 302, saved.text[:2000]
    after = _tender(demo, DRAFT)
    assert (after.title, after.estimated_value, after.version) == ("Tenancy sustainment", 700000, draft.version + 1)
    [event] = _events(demo, "tender.updated", draft.id)
    assert event.reason == "Budget agreed"
    stale = client.post(f"/tenders/{draft.id}/edit", data=_details(token, draft.version, title="Older"))
    assert stale.status_code == 409 and "There is a problem" in stale.text and "reload" in stale.text
    assert _tender(demo, DRAFT).title == "Tenancy sustainment"


def test_a_draft_is_deleted_after_confirmation_with_a_reason_and_disappears(demo: Flask) -> None:
    draft = _tender(demo, DRAFT)
    client, token = _client(demo)
    confirm = client.get(f"/tenders/{draft.id}/delete").text
    assert "Are you sure" in confirm and draft.title in confirm
    no_reason = client.post(f"/tenders/{draft.id}/delete", data={"csrf_token": token, "version": draft.version})
    assert no_reason.status_code == 400 and 'href="#reason"' in no_reason.text
    assert _tender(demo, DRAFT).deleted_at is None
    reason = {"csrf_token": token, "version": draft.version, "reason": "Merged into another"}
    deleted = client.post(f"/tenders/{draft.id}/delete", data=reason)
    assert deleted.status_code == 302 and deleted.headers["Location"].endswith("/dashboard")
    assert f'href="/tenders/{draft.id}"' not in client.get("/dashboard").text
    for path in ("", "/edit", "/rubric", "/delete", "/history"):
        assert client.get(f"/tenders/{draft.id}{path}").status_code == 404, path
    [event] = _events(demo, "tender.deleted")
    assert event.reason == "Merged into another"


def test_the_deadline_is_extended_later_only_and_every_bidder_is_emailed(demo: Flask) -> None:
    outbox = Outbox()
    demo.extensions["tenderscore.mailer"] = outbox
    tender = _tender(demo, OPEN)
    client, token = _client(demo)
    assert f"/tenders/{tender.id}/deadline" in client.get(f"/tenders/{tender.id}").text
    earlier = _details(token, tender.version, reason="")
    earlier |= {"deadline-day": "1", "deadline-month": "1", "deadline-year": "2026"}
    refused = client.post(f"/tenders/{tender.id}/deadline", data=earlier)
    assert refused.status_code == 400
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', _summary(refused.text)))
    assert set(links) == {"deadline-day", "reason"} and "later than" in links["deadline-day"]
    assert outbox.sent == []
    later = datetime.now(UTC) + timedelta(days=45)
    ok = _details(token, tender.version, reason="Site visits rescheduled")
    ok |= {"deadline-day": str(later.day), "deadline-month": str(later.month), "deadline-year": str(later.year)}
    response = client.post(f"/tenders/{tender.id}/deadline", data=ok)
    assert response.status_code == 302, response.text[:2000]
    assert _tender(demo, OPEN).deadline > tender.deadline and _tender(demo, OPEN).template_version == 1
    assert len(outbox.sent) == 7 and all("Site visits rescheduled" in m.body for m in outbox.sent)  # all demo bidders
    assert "Extended the deadline" in client.get(f"/tenders/{tender.id}/history").text


# 3. The self-check's PDF without choosing the file again; 4. check, then confirm, then a receipt.


def test_after_a_self_check_the_pdf_of_that_check_downloads_without_choosing_the_file_again(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    received = len(_events(demo, "submission.received"))
    bid = _bid(demo, "Brightpath")
    client, token = _client(demo, "brightpath@demo.tenderscore.test")
    checked = client.post(f"/tenders/{tender.id}/self-check", content_type="multipart/form-data",
                          data={"csrf_token": token, "workbook": (io.BytesIO(bid.workbook), "mine.xlsx")})  # fmt: skip
    assert checked.status_code == 200 and "Would be excluded" in checked.text
    carried = _hidden(checked.text)
    assert carried["workbook_data"] and carried["workbook_seal"]
    pdf = client.post(f"/tenders/{tender.id}/self-check.pdf", data=carried)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    tampered = carried | {"workbook_data": carried["workbook_data"][:-8] + "AAAAAAA="}
    refused = client.post(f"/tenders/{tender.id}/self-check.pdf", data=tampered)
    assert refused.status_code == 400 and "There is a problem" in refused.text
    assert len(_events(demo, "submission.received")) == received  # nothing stored


def test_a_workbook_too_big_to_carry_is_chosen_again_and_must_be_the_same_file(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bidding, "carry_limit", lambda: 10_000)  # smaller than a demo workbook
    tender = _tender(demo, OPEN)
    bid, other = _bid(demo, "Brightpath"), _bid(demo, "Northern")
    client, token = _client(demo, "brightpath@demo.tenderscore.test")
    checked = client.post(f"/tenders/{tender.id}/self-check", content_type="multipart/form-data",
                          data={"csrf_token": token, "workbook": (io.BytesIO(bid.workbook), "mine.xlsx")})  # fmt: skip
    carried = _hidden(checked.text)
    assert "workbook_data" not in carried and "Choose mine.xlsx again" in checked.text
    wrong = client.post(f"/tenders/{tender.id}/self-check.pdf", content_type="multipart/form-data",
                        data=carried | {"workbook": (io.BytesIO(other.workbook), "mine.xlsx")})  # fmt: skip
    assert wrong.status_code == 400 and "not the file you checked" in wrong.text
    same = client.post(f"/tenders/{tender.id}/self-check.pdf", content_type="multipart/form-data",
                       data=carried | {"workbook": (io.BytesIO(bid.workbook), "mine.xlsx")})  # fmt: skip
    assert same.status_code == 200 and same.mimetype == "application/pdf"


def test_a_bid_that_fails_a_gate_is_shown_as_excluded_before_it_is_confirmed(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    bid = _bid(demo, "Brightpath")
    stored = _count(demo)
    client, token = _client(demo, "brightpath@demo.tenderscore.test")
    checked = client.post(f"/tenders/{tender.id}/submit", content_type="multipart/form-data",
                          data={"csrf_token": token, "workbook": (io.BytesIO(bid.workbook), "bid.xlsx")})  # fmt: skip
    html = checked.text
    assert checked.status_code == 200
    assert 'id="will-be-excluded"' in html and "below the mandatory" in html and "Submit bid anyway" in html
    assert _count(demo) == stored  # not stored before confirmation
    confirmed = client.post(f"/tenders/{tender.id}/submit/confirm", data=_hidden(html))
    assert confirmed.status_code == 302 and "/receipt" in confirmed.headers["Location"]
    assert _count(demo) == stored + 1
    receipt = client.get(confirmed.headers["Location"]).text
    assert "Bid received" in receipt and "Version 1" in receipt
    with Session(get_engine(demo)) as session:
        mine = session.exec(select(Submission).order_by(col(Submission.id).desc())).first()
    assert mine is not None
    from tenderscore.core.ukdates import uk_time

    assert uk_time(mine.received_at) in receipt
    details = receipt[receipt.index("govuk-details") :]
    assert mine.sha256 in details and mine.sha256 not in receipt[: receipt.index("govuk-details")]


def test_a_workbook_with_errors_cannot_be_confirmed(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    bid = _bid(demo, "Harbour")
    client, token = _client(demo, "brightpath@demo.tenderscore.test")
    checked = client.post(f"/tenders/{tender.id}/submit", content_type="multipart/form-data",
                          data={"csrf_token": token, "workbook": (io.BytesIO(bid.workbook), "bid.xlsx")})  # fmt: skip
    assert checked.status_code == 422 and "There is a problem" in checked.text
    assert "/submit/confirm" not in checked.text and 'id="cell-errors"' in checked.text


def test_a_confirmation_after_the_deadline_is_refused_on_the_page_and_recorded(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    client, token = _client(demo, "brightpath@demo.tenderscore.test")
    checked = client.post(f"/tenders/{tender.id}/submit", content_type="multipart/form-data", data={
        "csrf_token": token, "workbook": (io.BytesIO(_bid(demo, "Brightpath").workbook), "bid.xlsx")})  # fmt: skip
    late_before = len(_events(demo, "submission.refused_late"))
    _set(demo, OPEN, deadline=datetime.now(UTC) - timedelta(seconds=1))
    refused = client.post(f"/tenders/{tender.id}/submit/confirm", data=_hidden(checked.text))
    assert refused.status_code == 409 and "There is a problem" in refused.text
    assert len(_events(demo, "submission.refused_late")) == late_before + 1


# 5. The outcome for each party; 6. refused late bids for the officer; 7. the history.


def test_after_the_award_each_party_sees_the_outcome_and_only_bidders_who_bid_get_a_summary(demo: Flask) -> None:
    with Session(get_engine(demo)) as session:
        _award_the_evaluated_tender(session)
        session.commit()
    tender = _tender(demo, EVALUATED)
    bidders = ("northern", "brightpath", "meridian", "ridgeway", "oakfield")  # each had a bid in
    waiting = _client(demo, "northern@demo.tenderscore.test")[0].get(f"/tenders/{tender.id}").text
    assert "Your bid" not in waiting and "Every bidder will be sent an assessment summary" in waiting
    officer, token = _client(demo)
    issued = officer.post(f"/tenders/{tender.id}/award/summaries", data={"csrf_token": token})
    assert issued.status_code == 302 and issued.headers["Location"].startswith("/jobs/"), issued.text[:2000]
    job_id = issued.headers["Location"].rsplit("/", 1)[1]
    runner(demo).wait(job_id)  # type: ignore[attr-defined]  # a thread of this app runs it (no Redis here)
    done = officer.get(issued.headers["Location"]).text
    assert "Issued 5 assessment summaries: bidders emailed" in done, done
    pages = {who: _client(demo, f"{who}@demo.tenderscore.test")[0].get(f"/tenders/{tender.id}").text for who in bidders}
    won = [who for who, page in pages.items() if "Your bid won" in page]
    assert len(won) == 1
    summary = "Download your assessment summary"
    for who, page in pages.items():
        assert summary in page, who
        if who not in won:
            assert "Your bid was not successful" in page and ("ranked" in page or "excluded" in page), who
    assert "excluded" in pages["brightpath"]  # the tokenistic VCSE share
    never = _client(demo, "eastgate@demo.tenderscore.test")[0].get(f"/tenders/{tender.id}").text  # refused as late
    assert summary not in never and "You did not bid for this tender" in never
    assert "Awarded to" in officer.get(f"/tenders/{tender.id}").text


def test_the_officer_sees_late_bids_refused_once_the_bids_are_opened(demo: Flask) -> None:
    tender = _tender(demo, EVALUATED)
    [event] = [e for e in _events(demo, "submission.refused_late") if e.tender_id == tender.id]
    client, _ = _client(demo)
    html = client.get(f"/tenders/{tender.id}").text
    section = html[html.index('id="refused"') :]
    assert "after the deadline" in section.lower() or "deadline had passed" in section
    assert event.after is not None and event.after["sha256"] in section
    before_details = section[: section.index("govuk-details")]
    assert event.after["sha256"] not in before_details  # the fingerprint is behind details
    commissioner, _ = _client(demo, "commissioner@demo.tenderscore.test")
    assert event.after["sha256"] not in commissioner.get(f"/tenders/{tender.id}").text


def test_the_history_is_plain_words_filterable_and_for_the_buyer_only(demo: Flask) -> None:
    tender = _tender(demo, EVALUATED)
    officer, _ = _client(demo)
    page = officer.get(f"/tenders/{tender.id}/history")
    html = page.text
    assert page.status_code == 200
    for words in ("Created the draft tender", "Published the tender", "Opened the bids for evaluation",
                  "on the evaluation panel", "consensus score"):  # fmt: skip
        assert words in html, words
    main = re.sub(r'<div class="govuk-details.*?</div>\s*</details>|<details.*?</details>', "", html, flags=re.S)
    assert not HEX64.search(main)  # hashes only behind details
    assert "evaluator_assignment" not in html and "submission_id" not in html
    bids_only = officer.get(f"/tenders/{tender.id}/history?kind=bids").text
    assert "Submitted a bid" in bids_only and "Opened the bids" not in bids_only
    assert "consensus score" not in bids_only
    for who, status in (("commissioner", 200), ("evaluator1", 403), ("northern", 403)):
        assert (
            _client(demo, f"{who}@demo.tenderscore.test")[0].get(f"/tenders/{tender.id}/history").status_code == status
        )
    outside = _client(demo, "evaluator2@demo.tenderscore.test")[0]  # not on the draft's panel, like every bidder
    assert outside.get(f"/tenders/{_tender(demo, DRAFT).id}/history").status_code == 404


def test_the_history_keeps_the_seal_before_the_bids_are_opened(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    client, token = _client(demo, "brightpath@demo.tenderscore.test")
    checked = client.post(f"/tenders/{tender.id}/submit", content_type="multipart/form-data", data={
        "csrf_token": token, "workbook": (io.BytesIO(_bid(demo, "Brightpath").workbook), "bid.xlsx")})  # fmt: skip
    client.post(f"/tenders/{tender.id}/submit/confirm", data=_hidden(checked.text))
    html = _client(demo)[0].get(f"/tenders/{tender.id}/history").text
    assert "A bid was received" in html and "Brightpath" not in html


# 8. The weights page: a running total while draft; read-only once published.


def test_the_weights_page_adds_up_without_saving_and_is_read_only_after_publication(demo: Flask) -> None:
    draft, published = _tender(demo, DRAFT), _tender(demo, OPEN)
    client, token = _client(demo)
    page = client.get(f"/tenders/{draft.id}/rubric").text
    assert "Total: <strong>100</strong>" in page
    rubric = tenders.rubric_of(draft)
    first = next(c for c in rubric.criteria if c.weight > 0)
    typed = {"csrf_token": token, "version": str(draft.version), "action": "total",
             f"weight-{first.id}": str(first.weight + 3)}  # fmt: skip
    added = client.post(f"/tenders/{draft.id}/rubric", data=typed)
    assert added.status_code == 200 and "Total: <strong>103</strong>" in added.text
    assert "must add up to exactly 100" in added.text and _tender(demo, DRAFT).version == draft.version
    frozen = client.get(f"/tenders/{published.id}/rubric").text
    assert 'id="frozen"' in frozen and '<input class="govuk-input' not in frozen
    assert "Save weights and thresholds" not in frozen and "Total: <strong>100</strong>" in frozen


def test_assigning_offers_only_evaluators_not_yet_on_the_panel_and_a_bad_choice_shows_the_page_again(
    demo: Flask,
) -> None:
    from tenderscore.db.models import EvaluatorAssignment

    with Session(get_engine(demo)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == EVALUATED)).one()
        on_panel = {a.evaluator_id for a in session.exec(
            select(EvaluatorAssignment).where(EvaluatorAssignment.tender_id == tender.id))}  # fmt: skip
        tender_id = tender.id
    client, token = _client(demo)
    html = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    offered = {int(v) for v in re.findall(r'<option value="(\d+)">', html.split('id="evaluator_id"', 1)[-1])}
    assert not offered & on_panel
    refused = client.post(f"/tenders/{tender_id}/panel", data={"csrf_token": token, "evaluator_id": "nobody"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is a problem" in page and 'href="#evaluator_id"' in page


def test_the_officer_sees_every_refused_submission_once_the_bids_are_opened(demo: Flask) -> None:
    """The demo has a bid refused as late and one refused for errors: both are on the tender page, with why."""
    with Session(get_engine(demo)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == EVALUATED)).one()
        tender_id = tender.id
    client, _ = _client(demo)
    html = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    refused = html[html.index('id="refused"') :]
    assert "The deadline had passed" in refused and re.search(r"The workbook had \d+ errors?", refused)
    assert "Harbour Lane" in refused  # who sent the workbook with errors, now that the bids are open
