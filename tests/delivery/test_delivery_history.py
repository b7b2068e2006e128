"""The contract's delivery in the tender's history: every KPI change, return, partner's answer, rating, notice and
download of a return workbook, in plain words, under its own filter, for the buyer's officers and the commissioner."""

from __future__ import annotations

import html

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select
from werkzeug.test import TestResponse

from tenderscore.db.models import AuditEvent, Contract, Tender
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms
from tests.delivery.helpers import DEMO_CONTRACT


def _as(demo: Flask, email: str) -> FlaskClient:
    client = demo.test_client()
    forms.sign_in(client, email, DEMO_PASSWORD)
    return client


def _contract(demo: Flask) -> tuple[int, int]:
    from tenderscore.db import get_engine

    with Session(get_engine(demo)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == DEMO_CONTRACT)).one()
        contract = session.exec(select(Contract).where(Contract.tender_id == tender.id)).one()
        assert tender.id is not None and contract.id is not None
        return tender.id, contract.id


def _text(page: str) -> str:
    return html.unescape(" ".join(page.split()))


def test_the_demo_contracts_delivery_reads_as_a_story(demo: Flask) -> None:
    tender_id, contract_id = _contract(demo)
    officer = _as(demo, "officer@demo.tenderscore.test")
    page = officer.get(f"/contracts/{contract_id}")
    assert f'href="/tenders/{tender_id}/history?kind=delivery"' in page.text
    text = _text(officer.get(f"/tenders/{tender_id}/history?kind=delivery").text)
    for words in (
        "Sent the return for period 1 (version 1) on the page: contract spend £452,000, 2 VCSE spend lines",
        "Sent the return for period 2 (version 1, late) through the API",
        "Sent the return for period 2 (version 2, late) on the page: contract spend £461,500",
        "Confirmed the spend of £95,000 reported with GB-CHC-1290417 for period 1",
        "Rated 7 KPIs for period 1: 6 Good, 1 Approaching target. By the officer's judgement: "
        "“Employment at the end of the order (NI 144)” Approaching target where the rule gives Requires improvement",
        "Rated 7 KPIs for period 2: 6 Good, 1 Requires improvement",
        "Issued the contract performance notice as a PDF",
        "Published contract performance notice 1 (periods 1 to 2; overall Requires improvement)",
    ):
        assert words in text, words
    assert "Priya Partner, Aldergate Housing Trust (VCSE partner)" in text
    assert "Issued the period rated" not in text and "Kpi " not in text  # no action names read out as words
    assert "Awarded the contract" not in text  # the filter keeps to delivery
    everything = _text(officer.get(f"/tenders/{tender_id}/history").text)
    assert "Contract delivery (9)" in everything
    assert "entered into on 9 April 2026" in everything


def test_return_workbook_downloads_are_on_the_record(demo: Flask) -> None:
    tender_id, contract_id = _contract(demo)
    officer = _as(demo, "officer@demo.tenderscore.test")
    from tenderscore.db import get_engine

    with Session(get_engine(demo)) as session:
        before = session.exec(select(AuditEvent.id).order_by(col(AuditEvent.id).desc())).first()
    got = officer.get(f"/contracts/{contract_id}/periods/2/workbook")
    assert got.status_code == 200
    with Session(get_engine(demo)) as session:
        events = session.exec(select(AuditEvent).where(col(AuditEvent.id) > before)).all()
    assert [(e.action, e.entity_id, e.tender_id) for e in events] == [
        ("delivery_return.workbook_downloaded", str(contract_id), tender_id)]  # fmt: skip
    assert events[0].after is not None and events[0].after["period"] == 2 and events[0].after["holding"] == 2
    text = _text(officer.get(f"/tenders/{tender_id}/history?kind=delivery").text)
    assert "Downloaded the return workbook for period 2 holding version 2" in text
    # the supplier downloads the blank workbook of the period running now
    supplier = _as(demo, "ridgeway@demo.tenderscore.test")
    assert supplier.get(f"/contracts/{contract_id}/periods/3/workbook").status_code == 200
    commissioner_view = _text(
        _as(demo, "commissioner@demo.tenderscore.test").get(f"/tenders/{tender_id}/history?kind=delivery").text
    )
    assert "Downloaded the return workbook for period 2 holding version 2" in commissioner_view
    assert "Bid manager, Ridgeway Housing and Justice Alliance" in commissioner_view
    assert "Downloaded the return workbook for period 3 (blank)" in commissioner_view


def test_the_history_is_in_the_api_for_the_buyer_and_commissioner_only(demo: Flask) -> None:
    from tenderscore.db import get_engine
    from tenderscore.db.models import User
    from tenderscore.services import accounts

    tender_id, _ = _contract(demo)
    with Session(get_engine(demo), expire_on_commit=False) as session:
        people = {who: session.exec(select(User).where(User.email == f"{who}@demo.tenderscore.test")).one()
                  for who in ("officer", "commissioner", "ridgeway", "evaluator1")}  # fmt: skip
        tokens = {who: accounts.issue_api_token(session, person) for who, person in people.items()}
        session.commit()
    client = demo.test_client()

    def get(who: str, query: str = "") -> TestResponse:
        url = f"/api/tenders/{tender_id}/history{query}"
        return client.get(url, headers={"Authorization": f"Bearer {tokens[who]}"})

    got = get("officer", "?kind=delivery")
    assert got.status_code == 200
    body = got.json
    assert {line["kind"] for line in body["lines"]} == {"delivery"} and body["kinds"]["delivery"] == 9
    assert body["lines"][-1]["what"].startswith("Published contract performance notice 1")
    assert get("commissioner").status_code == 200
    assert get("ridgeway").status_code == 403 and get("evaluator1").status_code == 403
    assert get("officer", "?kind=nonsense").status_code == 422


def test_a_preview_of_the_notice_reads_as_one() -> None:
    from tenderscore.services import delivery_history

    assert delivery_history.is_delivery("report.performance_notice_preview")
    words = delivery_history.describe("report.performance_notice_preview", "1", {},
                                      {"number": 2, "periods": [3, 6], "preview": True}, {})  # fmt: skip
    assert words == "Previewed contract performance notice 2 (periods 3 to 6): not published"
