"""Delivery returns, partners' answers and KPI management through the JSON API, on the demo's contract moved back
in time so that two of its periods have ended by the server's clock."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from tenderscore.db.models import DeliveryReturn, KpiVariation
from tests.delivery.conftest import ALDERGATE, TIDEWATER, Api, Delivery, backdate

pytestmark = pytest.mark.db


@pytest.fixture
def moved(world: Delivery, api: Api) -> Delivery:
    backdate(world, 200)  # period 1 ended about 110 days ago (its return overdue), period 2 about 20 days ago
    return world


def _body(world: Delivery, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_spend": "250000.00", "note": "Quarter two.",
        "figures": {str(k.id): {"value": "100"} for k in world.figure_kpis},
        "spend": [{"identifier": ALDERGATE, "amount": "30000"},
                  {"identifier": TIDEWATER, "name": "Tidewater", "amount": 15000}],
    }  # fmt: skip
    body.update(changes)
    return body


def _url(world: Delivery, period: int = 2) -> str:
    return f"/api/contracts/{world.cid}/periods/{period}/returns"


def test_the_supplier_submits_and_everyone_seated_reads(moved: Delivery, api: Api) -> None:
    sent = api.post("supplier", _url(moved), json=_body(moved))
    assert sent.status_code == 201, sent.json
    body = sent.json
    assert (body["version"], body["current"], body["late"], body["source"]) == (1, True, False, "api")
    assert body["contract_spend"] == "250000.00" and body["submitted_by"] == moved.supplier.name
    assert [(s["line"], s["identifier"], s["name"], s["amount"], s["confirmation"]) for s in body["spend"]] == [
        (1, ALDERGATE, "Aldergate Housing Trust", "30000", "awaiting"),
        (2, TIDEWATER, "Tidewater", "15000", "awaiting")]  # fmt: skip
    assert {f["kpi_id"]: f["value"] for f in body["figures"]} == {k.id: "100" for k in moved.figure_kpis}
    for reader in ("officer", "commissioner", "supplier"):
        listed = api.get(reader, _url(moved))
        assert listed.status_code == 200 and [v["version"] for v in listed.json] == [1]
    assert api.get("other_supplier", _url(moved)).status_code == 404
    assert api.get("partner", _url(moved)).status_code == 403
    periods = {p["number"]: p for p in api.get("officer", f"/api/contracts/{moved.cid}/periods").json}
    assert periods[1]["overdue"] and periods[1]["late"] and periods[1]["current_version"] is None
    assert periods[2]["current_version"] == 1 and not periods[2]["late"]
    assert periods[2]["vcse_spend_reported"] == "45000" and periods[2]["vcse_spend_confirmed"] == "0"
    one = api.get("officer", f"{_url(moved)}/1")
    assert one.status_code == 200 and one.json["id"] == body["id"]
    assert api.get("officer", f"{_url(moved)}/2").status_code == 404


def test_refusals_name_their_fields_and_store_nothing(moved: Delivery, api: Api) -> None:
    k1, k2 = moved.figure_kpis[0], moved.figure_kpis[1]
    figures = {str(k1.id): {"value": "-3"}, str(k2.id): {"comment": ""}}
    spend = [{"identifier": "GB-XYZ-1", "amount": "10"}, {"identifier": ALDERGATE, "amount": "1.001"}]
    refused = api.post("supplier", _url(moved), json=_body(moved, figures=figures, spend=spend))
    assert refused.status_code == 422, refused.json
    errors = refused.json["errors"]["json"]
    assert set(errors["figures"][str(k2.id)]) == {"value"} and errors["figures"][str(k1.id)]["value"]
    assert errors["spend"]["0"]["identifier"] and errors["spend"]["1"]["amount"]  # the body's list, from 0
    assert str(moved.figure_kpis[2].id) in errors["figures"]  # no figure and no comment for the others either
    # The schema's own refusals (a negative figure, an unknown field) are 422s naming the path too.
    schema = api.post("supplier", _url(moved), json={**_body(moved), "surprise": 1, "contract_spend": "lots"})
    assert schema.status_code == 422 and {"surprise", "contract_spend"} <= set(schema.json["errors"]["json"])
    too_soon = api.post("supplier", _url(moved, 3), json=_body(moved))
    assert too_soon.status_code == 409 and too_soon.json["field"] == "period"
    assert api.post("officer", _url(moved), json=_body(moved)).status_code == 403
    assert api.post("other_supplier", _url(moved), json=_body(moved)).status_code == 404
    assert api.get("nobody", _url(moved)).status_code == 401
    moved.session.rollback()  # a fresh look at what the requests committed
    assert moved.session.exec(select(DeliveryReturn)).all() == []


def test_partners_confirm_their_own_line_and_answers_carry(moved: Delivery, api: Api) -> None:
    assert api.post("supplier", _url(moved), json=_body(moved)).status_code == 201
    mine = api.get("partner", "/api/partner/spend").json
    assert [(s["identifier"], s["amount"], s["supplier"] != "") for s in mine] == [(ALDERGATE, "30000", True)]
    line = mine[0]["id"]
    theirs = api.get("tidewater", "/api/partner/spend").json[0]["id"]
    assert api.get("tidewater", f"/api/partner/spend/{line}").status_code == 404
    assert api.post("tidewater", f"/api/partner/spend/{line}", json={"answer": "confirmed"}).status_code == 404
    assert api.get("supplier", f"/api/partner/spend/{line}").status_code == 403
    blank = api.post("partner", f"/api/partner/spend/{line}", json={"answer": "refused", "reason": " "})
    assert blank.status_code == 400 and blank.json["field"] == "reason"
    answered = api.post("partner", f"/api/partner/spend/{line}", json={"answer": "confirmed"})
    assert answered.status_code == 200 and answered.json["confirmation"] == "confirmed"
    disputed = api.post("tidewater", f"/api/partner/spend/{theirs}",
                        json={"answer": "refused", "reason": "We invoiced £12,000."})  # fmt: skip
    assert disputed.json["confirmation"] == "refused"
    again = api.post("supplier", _url(moved), json=_body(moved, note="Corrected"))
    assert again.status_code == 201 and again.json["version"] == 2
    assert [s["confirmation"] for s in again.json["spend"]] == ["confirmed", "refused"]  # the same £: carried
    stale = api.post("partner", f"/api/partner/spend/{line}", json={"answer": "refused", "reason": "Changed"})
    assert stale.status_code == 409
    periods = {p["number"]: p for p in api.get("officer", f"/api/contracts/{moved.cid}/periods").json}
    assert periods[2]["vcse_spend_confirmed"] == "30000"


def test_the_officer_manages_kpis_on_the_record(moved: Delivery, api: Api) -> None:
    url = f"/api/contracts/{moved.cid}"
    listed = api.get("supplier", f"{url}/kpis")
    assert listed.status_code == 200 and len(listed.json) == len(moved.kpis)
    new = {"title": "Hours of mentoring", "target_value": "500", "unit": "count", "evidence": "Session logs"}
    no_reason = api.post("officer", f"{url}/kpis", json=new)
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]["json"]  # the notice is out
    assert api.post("supplier", f"{url}/kpis", json={**new, "reason": "x"}).status_code == 403
    added = api.post("officer", f"{url}/kpis", json={**new, "reason": "Agreed at the mobilisation meeting."})
    assert added.status_code == 201 and added.json["target"] == "500" and added.json["basis"] == "figure"
    kpi = added.json["id"]
    varied = api.put("officer", f"/api/kpis/{kpi}", json={**new, "target_value": "450", "reason": "Start delayed."})
    assert varied.status_code == 200 and varied.json["target_value"] == "450"
    assert api.post("officer", f"/api/kpis/{kpi}/withdrawal", json={"reason": ""}).status_code == 400
    gone = api.post("officer", f"/api/kpis/{kpi}/withdrawal", json={"reason": "Replaced by the NI 144 KPI."})
    assert gone.status_code == 201 and gone.json["withdrawn_at"]
    variations = api.get("commissioner", f"{url}/variations").json
    assert [(v["before"].get("target_value"), v["after"].get("target_value")) for v in variations] == [
        (None, "500"), ("500", "450"), ("450", None)]  # fmt: skip
    assert variations[-1]["reason"] == "Replaced by the NI 144 KPI." and variations[0]["varied_by"]
    moved.session.rollback()
    assert len(moved.session.exec(select(KpiVariation)).all()) == 3
    terms = api.put("officer", f"{url}/delivery-terms", json={"return_months": 6, "good": "90", "approaching": "80",
                                                              "requires_improvement": "95", "reason": "Agreed"})
    assert terms.status_code == 422 and "approaching" in terms.json["errors"]["json"]
    terms = api.put("officer", f"{url}/delivery-terms", json={"return_months": 6, "good": "90", "approaching": "80",
                                                              "requires_improvement": "60", "reason": "Agreed"})
    assert terms.status_code == 422  # period 1 has ended: its returns and ratings are counted in quarters
    assert "can no longer change: period 1 ended on" in terms.json["errors"]["json"]["return_months"][0]
    terms = api.put("officer", f"{url}/delivery-terms", json={"return_months": 3, "good": "90", "approaching": "80",
                                                              "requires_improvement": "60", "reason": "Agreed"})
    assert terms.status_code == 200 and terms.json["return_months"] == 3
    assert terms.json["rule_in_words"][0] == "Good: 90% of the target or more"
    assert api.get("other_supplier", f"{url}/delivery-terms").status_code == 404
