"""Lots through the API (docs/lots.md): every tender shows its lots (one for an undivided tender) and its rule
across them; a draft is divided with POST /lots and its rule set with PUT /lot-rule; mistakes are 422 naming the
field, a published tender's lots are a 409; the list stays one row a tender."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import DEADLINE, World
from tests.world import PROBATION


def _draft(world: World) -> dict[str, Any]:
    body = {"reference": "NWPR-2027-020", "title": "Resettlement services", "deadline": DEADLINE.isoformat(),
            "estimated_value": "900000", "policy_id": world.policy.id, "rubric": PROBATION}  # fmt: skip
    response = world.post("officer", "/api/tenders", json=body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def test_an_undivided_tender_is_its_own_one_lot_and_a_draft_is_divided_and_ruled(world: World) -> None:
    tender = _draft(world)
    assert tender["lots"] == [{"number": 1, "title": None, "id": tender["id"], "reference": "NWPR-2027-020",
                               "status": "draft", "estimated_value": "900000.00"}]  # fmt: skip
    assert tender["lot_of"] is None and tender["lot_number"] == 1
    assert tender["lot_rule"] == {"cap": None, "order": "value",
                                  "words": "There is no limit on the number of lots one bidder may win."}  # fmt: skip

    before = world.state()
    url = f"/api/tenders/{tender['id']}/lots"
    for body, field in (
        ({"version": 1, "title": " "}, "title"),
        ({"version": 1, "title": "North East", "estimated_value": "-1"}, "estimated_value"),
        ({"version": 1, "title": "North East", "colour": "red"}, "colour"),
    ):
        refused = world.post("officer", url, json=body)
        assert refused.status_code == 422 and field in refused.json["errors"]["json"], refused.json
    assert world.post("officer", url, json={"version": 7, "title": "North East"}).status_code == 409  # stale
    assert world.post("bidder_a", url, json={"version": 1, "title": "North East"}).status_code in (403, 404)
    assert world.state() == before

    added = world.post("officer", url, json={"version": 1, "title": "North East", "estimated_value": "300000",
                                             "first_title": "North West"})  # fmt: skip
    assert added.status_code == 201, added.json
    lot = added.json
    assert (lot["lot_of"], lot["lot_number"], lot["lot_title"], lot["reference"]) == (
        tender["id"], 2, "North East", "NWPR-2027-020-L2")  # fmt: skip
    assert [(x["number"], x["title"]) for x in lot["lots"]] == [(1, "North West"), (2, "North East")]
    assert world.post("officer", f"/api/tenders/{lot['id']}/lots", json={"version": 1, "title": "X"}).status_code == 409

    rule_url = f"/api/tenders/{tender['id']}/lot-rule"
    head = world.get("officer", f"/api/tenders/{tender['id']}").json
    for body, field in (({"version": head["version"], "cap": 0}, "cap"),
                        ({"version": head["version"], "cap": 1, "order": "random"}, "order"),
                        ({"version": head["version"], "cap": "1"}, "cap")):  # fmt: skip
        refused = world.put("officer", rule_url, json=body)
        assert refused.status_code == 422 and field in refused.json["errors"]["json"], refused.json
    ruled = world.put("officer", rule_url, json={"version": head["version"], "cap": 1, "order": "number"})
    assert ruled.status_code == 200, ruled.json
    assert ruled.json["lot_rule"]["cap"] == 1 and ruled.json["lot_rule"]["order"] == "number"
    assert ruled.json["lot_rule"]["words"].startswith("One bidder may win at most 1 lot.")
    assert world.get("officer", f"/api/tenders/{lot['id']}").json["lot_rule"] == ruled.json["lot_rule"]

    # The list stays one row a tender, its lots in it.
    [listed] = world.get("officer", "/api/tenders").json
    assert listed["id"] == tender["id"] and [x["id"] for x in listed["lots"]] == [tender["id"], lot["id"]]

    # Published: the lots are frozen with the tender.
    assert world.post("officer", f"/api/tenders/{tender['id']}/publish").status_code == 200
    head = world.get("officer", f"/api/tenders/{tender['id']}").json
    assert [x["status"] for x in head["lots"]] == ["published", "published"]
    frozen = world.put("officer", rule_url, json={"version": head["version"], "cap": None})
    assert frozen.status_code == 409
    assert world.post("officer", url, json={"version": head["version"], "title": "Late"}).status_code == 409
