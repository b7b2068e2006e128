"""The bidder's self-check, and the demo workbooks it is shown with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tenderscore.core.evaluate import evaluate
from tenderscore.core.rubric import Rubric
from tenderscore.sheets import DemoBid, FilledBid, Outcome, TemplateIdentity, demo_bids, read_workbook, self_check
from tenderscore.sheets.demo import DEMO_PARTNERS
from tests.sheets.fixtures import load_shipped, probation_rubric, shipped_rubrics

Fill = Callable[..., bytes]


@pytest.fixture(scope="module")
def demos(rubric: Rubric, tender: TemplateIdentity) -> list[DemoBid]:
    return demo_bids(rubric, tender)


def by_name(demos: list[DemoBid], fragment: str) -> DemoBid:
    return next(d for d in demos if fragment in d.name)


def test_clean_workbook_is_ready_with_every_gate_listed(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    result = self_check(fill(), rubric, tender)
    assert result.ok and result.rejected is None and result.errors == ()
    assert [(g.criterion_id, g.outcome) for g in result.gates] == [
        ("d1", Outcome.PASSED),
        ("d2", Outcome.PASSED),
        ("sv_vcse", Outcome.PASSED),
        ("q1", Outcome.LATER),
    ]
    lines = result.lines()
    assert lines[0] == "Self-check for tender PRB-2026-001: ready to submit."
    assert "[passed] sv_vcse VCSE share: 20% meets the mandatory 15.0%." in "\n".join(lines) or any(
        "meets the mandatory 15.0%" in line for line in lines
    )
    assert any(line.startswith("Total price, added up from your pricing lines: £1,250,000.50") for line in lines)


def test_failed_declaration_is_a_failed_gate(
    rubric: Rubric, tender: TemplateIdentity, fill: Fill, bid: FilledBid
) -> None:
    result = self_check(fill(declarations={"d1": True, "d2": True}), rubric, tender)
    assert not result.ok and result.errors == ()
    failed = [g for g in result.gates if g.outcome == Outcome.FAILED]
    assert [g.criterion_id for g in failed] == ["d2"] and "'Yes'" in failed[0].message


def test_tokenistic_vcse_share_fails_its_threshold(
    demos: list[DemoBid], rubric: Rubric, tender: TemplateIdentity
) -> None:
    demo = by_name(demos, "Brightpath")
    result = self_check(demo.workbook, rubric, tender)
    assert result.errors == () and not result.ok and not demo.expected_to_pass
    (failed,) = [g for g in result.gates if g.outcome == Outcome.FAILED]
    assert failed.criterion_id == "sv_vcse"
    assert "14.2%" in failed.message and "below the mandatory minimum of 15%" in failed.message


def test_errors_come_with_their_cells(demos: list[DemoBid], rubric: Rubric, tender: TemplateIdentity) -> None:
    demo = by_name(demos, "Harbour Lane")
    result = self_check(demo.workbook, rubric, tender)
    assert not result.ok and result.gates == ()
    assert [e.where for e in result.errors] == ["Quality!G5", "Quality!G7", "VCSE partners!C5", "Commitments!G5"]
    text = "\n".join(result.lines())
    assert "412 words; the limit is 400" in text and "formula" in text
    assert "is not a Charity Commission for England and Wales number: GB-CHC numbers are 6 or 7 digits" in text
    assert "25%" in text and "12.00%" in text


def test_late_note_when_the_deadline_has_passed(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    after = self_check(fill(), rubric, tender, now=datetime(2026, 7, 1, tzinfo=UTC))
    before = self_check(fill(), rubric, tender, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert "It has passed" in after.lines()[-1] and "It has passed" not in before.lines()[-1]


def test_demo_bids_are_as_described(demos: list[DemoBid], rubric: Rubric, tender: TemplateIdentity) -> None:
    assert len(demos) == 7 and sum(d.late for d in demos) == 1
    for demo in demos:
        result = self_check(demo.workbook, rubric, tender)
        assert result.ok == demo.expected_to_pass, (demo.name, result.lines())
    assert [d.name for d in demos if not d.expected_to_pass] == [
        "Brightpath Justice Services Ltd",
        "Harbour Lane Support Services Ltd",
    ]


def test_demo_bids_are_deterministic(rubric: Rubric, tender: TemplateIdentity, demos: list[DemoBid]) -> None:
    assert [d.workbook for d in demo_bids(rubric, tender)] == [d.workbook for d in demos]


def test_demo_answers_read_like_bids_within_their_limits(
    demos: list[DemoBid], rubric: Rubric, tender: TemplateIdentity
) -> None:
    excellent = read_workbook(by_name(demos, "Northern").workbook, rubric, tender).response
    assert excellent is not None
    assert "housing" in excellent.answers["q1"].lower() or "tenancy" in excellent.answers["q1"].lower()
    assert all(300 <= len(a.split()) <= 400 for a in excellent.answers.values())
    assert len(excellent.vcse_partners) == 8
    verified = {p.identifier for p in DEMO_PARTNERS if p.standing == "verified"}
    assert {p.identifier for p in excellent.vcse_partners} == verified
    assert all(p.role and p.role.startswith("Delivers ") for p in excellent.vcse_partners)


def test_one_ordinary_demo_bid_leans_on_an_unverified_partner(
    demos: list[DemoBid], rubric: Rubric, tender: TemplateIdentity
) -> None:
    standing = {p.identifier: p.standing for p in DEMO_PARTNERS}
    leaning = []
    for demo in demos:
        response = read_workbook(demo.workbook, rubric, tender, bid_id=demo.name).response
        if response is None:
            continue
        unverified = [p for p in response.vcse_partners if standing[p.identifier] != "verified"]
        if unverified:
            leaning.append(demo.name)
            assert [p.name for p in unverified] == ["Tidewater Lived Experience Collective"]
            verified_only = sum(p.value_gbp for p in response.vcse_partners if p not in unverified)
            assert response.price is not None and verified_only * 100 / response.price < Decimal(15)
            assert sum(p.value_gbp for p in response.vcse_partners) * 100 / response.price >= Decimal(15)
    assert leaning == ["Oakfield Pathways Trust"]


def test_demo_bids_evaluate_with_the_core(demos: list[DemoBid], rubric: Rubric, tender: TemplateIdentity) -> None:
    readings = {d.name: read_workbook(d.workbook, rubric, tender, bid_id=d.name) for d in demos if not d.late}
    bids = [r.response for r in readings.values() if r.response is not None]
    scores = {d.name: d.suggested_score for d in demos}
    consensus = {(b.bid_id, c.id): scores[b.bid_id] for b in bids for c in rubric.criteria if c.kind == "scored"}
    evaluation = evaluate(rubric, bids, consensus)
    assert [r.bidder for r in evaluation.excluded] == ["Brightpath Justice Services Ltd"]
    assert evaluation.ranked[0].bidder == "Northern Resettlement Consortium Ltd"
    assert all(r.vcse_share is not None and r.vcse_share > Decimal(15) for r in evaluation.ranked)


@pytest.mark.parametrize(
    "make_rubric",
    [pytest.param(probation_rubric, id="fixture")]
    + [pytest.param(lambda p=p: load_shipped(p), id=p.stem) for p in shipped_rubrics()],
)
def test_demo_bids_work_on_every_rubric(make_rubric: Callable[[], Rubric], tender: TemplateIdentity) -> None:
    rubric = make_rubric()
    for demo in demo_bids(rubric, tender):
        result = self_check(demo.workbook, rubric, tender)
        assert result.rejected is None
        if demo.expected_to_pass:
            assert result.ok, (demo.name, result.lines())
        else:
            assert not result.ok
