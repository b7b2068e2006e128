"""The commissioner's page of a policy's VCSE share across its tenders (services/vcse_oversight.py)."""

from __future__ import annotations

import re

from flask import Flask
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Policy, RegisterEntry, Verification
from tenderscore.db.types import utcnow
from tenderscore.services import register
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms


def _policy_id(app: Flask) -> int:
    with Session(get_engine(app)) as session:
        policy = session.exec(select(Policy)).first()
        assert policy is not None and policy.id is not None
        return policy.id


def test_the_commissioner_sees_the_policy_share_page_with_its_chart_and_tables(demo: Flask) -> None:
    client = demo.test_client()
    forms.sign_in(client, "commissioner@demo.tenderscore.test", DEMO_PASSWORD)
    html = client.get(f"/policies/{_policy_id(demo)}/vcse").get_data(as_text=True)
    assert "VCSE share across the policy" in html
    assert 'id="tenders-table"' in html and 'id="partners-table"' in html
    bars = re.findall(r'data-group="([^"]+)" data-series="([^"]+)" data-value="([^"]+)"', html)
    series = {"Promised", "By verified partners", "By verified partners who confirmed"}
    assert {name for _, name, _ in bars} == series


def test_who_may_see_a_policy_share(demo: Flask) -> None:
    policy_id = _policy_id(demo)
    for email, status in (
        ("northern@demo.tenderscore.test", 403),
        ("evaluator1@demo.tenderscore.test", 403),
        ("partner@demo.tenderscore.test", 403),
        ("officer@demo.tenderscore.test", 200),
    ):
        client = demo.test_client()
        forms.sign_in(client, email, DEMO_PASSWORD)
        assert client.get(f"/policies/{policy_id}/vcse").status_code == status, email
    client = demo.test_client()
    forms.sign_in(client, "commissioner@demo.tenderscore.test", DEMO_PASSWORD)
    assert client.get("/policies/999999/vcse").status_code == 404


def test_the_policy_share_is_in_the_api(demo: Flask) -> None:
    client = demo.test_client()
    forms.sign_in(client, "commissioner@demo.tenderscore.test", DEMO_PASSWORD)  # the API accepts the session too
    response = client.get(f"/api/policies/{_policy_id(demo)}/vcse")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.json
    assert body["vcse_counting"] in ("listed", "registered", "verified")
    awarded = [t["awarded"] for t in body["tenders"] if t["awarded"]]
    assert awarded and all(set(a) >= {"promised", "verified", "confirmed", "partners"} for a in awarded)


def test_the_buyers_dashboard_counts_entries_waiting_for_verification(demo: Flask) -> None:
    """The demo's register has two entries never verified (Tidewater, Copperbeck): the buyers who verify are told,
    with a link to them; others are not."""
    client = demo.test_client()
    forms.sign_in(client, "officer@demo.tenderscore.test", DEMO_PASSWORD)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "2 VCSE register entries are waiting for verification" in html
    assert "/register?standing=registered" in html
    listed = client.get("/register?standing=registered").get_data(as_text=True)
    assert "Tidewater Lived Experience Collective" in listed and "Copperbeck Health Navigators CIC" in listed
    with Session(get_engine(demo)) as session:  # a verification that ends counts as waiting again
        entry = session.exec(select(Verification)).first()
        assert entry is not None
        entry.ended_at, entry.end_reason = utcnow(), "test"
        session.add(entry)
        session.flush()
        assert register.awaiting_verification(session) == 3
        assert len(session.exec(select(RegisterEntry)).all()) == 10
    bidder = demo.test_client()
    forms.sign_in(bidder, "northern@demo.tenderscore.test", DEMO_PASSWORD)
    assert "waiting for verification" not in bidder.get("/dashboard").get_data(as_text=True)
