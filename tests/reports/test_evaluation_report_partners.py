"""The evaluation report's VCSE partners: each tender's partner table in Appendix A (register standing and answer in
words), a refusal among the points for the officer's attention, and every partner's answer in the records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tenderscore.core import Consensus, evaluate
from tenderscore.core.numbers import money
from tenderscore.reports import ConfirmationRecord, build_assessment_summary, build_evaluation_report, render_document

from .conftest import Pdf, read
from .demo_data import DemoTender


@pytest.fixture(scope="module")
def partnered_report(final: DemoTender) -> Pdf:
    """The final demo under "verified only": the second bid's Second Shift registered but unverified, the first bid's
    Aldergate refused, every other partner verified and confirmed."""
    rubric = replace(final.rubric, vcse_counting="verified")
    responses = []
    for i, bid in enumerate(final.responses):
        partners = []
        for j, p in enumerate(bid.vcse_partners):
            standing = "registered" if (i, j) == (1, 1) else "verified"
            confirmation = "refused" if (i, j) == (0, 0) else "confirmed"
            partners.append(replace(p, role="Move-on homes" if j == 0 else "Kitchen traineeships",
                                    standing=standing, confirmation=confirmation))  # fmt: skip
        responses.append(replace(bid, vcse_partners=tuple(partners)))
    consensus = {key: Consensus(r.score, r.reason) for key, r in final.consensus.items()}
    panels = {key: [s.score for s in r.individual] for key, r in final.consensus.items()}
    evaluation = evaluate(rubric, responses, consensus, panels)
    records = [
        ConfirmationRecord(b.bid_id, p.name, p.identifier or "", p.confirmation or "",
                           datetime(2026, 10, 2, 9, 30, tzinfo=UTC),
                           "We agreed £40,000 less than this." if p.confirmation == "refused" else "")
        for b in responses for p in b.vcse_partners
    ]  # fmt: skip
    view = build_evaluation_report(
        rubric, evaluation, responses, tender=final.tender, panel=final.panel,
        consensus={k: v for k, v in final.consensus.items()}, sensitivity=None, chain_head=final.chain_head,
        generated_at=final.generated_at, confirmations=records,
    )  # fmt: skip
    return read(render_document(view))


def test_each_tender_has_its_partner_table_in_words(partnered_report: Pdf, final: DemoTender) -> None:
    flat = partnered_report.flat
    first = final.responses[0]
    assert "VCSE partners: 2 of 2 partners count (verified VCSE partners only)" in flat  # the first tender's
    assert "VCSE partners: 1 of 2 partners count (verified VCSE partners only)" in flat  # the second's
    assert "Aldergate Housing Trust GB-CHC-1290417 · Move-on homes" in flat
    assert money(first.vcse_partners[0].value_gbp) in flat
    assert "Verified VCSE" in flat and "Registered but unverified Does not count" in flat
    assert "Refused" in flat and "Confirmed" in flat


def test_a_refusal_is_a_point_for_the_officers_attention(partnered_report: Pdf, final: DemoTender) -> None:
    flat = partnered_report.flat
    assert "VCSE partner refused" in flat
    assert "Aldergate Housing Trust (GB-CHC-1290417) refused the part this bid gives it" in flat


def test_the_records_list_every_partners_answer(partnered_report: Pdf, final: DemoTender) -> None:
    flat = partnered_report.flat
    count = 2 * len(final.responses)
    assert f"VCSE partners' confirmations {count} named partners across the tenders:" in flat
    assert f"{count - 1} confirmed, 1 refused" in flat or f"1 refused, {count - 1} confirmed" in flat
    assert "We agreed £40,000 less than this." in flat
    assert "Under this tender's rule, verified VCSE partners only count towards a tender's VCSE share." in flat


def test_an_assessment_summary_says_which_of_the_bidders_own_partners_counted(final: DemoTender) -> None:
    rubric = replace(final.rubric, vcse_counting="verified")
    first = final.responses[0]
    partners = (replace(first.vcse_partners[0], standing="verified"),
                replace(first.vcse_partners[1], standing="registered"))  # fmt: skip
    verified = [replace(b, vcse_partners=tuple(replace(p, standing="verified") for p in b.vcse_partners))
                for b in final.responses[1:]]  # fmt: skip
    responses = [replace(first, vcse_partners=partners), *verified]
    consensus = {key: Consensus(r.score, r.reason) for key, r in final.consensus.items()}
    evaluation = evaluate(rubric, responses, consensus)
    view = build_assessment_summary(
        rubric, evaluation, responses, bid_id=first.bid_id, tender=final.tender, consensus=final.consensus,
        generated_at=final.generated_at, winner_bid_id=evaluation.ranked[0].bid_id,
    )  # fmt: skip
    assert view.partners.startswith("Your VCSE partners: 1 of 2 partners count (verified VCSE partners only)")
    assert "Counted: Aldergate Housing Trust (GB-CHC-1290417)." in view.partners
    assert "Not counted under this tender's rule: Second Shift Kitchens CIC (GB-COH-19004127), registered but " \
           "unverified." in view.partners
    other = build_assessment_summary(
        rubric, evaluation, responses, bid_id=final.responses[1].bid_id, tender=final.tender,
        consensus=final.consensus, generated_at=final.generated_at, winner_bid_id=evaluation.ranked[0].bid_id,
    )  # fmt: skip
    assert other.partners.startswith("Your VCSE partners: 2 of 2 partners count")
    assert "Not counted" not in other.partners
