"""The award path through the JSON API: each step in order, refusals that change nothing, who reads which
document, and open data that validates against the OCDS schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import col, select

from tenderscore.core.award import standstill_end
from tenderscore.db.models import Award, Nation
from tenderscore.services import calendar
from tests.api.conftest import Declare, World
from tests.api.test_evaluation import SCORED, _consensus, _score
from tests.ocds_schema import validate_record_package, validate_release, validate_release_package
from tests.world import BIDDERS


@pytest.fixture
def awarded(opened: World, declare: Declare) -> World:
    declare("evaluator1")
    declare("evaluator2")
    for who in ("evaluator1", "evaluator2"):
        for bidder in ("bidder_a", "bidder_b"):
            for criterion in SCORED:
                assert _score(opened, who, bidder, criterion, score=3).status_code == 200
    for bidder, mark in (("bidder_a", 4), ("bidder_b", 3)):
        for criterion in SCORED:
            assert _consensus(opened, bidder, criterion, score=mark).status_code == 200
    response = opened.post("officer", f"/api/tenders/{opened.tender_id}/award", json={"reason": "Highest total"})
    assert response.status_code == 201, response.json
    return opened


def _end_standstill(world: World) -> None:
    """Simulate the clock: every step of the award happened three weeks earlier, so its standstill (computed as
    the service computes it) has ended. The server decides by its own time, so the record moves instead."""
    with world.fresh() as s:
        award = s.exec(select(Award).where(Award.tender_id == world.tender_id, col(Award.withdrawn_at).is_(None))).one()
        assert award.summaries_sent_at and award.notice_published_at
        earlier = timedelta(days=21)
        award.awarded_at -= earlier
        award.summaries_sent_at -= earlier
        award.notice_published_at -= earlier
        holidays = calendar.around(Nation.ENGLAND_AND_WALES, award.notice_published_at.date())
        award.standstill_ends_at = standstill_end(award.notice_published_at, holidays)
        s.add(award)
        s.commit()


def test_the_steps_in_order_through_the_api(awarded: World) -> None:
    url = f"/api/tenders/{awarded.tender_id}"
    path = awarded.get("officer", f"{url}/award/path").json
    assert path["stage"] == "decided" and path["next_steps"]["issue_summaries"]["allowed"] is True
    first = "Issue the assessment summaries first: the contract award notice follows them (s.50)"
    assert path["next_steps"]["publish_notice"] == {"allowed": False, "why_not": first}
    assert awarded.get("bidder_a", f"{url}/award/path").status_code == 403
    assert awarded.get("commissioner", f"{url}/award/path").status_code == 200

    before = awarded.state()
    for step in ("award/notice", "contract/notice"):
        refused = awarded.post("officer", f"{url}/{step}")
        assert refused.status_code == 409, (step, refused.json)
    assert awarded.post("commissioner", f"{url}/award/summaries").status_code == 403
    assert awarded.state() == before

    issued = awarded.post("officer", f"{url}/award/summaries")
    assert issued.status_code == 201 and {d["kind"] for d in issued.json} == {"assessment_summary"}
    again = awarded.post("officer", f"{url}/award/summaries")
    assert again.status_code == 409 and "were issued on" in again.json["detail"]

    notice = awarded.post("officer", f"{url}/award/notice")
    assert notice.status_code == 201, notice.json
    assert notice.json["stage"] == "standstill" and notice.json["standstill_working_days_left"] in range(1, 9)
    too_soon = awarded.post("officer", f"{url}/contract", json=_contract())
    assert too_soon.status_code == 409 and "standstill period ends at midnight at the end of" in too_soon.json["detail"]

    blank = awarded.post("officer", f"{url}/award/challenges", json={"details": "  "})
    assert blank.status_code == 422 and "details" in str(blank.json), blank.json
    challenged = awarded.post("officer", f"{url}/award/challenges", json={"details": "Proceedings issued by B"})
    assert challenged.status_code == 201 and challenged.json["challenges"][0]["resolved_at"] is None
    _end_standstill(awarded)
    held = awarded.post("officer", f"{url}/contract", json=_contract())
    assert held.status_code == 409 and "challenge is open" in held.json["detail"]
    resolved = awarded.post("officer", f"{url}/award/challenges/resolution", json={"resolution": "Withdrawn"})
    assert resolved.status_code == 201 and resolved.json["stage"] == "standstill_ended"

    before = awarded.state()
    wrong = awarded.post("officer", f"{url}/contract", json=_contract(value="6000000", kpis=1, ends_on="2026-01-01",
                                                                       reason="Qualitative"))  # fmt: skip
    assert wrong.status_code == 400
    assert {"ends_on", "no_kpis_reason"} <= set(wrong.json["fields"] if "fields" in wrong.json else _fields(wrong.json))
    unknown = awarded.post("officer", f"{url}/contract", json={**_contract(), "supplier": "Someone else"})
    assert unknown.status_code in (400, 422)
    assert awarded.state() == before

    entered = awarded.post("officer", f"{url}/contract", json=_contract(value="6000000", kpis=3))
    assert entered.status_code == 201, entered.json
    assert entered.json["stage"] == "contract_entered" and len(entered.json["kpis"]) > 3  # and the commitments
    assert entered.json["contract"]["value"] == "6000000.00"
    published = awarded.post("officer", f"{url}/contract/notice")
    assert published.status_code == 201 and published.json["stage"] == "contract_published", published.json
    withdraw = awarded.post("officer", f"{url}/award/withdrawal", json={"reason": "Too late"})
    assert withdraw.status_code == 409

    releases = awarded.get("bidder_b", f"{url}/ocds/releases")
    assert releases.status_code == 200 and releases.mimetype == "application/json"
    package = json.loads(releases.data, parse_float=Decimal)
    validate_release_package(package)
    assert [r["tag"] for r in package["releases"]] == [["tender"], ["award"], ["contract"]]
    for release in package["releases"]:
        validate_release(release)
    record = json.loads(awarded.get("evaluator1", f"{url}/ocds/record").data, parse_float=Decimal)
    validate_record_package(record)
    text = releases.get_data(as_text=True)
    for who in ("evaluator1", "evaluator2", "officer"):
        assert awarded.users[who].email not in text and awarded.users[who].name not in text


def test_each_bidder_reads_only_their_own_documents(awarded: World) -> None:
    url = f"/api/tenders/{awarded.tender_id}"
    assert awarded.post("officer", f"{url}/award/summaries").status_code == 201
    assert awarded.post("officer", f"{url}/award/notice").status_code == 201
    everything = awarded.get("officer", f"{url}/documents").json
    letters = [d for d in everything if d["kind"] == "standstill_letter"]
    assert sorted(d["bidder"] for d in letters) == sorted([BIDDERS["bidder_b"], BIDDERS["bidder_c"]])  # not the winner
    mine = awarded.get("bidder_b", f"{url}/documents").json
    assert sorted(d["kind"] for d in mine) == ["assessment_summary", "award_notice", "standstill_letter"]
    assert {d["bidder"] for d in mine} == {None, BIDDERS["bidder_b"]}
    theirs = next(d for d in everything if d["kind"] == "assessment_summary" and d["id"] not in {m["id"] for m in mine})
    assert awarded.get("bidder_b", f"{url}/documents/{theirs['id']}").status_code == 404
    own = next(d for d in mine if d["kind"] == "standstill_letter")
    download = awarded.get("bidder_b", f"{url}/documents/{own['id']}")
    assert download.status_code == 200 and download.data[:4] == b"%PDF"
    public = next(d for d in everything if d["kind"] == "award_notice")
    assert awarded.get("evaluator1", f"{url}/documents/{public['id']}").status_code == 200
    assert awarded.get("commissioner", f"{url}/documents/{own['id']}").status_code == 404


def test_a_withdrawn_award_can_be_decided_again(awarded: World) -> None:
    url = f"/api/tenders/{awarded.tender_id}"
    assert awarded.post("officer", f"{url}/award/summaries").status_code == 201
    assert awarded.post("officer", f"{url}/award/notice").status_code == 201
    blank = awarded.post("officer", f"{url}/award/withdrawal", json={"reason": ""})
    assert blank.status_code == 422 and "reason" in str(blank.json), blank.json
    assert awarded.post("officer", f"{url}/award/withdrawal", json={"reason": "Price error"}).status_code == 201
    assert awarded.get("officer", url).json["status"] == "evaluating"
    assert awarded.get("officer", f"{url}/award/path").status_code == 404
    tags = [r["tag"] for r in awarded.get("officer", f"{url}/ocds/releases").json["releases"]]
    assert tags == [["tender"], ["award"], ["awardUpdate"]]
    again = awarded.post("officer", f"{url}/award", json={"reason": "Re-decided after the correction"})
    assert again.status_code == 201
    assert awarded.get("officer", f"{url}/award/path").json["stage"] == "decided"


def _fields(body: dict[str, object]) -> set[str]:
    details = body.get("details") or []
    return {str(line).split(":", 1)[0] for line in details} | {str(body.get("field"))}  # type: ignore[union-attr]


def _contract(
    *, value: str = "1500000", kpis: int = 0, ends_on: str = "2030-03-31", reason: str = ""
) -> dict[str, object]:
    today = datetime.now(UTC).date().isoformat()
    return {
        "title": "Probation services", "value": value, "starts_on": "2027-04-01", "ends_on": ends_on,
        "signed_on": today, "kpis": [{"title": f"KPI {n}", "target": "90", "unit": "percent"} for n in range(kpis)],
        **({"no_kpis_reason": reason} if reason else {}),
    }  # fmt: skip
