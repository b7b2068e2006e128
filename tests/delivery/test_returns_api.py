"""Delivery returns, partners' answers and KPI management through the JSON API, on the demo's contract moved back
in time so that two of its periods have ended by the server's clock."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select

from tenderscore.db.models import AuditEvent, DeliveryReturn, KpiVariation
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
        (1, ALDERGATE, "Aldergate Housing Trust", "30000.00", "awaiting"),
        (2, TIDEWATER, "Tidewater", "15000.00", "awaiting")]  # fmt: skip
    assert {f["kpi_id"]: f["value"] for f in body["figures"]} == {k.id: "100" for k in moved.figure_kpis}
    for reader in ("officer", "commissioner", "supplier"):
        listed = api.get(reader, _url(moved))
        assert listed.status_code == 200 and [v["version"] for v in listed.json] == [1]
    assert api.get("other_supplier", _url(moved)).status_code == 404
    assert api.get("partner", _url(moved)).status_code == 403
    periods = {p["number"]: p for p in api.get("officer", f"/api/contracts/{moved.cid}/periods").json}
    assert periods[1]["overdue"] and periods[1]["late"] and periods[1]["current_version"] is None
    assert periods[2]["current_version"] == 1 and not periods[2]["late"]
    assert periods[2]["vcse_spend_reported"] == "45000.00" and periods[2]["vcse_spend_confirmed"] == "0.00"
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
    # The schema's own refusals (an unknown field, a value that is neither a number nor text) are 422s naming the
    # path too; text that is not a number is the service's to report, with the rest (test_every_problem_at_once).
    schema = api.post("supplier", _url(moved), json={**_body(moved), "surprise": 1, "contract_spend": True})
    assert schema.status_code == 422 and {"surprise", "contract_spend"} <= set(schema.json["errors"]["json"])
    too_soon = api.post("supplier", _url(moved, 3), json=_body(moved))
    assert too_soon.status_code == 409 and too_soon.json["field"] == "period"
    assert api.post("officer", _url(moved), json=_body(moved)).status_code == 403
    assert api.post("other_supplier", _url(moved), json=_body(moved)).status_code == 404
    assert api.get("nobody", _url(moved)).status_code == 401
    moved.session.rollback()  # a fresh look at what the requests committed
    assert moved.session.exec(select(DeliveryReturn)).all() == []


def test_the_lines_over_the_total_with_a_bad_line_are_one_422(moved: Delivery, api: Api) -> None:
    """The walker's return (a 500 once): the lines together over the total, and a line that is itself wrong. The
    whole list's message sits under spend._schema beside each line's own."""
    body = {"contract_spend": "100000", "spend": [{"identifier": ALDERGATE, "amount": 100000},
                                                  {"identifier": "GB-CHC-1290311", "amount": 12000},
                                                  {"identifier": "GB-CHC-1290311", "amount": "-5"}]}  # fmt: skip
    refused = api.post("supplier", _url(moved), json=body)
    assert refused.status_code == 422, refused.json
    spend = refused.json["errors"]["json"]["spend"]
    assert set(spend) == {"_schema", "2"}
    assert spend["_schema"] == ["The spend with VCSE partners (£112,000) cannot be more than the contract's total "
                                "spend in the period (£100,000)"]  # fmt: skip
    assert spend["2"]["identifier"] == ["Spend line 3: GB-CHC-1290311 is already on line 2: give one line per "
                                        "partner with its whole spend"]  # fmt: skip
    assert spend["2"]["amount"] == ["Spend line 3: enter the spend with the partner as £0 or more in pounds and "
                                    "pence, like 125000.00"]  # fmt: skip
    assert set(refused.json["errors"]["json"]["figures"]) == {str(k.id) for k in moved.figure_kpis}
    moved.session.rollback()
    assert moved.session.exec(select(DeliveryReturn)).all() == []


def test_every_problem_at_once(moved: Delivery, api: Api) -> None:
    """Text that is not a number is reported with the return's own rules in one answer, as on the page; a blank
    value with a comment is not reported, as null is."""
    k1, k2, k3 = moved.figure_kpis[:3]
    figures = {str(k1.id): {"value": "ninety"}, str(k2.id): {"value": "", "comment": "Not measured this quarter."}}
    spend = [{"identifier": ALDERGATE, "amount": "200,000"}, {"identifier": "GB-CHC-9999999", "amount": "1,0"}]
    refused = api.post("supplier", _url(moved), json=_body(moved, contract_spend="100,000", figures=figures,
                                                           spend=spend))  # fmt: skip
    assert refused.status_code == 422, refused.json
    errors = refused.json["errors"]["json"]
    assert errors["figures"][str(k1.id)]["value"][0].startswith(f"Enter the figure for '{k1.title}' as a number")
    assert str(k2.id) not in errors["figures"]  # "" with a comment: not reported, and why
    assert errors["figures"][str(k3.id)]["value"][0].startswith(f"Enter the figure for '{k3.title}', or say")
    assert errors["spend"]["_schema"][0].startswith("The spend with VCSE partners (£200,000) cannot be more")
    assert errors["spend"]["1"]["identifier"] == ["Spend line 2: GB-CHC-9999999 is not on the VCSE register: check "
                                                  "the number, or enter the partner's name"]  # fmt: skip
    assert errors["spend"]["1"]["amount"] == ["Spend line 2: enter the spend with the partner in pounds and pence, "
                                              "like 125000.00 (not '1,0'): commas only separate thousands, like "
                                              "1,250,000.50"]  # fmt: skip
    assert "contract_spend" not in errors  # "100,000" is a hundred thousand, as on the page


def test_numbers_as_json_numbers_or_text_with_thousands(moved: Delivery, api: Api) -> None:
    k1, k2 = moved.figure_kpis[:2]
    figures = {str(k.id): {"value": 100} for k in moved.figure_kpis}
    figures[str(k1.id)] = {"value": "1,000"}
    figures[str(k2.id)] = {"value": None, "comment": "Counted next quarter."}
    spend = [{"identifier": ALDERGATE, "amount": 30000.5}, {"identifier": "GB-CHC-9999999", "name": "Millbrook",
                                                            "amount": "1,250.00"}]  # fmt: skip
    sent = api.post("supplier", _url(moved), json=_body(moved, contract_spend="250,000", figures=figures, spend=spend))
    assert sent.status_code == 201, sent.json
    values = {f["kpi_id"]: (f["value"], f["comment"]) for f in sent.json["figures"]}
    assert values[k1.id] == ("1000", "") and values[k2.id] == (None, "Counted next quarter.")
    assert [(s["identifier"], s["name"]) for s in sent.json["spend"]] == [
        (ALDERGATE, "Aldergate Housing Trust"), ("GB-CHC-9999999", "Millbrook")]  # an unknown identifier, named
    # Money always with its pence, in the API and on the record, however it was typed (core.numbers.pounds).
    assert sent.json["contract_spend"] == "250000.00"
    assert [s["amount"] for s in sent.json["spend"]] == ["30000.50", "1250.00"]
    moved.session.rollback()
    stored = moved.session.exec(select(DeliveryReturn)).one()
    assert stored.contract_spend == Decimal("250000")
    event = moved.session.exec(select(AuditEvent).where(AuditEvent.action == "delivery_return.submitted")
                               .order_by(col(AuditEvent.id).desc())).first()  # the demo's own returns came before
    assert event.after is not None and event.after["contract_spend"] == "250000.00"


def test_partners_confirm_their_own_line_and_answers_carry(moved: Delivery, api: Api) -> None:
    assert api.post("supplier", _url(moved), json=_body(moved)).status_code == 201
    mine = api.get("partner", "/api/partner/spend").json
    assert [(s["identifier"], s["amount"], s["supplier"] != "") for s in mine] == [(ALDERGATE, "30000.00", True)]
    line = mine[0]["id"]
    theirs = api.get("tidewater", "/api/partner/spend").json[0]["id"]
    assert api.get("tidewater", f"/api/partner/spend/{line}").status_code == 404
    assert api.post("tidewater", f"/api/partner/spend/{line}", json={"answer": "confirmed"}).status_code == 404
    assert api.get("supplier", f"/api/partner/spend/{line}").status_code == 403
    blank = api.post("partner", f"/api/partner/spend/{line}", json={"answer": "refused", "reason": " "})
    assert blank.status_code == 422 and blank.json["errors"]["json"] == {"reason": [
        "Enter why you dispute the figure: what you were paid, or what is wrong"]}  # the one shape of a field's error
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
    assert periods[2]["vcse_spend_confirmed"] == "30000.00"


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
    for body in ({"reason": ""}, {}):  # the page's words, not marshmallow's "Missing data for required field."
        refused = api.post("officer", f"/api/kpis/{kpi}/withdrawal", json=body)
        assert refused.status_code == 422 and refused.json["errors"]["json"] == {"reason": [
            "Enter why the KPI is withdrawn"]}  # fmt: skip
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
    # The rule as GET gives it is accepted back, its problems named where they were sent.
    read = api.get("officer", f"{url}/delivery-terms").json
    rule = {**read["rating_rule"], "approaching": "x"}
    nested = api.put("officer", f"{url}/delivery-terms", json={"return_months": 3, "rating_rule": rule, "reason": "B"})
    assert nested.status_code == 422 and set(nested.json["errors"]["json"]) == {"rating_rule"}
    assert set(nested.json["errors"]["json"]["rating_rule"]) == {"approaching"}
    rule = {**read["rating_rule"], "approaching": 85}
    nested = api.put("officer", f"{url}/delivery-terms", json={"return_months": 3, "rating_rule": rule, "reason": "B"})
    assert nested.status_code == 200 and nested.json["rating_rule"] == {**read["rating_rule"], "approaching": "85"}
    assert nested.json["return_months"] == 3
    # What GET gave, sent back whole with one change: its read-only fields are ignored, not refused.
    whole = {**nested.json, "rating_rule": {**nested.json["rating_rule"], "good": "92"}, "reason": "C"}
    sent_back = api.put("officer", f"{url}/delivery-terms", json=whole)
    assert sent_back.status_code == 200 and sent_back.json["rating_rule"]["good"] == "92"
    assert sent_back.json["rule_in_words"][0] == "Good: 92% of the target or more"
    both = api.put("officer", f"{url}/delivery-terms", json={"return_months": 3, "rating_rule": rule, "good": "95"})
    assert both.status_code == 422 and "rating_rule" in both.json["errors"]["json"]
    assert api.get("other_supplier", f"{url}/delivery-terms").status_code == 404
