"""A realistic evaluation built with the core from the shipped probation rubric, reported end to end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tenderscore.core import BidResponse, Consensus, Evaluation, VcsePartner, evaluate, sensitivity
from tenderscore.core.numbers import display
from tenderscore.core.rubric import CriterionKind, Rubric
from tenderscore.reports import (
    ConsensusRecord,
    IndividualScore,
    PanelMember,
    ProvisionalResultError,
    SensitivityFinding,
    TenderFacts,
    build_assessment_summary,
    build_evaluation_report,
    render_document,
    render_many,
)
from tenderscore.rubric_files import load_rubric_file, rubric_hash

from .conftest import Pdf, pdf_text, read

RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / "probation-innovation-partner.yaml"
EVALUATORS = ("Priya Raman", "Tom Hale", "Grace Mensah")
D = Decimal


@dataclass(frozen=True)
class Bidder:
    name: str
    price: Decimal
    vcse: Decimal
    jobs: Decimal
    housed: Decimal
    employed: Decimal
    quality: tuple[int, ...]  # one consensus score per scored criterion, in rubric order
    safeguarding: bool = True


BIDDERS = (
    Bidder("Northern Pathways Partnership", D(5_400_000), D(22), D(5), D(85), D(42), (5, 4, 4, 4, 3, 4, 4)),
    Bidder("Second Chance Consortium", D(5_150_000), D(18), D(3), D(80), D(35), (4, 4, 3, 3, 3, 3, 4)),
    Bidder("Beacon Justice Services Ltd", D(3_600_000), D(16), D(1), D(70), D(30), (3, 3, 3, 2, 2, 3, 2)),
    Bidder("Unity Rehabilitation CIC", D(4_950_000), D(14), D(4), D(82), D(38), (4, 4, 4, 3, 4, 3, 3)),
    Bidder("Meridian Support Services", D(4_700_000), D(17), D(2), D(75), D(33), (2, 3, 3, 3, 3, 2, 3), False),
)


@dataclass(frozen=True)
class Tender:
    rubric: Rubric
    bids: list[BidResponse]
    consensus: dict[tuple[str, str], ConsensusRecord]
    evaluation: Evaluation
    finding: SensitivityFinding | None
    facts: TenderFacts


def _bid(index: int, b: Bidder) -> BidResponse:
    share = b.price * b.vcse / 100
    return BidResponse(
        bid_id=f"bid-{index}",
        bidder=b.name,
        declarations={"pf_modern_slavery": True, "pf_insurance": True, "pf_safeguarding": b.safeguarding},
        commitments={"sv_vcse_share": b.vcse, "sv_jobs_convictions": b.jobs, "sv_settled_accommodation": b.housed,
                     "sv_employment": b.employed},
        price=b.price,
        vcse_partners=(
            VcsePartner("Kestrel Recovery Network", share / 2, identifier="GB-CHC-1290311"),
            VcsePartner("Lanthorn Money Advice", share / 2, identifier="GB-COH-19007731"),
        ),
    )


def _tender(leave_out: int = 0) -> Tender:
    rubric = load_rubric_file(RUBRIC)
    scored = [c for c in rubric.criteria if c.kind is CriterionKind.SCORED]
    bids = [_bid(i, b) for i, b in enumerate(BIDDERS, start=1)]
    records = {}
    for bid, bidder in zip(bids, BIDDERS, strict=True):
        for criterion, score in zip(scored, bidder.quality, strict=True):
            reason = (f"{bidder.name}'s answer to '{criterion.title}' scores {score}: "
                      f"{rubric.scale.descriptor(score).split(':')[0].lower()} on the published scale.")
            spread = zip(EVALUATORS, (0, 1, -1), strict=True)
            individual = tuple(IndividualScore(name, max(0, min(5, score + d))) for name, d in spread)
            records[(bid.bid_id, criterion.id)] = ConsensusRecord(score, reason, individual, "Dana Whitfield")
    for key in list(records)[:leave_out]:
        del records[key]
    plain = {k: Consensus(r.score, r.reason) for k, r in records.items()}
    evaluation = evaluate(rubric, bids, plain, {k: [s.score for s in r.individual] for k, r in records.items()})
    finding = None if evaluation.provisional else sensitivity(rubric, bids, plain)
    facts = TenderFacts(
        reference="HMPPS-NW-2026-031",
        title="Probation Innovation Partner: North West",
        buyer="HM Prison and Probation Service, North West",
        estimated_value=D(5_500_000),
        deadline=datetime(2026, 9, 30, 11, 0, tzinfo=UTC),
        published_at=datetime(2026, 7, 15, 9, 0, tzinfo=UTC),
        status="evaluation",
        rubric_hash=rubric_hash(rubric),
    )
    return Tender(rubric, bids, records, evaluation, finding, facts)


def _report(tender: Tender) -> Pdf:
    view = build_evaluation_report(
        tender.rubric, tender.evaluation, tender.bids, tender=tender.facts,
        panel=[PanelMember(name, "Evaluator", "No conflict of interest.", datetime(2026, 10, 1, 9, tzinfo=UTC))
               for name in EVALUATORS],
        consensus=tender.consensus, sensitivity=tender.finding, chain_head="ab" * 32,
        generated_at=datetime(2026, 10, 20, 16, 45, tzinfo=UTC),
    )
    return read(render_document(view))


@pytest.fixture(scope="module")
def tender() -> Tender:
    return _tender()


@pytest.fixture(scope="module")
def report(tender: Tender) -> Pdf:
    return _report(tender)


def test_the_core_ranks_three_and_excludes_two(tender: Tender) -> None:
    assert [r.bidder for r in tender.evaluation.ranked] == [
        "Northern Pathways Partnership", "Second Chance Consortium", "Beacon Justice Services Ltd"]
    assert {r.bidder for r in tender.evaluation.excluded} == {"Unity Rehabilitation CIC", "Meridian Support Services"}
    assert not tender.evaluation.provisional


def test_report_prints_ranks_totals_reasons_and_threshold(tender: Tender, report: Pdf) -> None:
    for result in tender.evaluation.ranked:
        assert report.contains(f"{result.rank} {result.bidder}")
        assert display(result.total) in report.flat
    for result in tender.evaluation.excluded:
        for exclusion in result.exclusions:
            assert report.contains(exclusion.reason)
    meridian = tender.evaluation.result("bid-5")
    assert len(meridian.exclusions) == 2  # a declaration and a quality minimum
    for record in tender.consensus.values():
        assert report.contains(record.reason)
    assert report.contains("at least 15% of the contract value")
    assert report.contains("Probation Innovation Partner: North West") and report.contains("HMPPS-NW-2026-031")
    assert tender.finding is not None and report.contains(tender.finding.summary)
    assert report.contains("20 October 2026, 5:45pm BST")
    assert not any("PROVISIONAL" in page for page in report.pages)


def test_abnormally_low_price_and_grouped_evaluator_spreads(report: Pdf) -> None:
    assert report.contains("The price £3,600,000 is below 80% of the median compliant price £5,150,000")
    assert report.contains("Evaluators' scores differ by two or more steps on 6 criteria:")


def test_every_bidder_gets_a_summary_with_its_total_and_the_winner(tender: Tender) -> None:
    views = [
        build_assessment_summary(tender.rubric, tender.evaluation, tender.bids, bid_id=b.bid_id, tender=tender.facts,
                                 consensus=tender.consensus, generated_at=datetime(2026, 10, 21, 9, tzinfo=UTC))
        for b in tender.bids
    ]
    for view, rendered in render_many(views, workers=2):
        text = " ".join(pdf_text(rendered.pdf).split())
        result = tender.evaluation.result(view.bid_id)
        assert f"To {result.bidder}" in text
        assert "Northern Pathways Partnership" in text
        assert "standstill period of at least 8 working days" in text
        if result.compliant:
            assert f"{display(result.total)} out of 100" in text
        else:
            assert "Your tender was excluded" in text
            for exclusion in result.exclusions:
                assert " ".join(exclusion.reason.split()) in text


def test_provisional_tender_has_the_banner_everywhere_and_no_summaries() -> None:
    tender = _tender(leave_out=1)
    assert tender.evaluation.provisional
    report = _report(tender)
    assert all("PROVISIONAL" in page for page in report.pages)
    with pytest.raises(ProvisionalResultError):
        build_assessment_summary(tender.rubric, tender.evaluation, tender.bids, bid_id="bid-2", tender=tender.facts,
                                 consensus=tender.consensus, generated_at=datetime(2026, 10, 21, 9, tzinfo=UTC))
