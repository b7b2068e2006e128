"""Organisations are published by their org-id identifiers: the demo's contracted supplier in its OCDS record."""

from __future__ import annotations

import json

from flask import Flask
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Tender
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms
from tests.ocds_schema import validate_record_package


def test_the_supplier_is_published_with_its_companies_house_identifier(demo: Flask) -> None:
    with Session(get_engine(demo)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NWPR-2026-003")).one()
    client = demo.test_client()
    forms.sign_in(client, "officer@demo.tenderscore.test", DEMO_PASSWORD)
    response = client.get(f"/tenders/{tender.id}/ocds-record.json")
    assert response.status_code == 200
    package = json.loads(response.get_data(as_text=True))
    validate_record_package(package)
    compiled = package["records"][0]["compiledRelease"]
    suppliers = [p for p in compiled["parties"] if "supplier" in p["roles"]]
    assert suppliers, compiled["parties"]
    for party in suppliers:
        assert party["id"].startswith("GB-COH-")
        assert party["identifier"]["scheme"] == "GB-COH"
        assert party["id"] == f"GB-COH-{party['identifier']['id']}"
