"""The evaluation report's clarification log (records section): who asked, as asked and as published, every answer
with its date and audience (a private one too: the report is the buyer's record), and the changes that followed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tenderscore.reports import (
    ClarificationAnswerRecord,
    ClarificationRecord,
    build_evaluation_report,
    render_document,
)

from .conftest import Pdf, read
from .demo_data import DemoTender

ASKED = datetime(2026, 9, 7, 10, 0, tzinfo=UTC)
ANSWERED = datetime(2026, 9, 9, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def logged(final: DemoTender) -> Pdf:
    records = [
        ClarificationRecord(
            ASKED, "Northern Resettlement Consortium Ltd", "Can our own Salford hostels count?",
            "Can a bidder's own hostels count?",
            (ClarificationAnswerRecord(ANSWERED, "all", "Yes, for 12 weeks.", False),),
            ("The deadline for bids was extended to 30 September 2026, midday BST",),
        ),
        ClarificationRecord(
            ASKED, "Brightpath Justice Services Ltd", "Do platform referrals count?", None,
            (ClarificationAnswerRecord(ANSWERED, "asker", "Yes.", False),
             ClarificationAnswerRecord(ANSWERED, "asker", "Yes, once accepted.", True)),
        ),
        ClarificationRecord(ASKED, "Eastgate CIC", "When is the staff list out?", None),
    ]  # fmt: skip
    view = build_evaluation_report(
        final.rubric, final.evaluation, final.responses, tender=final.tender, panel=final.panel,
        consensus=dict(final.consensus), sensitivity=None, chain_head=final.chain_head,
        generated_at=final.generated_at, clarifications=records,
    )  # fmt: skip
    return read(render_document(view))


def test_the_log_shows_who_asked_both_wordings_and_every_answer(logged: Pdf) -> None:
    flat = logged.flat
    assert (
        "3 clarification questions: 1 published to every bidder, 1 answered to the bidder who asked alone, "
        "1 not answered." in flat
    )
    assert "by Northern Resettlement Consortium Ltd" in flat
    assert "Can our own Salford hostels count? Published as: Can a bidder's own hostels count?" in flat
    assert "Answered 9 September 2026, 4:30pm BST, to every bidder: Yes, for 12 weeks." in flat
    assert "The deadline for bids was extended to 30 September 2026, midday BST, following this answer." in flat
    assert "Corrected 9 September 2026, 4:30pm BST, to the bidder who asked: Yes, once accepted." in flat
    assert "When is the staff list out? Not answered" in flat


def test_no_questions_is_said_in_words(final: DemoTender) -> None:
    view = build_evaluation_report(
        final.rubric, final.evaluation, final.responses, tender=final.tender, panel=final.panel,
        consensus=dict(final.consensus), sensitivity=None, chain_head=final.chain_head,
        generated_at=final.generated_at,
    )  # fmt: skip
    assert view.clarifications == () and view.clarifications_summary == "No clarification question was asked."
