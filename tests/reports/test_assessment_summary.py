"""Assessment summaries (reg. 31): everything the regulation lists, and refusal without reasons or a final result."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from tenderscore.reports import (
    MissingReasonError,
    ProvisionalResultError,
    ReportError,
    build_assessment_summary,
    build_evaluation_report,
    render_document,
)

from .conftest import Pdf, read, summary_view
from .demo_data import HAND_WRITTEN, DemoTender, demo_tender


@pytest.fixture(scope="module")
def second(final: DemoTender) -> Pdf:
    return read(render_document(summary_view(final, "B002")))


@pytest.fixture(scope="module")
def excluded(final: DemoTender) -> Pdf:
    return read(render_document(summary_view(final, "B004")))


@pytest.fixture(scope="module")
def winner(final: DemoTender) -> Pdf:
    return read(render_document(summary_view(final, "B001")))


def test_addressed_to_the_bidder_with_its_total_and_rank(second: Pdf) -> None:
    flat = second.flat
    assert "ASSESSMENT SUMMARY" in flat
    assert "To Pathways Consortium (Calder Housing Trust and Kestrel Recovery Network)" in flat
    assert "This is your assessment summary (Procurement Regulations 2024, regulation 31)." in flat
    assert "Your result: 72.83 out of 100, ranked 2nd of 3 compliant tenders" in flat


def test_every_criterion_with_weight_method_scores_available_score_and_reason(final: DemoTender, second: Pdf) -> None:
    flat = second.flat
    for criterion in final.rubric.criteria:
        assert criterion.title in flat
    assert "Weight 15 out of 100" in flat
    assert "Whole scores 0 to 5, worth 0 to 15 points" in flat
    assert "4 of 5 (Good: meets the requirement fully, with evidence of delivery) — 12.00 points" in flat
    for criterion_id in ("q_accommodation", "q_ete", "q_mobilisation", "q_lived_experience"):
        reason = final.consensus[("B002", criterion_id)].reason
        assert " ".join(reason.split()) in flat


def test_formula_criteria_are_explained_from_the_bidders_own_figures(second: Pdf) -> None:
    flat = second.flat
    assert "You committed 19%. The highest commitment among compliant tenders was 24%, so 19 ÷ 24 × 10 = 7.92 points" \
        in flat
    assert "Your total price was £3,960,000. The lowest compliant price was £2,650,000, so £2,650,000 ÷ £3,960,000 × " \
           "30 = 20.08 points." in flat
    assert "You committed 104 weeks, which reaches the band 'at least 104 weeks', worth 70% of the 5 points" in flat
    assert "You answered 'Yes', which the tender requires." in flat


def test_sub_totals_and_total(second: Pdf) -> None:
    flat = second.flat
    assert "Sub-total, Quality: 38.00 of 50 points" in flat
    assert "Sub-total, Social value: 14.75 of 20 points" in flat
    assert "Sub-total, Price: 20.08 of 30 points" in flat
    assert "Your total: 72.83 out of 100 · 2nd of 3 compliant tenders" in flat


def test_winners_name_scores_and_reasons(final: DemoTender, second: Pdf) -> None:
    flat = second.flat
    assert "The buyer intends to award the contract to Northern Resettlement Partnership" in flat
    assert "The winning tender: Northern Resettlement Partnership" in flat
    assert "Winning tender's total: 84.02 out of 100 · 1st of 3 compliant tenders" in flat
    for criterion_id in ("q_accommodation", "q_ete"):
        assert " ".join(final.consensus[("B001", criterion_id)].reason.split()) in flat
    assert "The winning bidder committed 24%." in flat


def test_standstill_of_at_least_eight_working_days(second: Pdf, winner: Pdf, excluded: Pdf) -> None:
    for pdf in (second, winner, excluded):
        assert "standstill period of at least 8 working days" in pdf.flat


def test_excluded_bidder_gets_every_disqualification_reason(excluded: Pdf) -> None:
    flat = excluded.flat
    assert "Your tender was excluded" in flat
    assert "VCSE share 14% is below the mandatory minimum of 15% for 'VCSE share of contract value'." in flat
    assert "Not ranked" in flat
    assert "The winning tender: Northern Resettlement Partnership" in flat


def test_winner_summary_has_no_separate_winner_section(winner: Pdf) -> None:
    flat = winner.flat
    assert "Your tender is the most advantageous tender" in flat
    assert "The winning tender:" not in flat


def test_metadata_and_footer(second: Pdf) -> None:
    info = PdfReader(io.BytesIO(second.rendered.pdf)).metadata
    assert info is not None and info.title is not None
    assert info.title.startswith("Assessment summary – PRB-NE-2026-014")
    assert info.author == "North East Probation Region Commissioning Unit"
    for number, page in enumerate(second.pages, start=1):
        assert f"Page {number} of {len(second.pages)}" in page
        assert "Assessment summary for Pathways Consortium" in page


def test_refuses_while_provisional(provisional: DemoTender) -> None:
    with pytest.raises(ProvisionalResultError, match="final result"):
        summary_view(provisional, "B003")


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_refuses_a_score_without_a_reason_naming_bid_and_criterion(final: DemoTender, reason: str) -> None:
    key = ("B002", "q_mobilisation")
    consensus = {**final.consensus, key: replace(final.consensus[key], reason=reason)}
    demo = replace(final, consensus=consensus)
    with pytest.raises(MissingReasonError, match=r"bid B002 \(Pathways Consortium.*criterion q_mobilisation"):
        summary_view(demo, "B002")


def test_refuses_when_the_winners_score_lacks_a_reason(final: DemoTender) -> None:
    key = ("B001", "q_ete")
    demo = replace(final, consensus={**final.consensus, key: replace(final.consensus[key], reason="")})
    with pytest.raises(MissingReasonError, match="bid B001 .*criterion q_ete"):
        summary_view(demo, "B003")


def test_refuses_a_score_with_no_consensus_record(final: DemoTender) -> None:
    consensus = dict(final.consensus)
    del consensus[("B003", "q_ete")]
    with pytest.raises(MissingReasonError, match="bid B003 .*criterion q_ete"):
        summary_view(replace(final, consensus=consensus), "B003")


def test_unknown_bid_is_refused(final: DemoTender) -> None:
    with pytest.raises(ReportError, match="bid B999 was not evaluated"):
        summary_view(final, "B999")


def test_winner_must_be_ranked_first(final: DemoTender) -> None:
    with pytest.raises(ReportError, match="not ranked first"):
        build_assessment_summary(
            final.rubric, final.evaluation, final.responses, bid_id="B003", tender=final.tender,
            consensus=final.consensus, generated_at=final.generated_at, winner_bid_id="B002",
        )


def test_a_tie_at_first_place_needs_the_officers_choice() -> None:
    twin = replace(HAND_WRITTEN[0], bidder="Twin Resettlement Partnership")
    tied = demo_tender(bids=[HAND_WRITTEN[0], twin, *HAND_WRITTEN[2:]])
    assert [r.rank for r in tied.evaluation.leaders] == [1, 1]
    with pytest.raises(ReportError, match="no single first-ranked bid"):
        summary_view(tied, "B003")
    view = build_assessment_summary(
        tied.rubric, tied.evaluation, tied.responses, bid_id="B003", tender=tied.tender,
        consensus=tied.consensus, generated_at=tied.generated_at, winner_bid_id="B002",
    )
    assert view.winner is not None and view.winner.bidder == "Twin Resettlement Partnership"
    report = build_evaluation_report(
        tied.rubric, tied.evaluation, tied.responses, tender=tied.tender, panel=tied.panel,
        consensus=tied.consensus, sensitivity=tied.sensitivity, chain_head=tied.chain_head,
        generated_at=tied.generated_at,
    )
    assert "share first place" in report.recommendation.text
    assert [row.rank for row in report.matrix.rows[:2]] == ["=1", "=1"]
