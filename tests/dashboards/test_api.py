"""The dashboards' JSON API on the worked example of tests/dashboards/conftest.py (figures worked by hand in
test_oversight.py): the same numbers as the pages, exact decimals as text, and the same refusals."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tenderscore.core.performance import add_months
from tests.dashboards.conftest import Delivered

pytestmark = pytest.mark.db
OFFICER = "officer@demo.tenderscore.test"
COMMISSIONER = "commissioner@demo.tenderscore.test"


def test_the_contract_list(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    listed = browse(OFFICER).get("/api/contracts").get_json()
    by_ref = {c["reference"]: c for c in listed}
    a, b = by_ref["NWPR-2026-003"], by_ref["NWPR-2026-009"]
    assert a["contract_id"] == frozen.a.id and a["seat"] == "officer" and a["latest_period"] == 2
    assert a["overall"] == {"id": "inadequate", "label": "Inadequate", "ocds": "significantlyBelow"}
    assert a["late"] == [{"period": 2, "due_on": a["late"][0]["due_on"], "overdue": False}]
    assert b["late"][0]["overdue"] is True and b["latest_period"] == 1
    year_in = add_months(frozen.a.starts_on, 12)
    assert a["next_notice"] == {"assessed_by": year_in.isoformat(),
                                "publish_by": (year_in + timedelta(days=30)).isoformat(), "final": False}  # fmt: skip


def test_a_contracts_kpis_by_period(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    shown = browse(COMMISSIONER).get(f"/api/contracts/{frozen.a.id}/performance").get_json()
    assert shown["seat"] == "commissioner" and shown["rule"] == {"good": "95", "approaching": "85",
                                                                 "requires_improvement": "70"}  # fmt: skip
    assert [p["period"] for p in shown["periods"]] == [1, 2]
    first, second = shown["periods"]
    assert first["vcse_spend"] == {"reported": "20000.00", "confirmed": "15000.00", "counted": "12000.00"}
    assert first["contract_spend"] == "100000.00" and second["late"] is True and second["return_version"] == 1
    index = [k["kpi_id"] for k in shown["kpis"]].index(frozen.kpis["a.jobs"].id)
    jobs = second["kpis"][index]
    assert (jobs["delivered"], jobs["percent"], jobs["computed"]["id"], jobs["rating"]["id"], jobs["judged"]) == (
        "3.6", "75.00", "requires_improvement", "inadequate", True)  # fmt: skip
    assert jobs["reason"] == "Two placements ended early and were not replaced."
    vcse = first["kpis"][[k["kpi_id"] for k in shown["kpis"]].index(frozen.kpis["a.vcse"].id)]
    assert (vcse["reported"], vcse["delivered"], vcse["percent"]) == ("20", "12", "60.00")


def test_the_oversight(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    shown = browse(COMMISSIONER).get("/api/contracts/oversight").get_json()
    vcse = {v["reference"]: v for v in shown["vcse"]}
    assert {k: vcse["NWPR-2026-003"][k] for k in ("promised", "delivered", "percent", "contract_spend",
                                                   "counted_gbp", "unconfirmed_gbp", "periods")} == {
        "promised": "20", "delivered": "14.4", "percent": "72.00", "contract_spend": "250000.00",
        "counted_gbp": "36000.00", "unconfirmed_gbp": "11000.00", "periods": 2}  # fmt: skip
    assert [p["identifier"] for p in shown["partners"]] == ["GB-CHC-1290311", "GB-MPR-31207R"]
    assert shown["partners"][0]["refused_gbp"] == "6000.00" and shown["partners"][0]["awaiting"] == 2
    assert [c["reference"] for c in shown["late"]] == ["NWPR-2026-009", "NWPR-2026-003"]
    social = [s for s in shown["social_value"] if s["reference"] == "NWPR-2026-003"
              and s["kpi"]["criterion_id"] == "sv_settled_accommodation"]  # fmt: skip
    assert social[0]["periods"][0]["percent"] == "83.33" and (social[0]["met"], social[0]["measured"]) == (1, 2)
    workbook = browse(COMMISSIONER).get("/api/contracts/oversight/workbook")
    assert load_workbook(io.BytesIO(workbook.data)).sheetnames[0] == "Contracts"


def test_refusals(frozen: Delivered, browse: Callable[[str], FlaskClient], demo: Flask) -> None:
    assert demo.test_client().get("/api/contracts").status_code == 401
    supplier = browse(frozen.supplier(frozen.a).email)
    assert supplier.get("/api/contracts/oversight").status_code == 403
    assert supplier.get(f"/api/contracts/{frozen.a.id}/performance").get_json()["seat"] == "supplier"
    assert supplier.get(f"/api/contracts/{frozen.a.id}/performance/workbook").status_code == 200
    assert browse("partner@demo.tenderscore.test").get("/api/contracts").status_code == 403
    assert browse(OFFICER).get("/api/contracts/999999/performance").status_code == 404
