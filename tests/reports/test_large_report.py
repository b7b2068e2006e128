"""A large competition's evaluation report: it renders, and every tender and every consensus reason is in it.

The report stays proportionate as a competition grows: the main part summarises (ranked results, exclusions, flags),
and each tender's scores and reasons are in its own entry in Appendix A. Nothing here times anything
(``bench/bench_report_pages.py`` prints the seconds per page at 10, 100 and 500 bids).
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from tenderscore.core.results import FlagCode
from tenderscore.reports import render_document
from tenderscore.reports.evaluation_report import CHART_BARS, SPREAD_NAMES

from .conftest import Pdf, evaluation_view
from .demo_data import DemoTender, demo_tender

pytestmark = pytest.mark.slow

BIDS = 60


def _flat(text: str) -> str:
    return " ".join(text.split())


def _bare(text: str) -> str:
    """Without any whitespace: a line may break after any hyphen ("12-" / "week")."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def large() -> DemoTender:
    """60 tenders whose every consensus reason is different, so that finding each one proves it is printed."""
    demo = demo_tender(BIDS)
    titles = {c.id: c.title for c in demo.rubric.criteria}
    consensus = {
        (bid_id, criterion_id): replace(
            record, reason=f"Reason {n} for tender {bid_id} on {titles[criterion_id]}. {record.reason}"
        )
        for n, ((bid_id, criterion_id), record) in enumerate(demo.consensus.items(), start=1)
    }
    return replace(demo, consensus=consensus)


@pytest.fixture(scope="module")
def large_text(large: DemoTender) -> tuple[int, list[str]]:
    pdf = render_document(evaluation_view(large)).pdf
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_a_large_report_renders_every_tender_and_every_reason(
    large: DemoTender, large_text: tuple[int, list[str]]
) -> None:
    count, pages = large_text
    flat = _flat(" ".join(pages))
    assert len(large.responses) == BIDS
    bare = _bare(flat)
    for bid in large.responses:
        assert bid.bidder in flat, bid.bidder
    for (bid_id, criterion_id), record in large.consensus.items():
        assert _bare(record.reason) in bare, (bid_id, criterion_id)
    for result in large.evaluation.excluded:
        for exclusion in result.exclusions:
            assert _bare(exclusion.reason) in bare
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {count}" in page


def test_each_tender_has_its_own_appendix_entry_in_the_order_of_the_results(
    large: DemoTender, large_text: tuple[int, list[str]]
) -> None:
    _, pages = large_text
    appendix = _flat(" ".join(pages))
    appendix = appendix[appendix.rindex("Appendix A. Each tender's scores and reasons") :]
    headings = re.findall(r"\bA(\d+)\. ", appendix)
    assert [int(n) for n in headings] == list(range(1, BIDS + 1))
    positions = [appendix.index(f"A{n}. {r.bidder}") for n, r in enumerate(large.evaluation.results, start=1)]
    assert positions == sorted(positions)


def test_the_report_grows_with_the_tenders_not_faster(large_text: tuple[int, list[str]], final_report: Pdf) -> None:
    """Proportionate: well under a page per tender of four criteria, on top of the fixed parts (the main part prints
    one row per tender in the ranked results and the social value table, and summarises the rest)."""
    count, _ = large_text
    assert count < final_report.rendered.pages + BIDS - 5


def test_the_chart_draws_the_highest_ranked_tenders_and_says_so() -> None:
    demo = demo_tender(CHART_BARS + 5)
    view = evaluation_view(demo)
    drawn = re.findall(r'<rect [^>]*data-bid="([^"]+)" data-section="Quality"', view.chart_svg)
    assert drawn == [r.bidder for r in demo.evaluation.ranked[:CHART_BARS]]
    ranked = len(demo.evaluation.ranked)
    assert view.chart_caption == (
        f"Points by section for the {CHART_BARS} highest-ranked of {ranked} compliant tenders, in rank order. "
        "The table above gives every compliant tender's figures."
    )
    assert len(view.matrix.rows) == ranked


def test_compliance_lists_the_excluded_and_counts_the_rest(final: DemoTender, large: DemoTender) -> None:
    view = evaluation_view(final)
    assert view.compliance.summary == (
        "3 of the 5 tenders passed every compliance gate and are ranked in section 4. "
        "These 2 tenders were excluded, for every reason given:"
    )
    assert [row.bidder for row in view.compliance.excluded] == ["Unity Rehabilitation CIC", "Meridian Support Services"]
    assert len(evaluation_view(large).compliance.excluded) == len(large.evaluation.excluded)


def test_evaluator_spreads_are_named_when_few_and_counted_when_many(final: DemoTender, large: DemoTender) -> None:
    few = evaluation_view(final).spreads
    assert few.startswith(
        "Evaluators' scores differ by two or more steps on 1 score of 1 tender: Northern Resettlement Partnership "
        "(1 criterion)."
    )
    flagged = [r for r in large.evaluation.results if r.flagged(FlagCode.EVALUATOR_SPREAD)]
    assert len(flagged) > SPREAD_NAMES
    many = evaluation_view(large).spreads
    assert f"of {len(flagged)} tenders. Section 5 counts them by criterion" in many
    assert flagged[0].bidder not in many
