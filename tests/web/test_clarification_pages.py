"""Clarification pages on the demo's open tender (three questions: one published, one answered privately, one
awaiting an answer): who sees what on the tender page, asking, answering, publishing, correcting, and the errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlmodel import Session, col, select

from tenderscore.core.ukdates import UK
from tenderscore.db import get_engine
from tenderscore.db.models import AuditEvent, Clarification, Tender
from tests.web.test_tender_pages import DRAFT, OFFICER, OPEN, Outbox, _client, _details, _set, _summary, _tender

PUBLISHED_WORDING = "Can bed spaces in hostels run by a bidder"
ASKED_BY_NORTHERN = "two hostels in Salford"  # the published question as asked: never shown to other bidders
PRIVATE = "digital job-matching platform"
AWAITING = "anonymised staff list"


def _questions(app: Flask) -> list[Clarification]:
    with Session(get_engine(app), expire_on_commit=False) as session:
        opened = session.exec(select(Tender.id).where(Tender.reference == "NWPR-2027-002")).one()
        query = select(Clarification).where(Clarification.tender_id == opened).order_by(col(Clarification.id))
        return list(session.exec(query).all())


def test_each_person_sees_on_the_tender_page_only_what_they_may(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    pages = {}
    for who in (OFFICER, "evaluator1@demo.tenderscore.test", "northern@demo.tenderscore.test",
                "brightpath@demo.tenderscore.test", "harbour@demo.tenderscore.test"):  # fmt: skip
        client, _ = _client(demo, who)
        pages[who.split("@")[0]] = client.get(f"/tenders/{tender.id}").text
    officer = pages["officer"]
    assert all(words in officer for words in (ASKED_BY_NORTHERN, PUBLISHED_WORDING, PRIVATE, AWAITING))
    assert "Asked by Northern Resettlement Consortium Ltd" in officer and "1 question awaiting an answer" in officer
    for who in ("evaluator1", "harbour"):
        assert PUBLISHED_WORDING in pages[who]
        assert not any(w in pages[who] for w in (ASKED_BY_NORTHERN, PRIVATE, AWAITING, "Asked by"))
    assert ASKED_BY_NORTHERN in pages["northern"] and PRIVATE not in pages["northern"]  # its own, as asked
    brightpath = pages["brightpath"]
    assert PRIVATE in brightpath and "Answered to you" in brightpath and ASKED_BY_NORTHERN not in brightpath
    assert "Clarification questions close" in brightpath and "Ask a clarification question" in brightpath
    [published, private, _] = _questions(demo)
    harbour, _ = _client(demo, "harbour@demo.tenderscore.test")
    assert harbour.get(f"/clarifications/{private.id}").status_code == 404
    assert ASKED_BY_NORTHERN not in harbour.get(f"/clarifications/{published.id}").text


def test_a_bidder_asks_and_a_blank_or_late_question_is_refused_on_the_page(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    client, token = _client(demo, "harbour@demo.tenderscore.test")
    url = f"/tenders/{tender.id}/clarifications/ask"
    blank = client.post(url, data={"csrf_token": token, "question": "  "})
    assert blank.status_code == 400 and 'href="#question"' in _summary(blank.text)
    sent = client.post(url, data={"csrf_token": token, "question": "Is TUPE likely to apply?"})
    assert sent.status_code == 302
    assert "Is TUPE likely to apply?" in client.get(sent.headers["Location"]).text
    _set(demo, OPEN, clarification_deadline=datetime(2026, 1, 5, 17, 0, tzinfo=UTC))
    assert "closed at 5 January 2026, 5:00pm GMT" in client.get(url).text
    late = client.post(url, data={"csrf_token": token, "question": "One more?"})
    assert late.status_code == 409 and "closed at 5 January 2026, 5:00pm GMT" in _summary(late.text)
    assert len(_questions(demo)) == 4


def test_the_officer_publishes_an_answer_in_edited_words_and_every_bidder_is_emailed(demo: Flask) -> None:
    outbox = Outbox()
    demo.extensions["tenderscore.mailer"] = outbox
    awaiting = _questions(demo)[2]
    client, token = _client(demo)
    page = client.get(f"/clarifications/{awaiting.id}").text
    assert "Eastgate Community Rehabilitation CIC <span" in page and "Send the answer" in page
    missing = client.post(f"/clarifications/{awaiting.id}", data={"csrf_token": token, "answer": ""})
    assert missing.status_code == 400
    assert set(re.findall(r'href="#([^"]+)"', _summary(missing.text))) == {"audience", "answer"}
    assert outbox.sent == []
    answer = {"csrf_token": token, "audience": "all", "answer": "By 15 January.",
              "published_question": "When will the anonymised staff list be available?"}  # fmt: skip
    sent = client.post(f"/clarifications/{awaiting.id}", data=answer)
    assert sent.status_code == 302, sent.text[:2000]
    assert len(outbox.sent) == 7 and all("Eastgate" not in m.body for m in outbox.sent)  # every demo bidder
    harbour, _ = _client(demo, "harbour@demo.tenderscore.test")
    assert "When will the anonymised staff list be available?" in harbour.get(f"/tenders/{awaiting.tender_id}").text
    # A correction: a new answer, linked; the published one stays on record, marked corrected.
    page = client.get(f"/clarifications/{awaiting.id}").text
    assert "Correct the answer" in page
    corrects = re.search(r'name="corrects" value="(\d+)"', page)
    assert corrects is not None
    fixed = client.post(f"/clarifications/{awaiting.id}", data={"csrf_token": token, "audience": "all",
                        "published_question": answer["published_question"], "answer": "By 22 January.",
                        "corrects": corrects.group(1)})  # fmt: skip
    assert fixed.status_code == 302
    seen = harbour.get(f"/clarifications/{awaiting.id}").text
    assert "By 15 January." in seen and "By 22 January." in seen and "Corrected below" in seen


def test_an_extension_following_an_answer_is_shown_next_to_it(demo: Flask) -> None:
    tender = _tender(demo, OPEN)
    published = _questions(demo)[0]
    client, token = _client(demo)
    form = client.get(f"/tenders/{tender.id}/deadline?following={published.id}").text
    assert f'<option value="{published.id}" selected>' in form
    later = datetime.now(UTC) + timedelta(days=45)
    typed = {"csrf_token": token, "version": str(tender.version), "reason": "More time to form partnerships",
             "deadline-day": str(later.day), "deadline-month": str(later.month), "deadline-year": str(later.year),
             "deadline-time": "12:00", "following": str(published.id), "clarification_deadline-day": "1",
             "clarification_deadline-month": "1", "clarification_deadline-year": "2020"}  # fmt: skip
    refused = client.post(f"/tenders/{tender.id}/deadline", data=typed)
    assert refused.status_code == 400 and 'href="#clarification_deadline-day"' in _summary(refused.text)
    typed |= {"clarification_deadline-day": "", "clarification_deadline-month": "", "clarification_deadline-year": ""}
    assert client.post(f"/tenders/{tender.id}/deadline", data=typed).status_code == 302
    harbour, _ = _client(demo, "harbour@demo.tenderscore.test")
    assert "The deadline for bids was extended to" in harbour.get(f"/tenders/{tender.id}").text
    with Session(get_engine(demo)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "tender.deadline_extended")).one()
    assert event.after is not None and event.after["following_clarification"] == published.id
    history = client.get(f"/tenders/{tender.id}/history?kind=clarifications").text
    assert "Asked a clarification question: “Our consortium runs two hostels" in history
    assert "Answered a clarification question, to every bidder (emailed 7 bidders)" in history
    assert "following the answer to a clarification question" in client.get(f"/tenders/{tender.id}/history").text


def test_the_dashboard_counts_the_questions_awaiting_an_answer(demo: Flask) -> None:
    client, _ = _client(demo)
    page = client.get("/dashboard").text
    assert "1 question on NWPR-2027-002" in page


def test_a_drafts_clarification_deadline_is_set_on_its_details_page_before_the_deadline(demo: Flask) -> None:
    draft = _tender(demo, DRAFT)
    client, token = _client(demo)
    assert "Set at publication: 7 days before the deadline" in client.get(f"/tenders/{draft.id}").text
    after = datetime.now(UTC) + timedelta(days=70)  # _details types a deadline 60 days ahead
    typed = _details(token, draft.version, **{"clarification_deadline-day": str(after.day),
                     "clarification_deadline-month": str(after.month), "clarification_deadline-year": str(after.year),
                     "clarification_deadline-time": "12:00"})  # fmt: skip
    refused = client.post(f"/tenders/{draft.id}/edit", data=typed)
    assert refused.status_code == 400
    assert 'href="#clarification_deadline-day"' in _summary(refused.text)
    assert "must be before the deadline for bids" in refused.text
    before = datetime.now(UTC) + timedelta(days=50)
    typed |= {"clarification_deadline-day": str(before.day), "clarification_deadline-month": str(before.month),
              "clarification_deadline-year": str(before.year)}  # fmt: skip
    assert client.post(f"/tenders/{draft.id}/edit", data=typed).status_code == 302
    saved = _tender(demo, DRAFT).clarification_deadline
    assert saved is not None and saved.date() == before.date()
    edit = client.get(f"/tenders/{draft.id}/edit").text
    shown = re.search(r'<input[^>]*id="clarification_deadline-day"[^>]*>', edit)
    assert shown is not None and f'value="{before.astimezone(UK).day}"' in shown.group(0)
