"""The clarification log of the evaluation report's records section.

The report is the buyer's own record of the competition, read by its officers, approvers and any review of it, so
it shows what equal treatment is judged on: who asked, the question as asked and as published, and every answer
with its date and audience, a private answer included.
"""

from __future__ import annotations

from collections.abc import Sequence

from tenderscore.core.numbers import plural
from tenderscore.core.ukdates import uk_time

from .facts import ClarificationRecord
from .views import ClarificationAnswerView, ClarificationLogView

AUDIENCES = {"asker": "the bidder who asked", "all": "every bidder"}


def clarification_log(records: Sequence[ClarificationRecord]) -> tuple[ClarificationLogView, ...]:
    return tuple(
        ClarificationLogView(
            asked=uk_time(r.asked_at),
            asker=r.asker,
            question=r.question,
            published_as=r.published_question if r.published_question not in (None, r.question) else "",
            published=r.published_question is not None,
            answers=tuple(
                ClarificationAnswerView(
                    f"{'Corrected' if a.correction else 'Answered'} {uk_time(a.answered_at)}, to "
                    f"{AUDIENCES.get(a.audience, a.audience)}",
                    a.answer,
                )
                for a in r.answers
            ),
            changes=tuple(r.changes),
        )
        for r in records
    )


def clarification_summary(records: Sequence[ClarificationRecord]) -> str:
    if not records:
        return "No clarification question was asked."
    published = sum(1 for r in records if r.published_question is not None)
    private = sum(1 for r in records if r.answers and r.published_question is None)
    unanswered = sum(1 for r in records if not r.answers)
    parts = [f"{published} published to every bidder", f"{private} answered to the bidder who asked alone"]
    if unanswered:
        parts.append(f"{unanswered} not answered")
    return (
        f"{plural(len(records), 'clarification question')}: {', '.join(parts)}. A published question is shown to "
        "bidders in the buyer's wording, without who asked; the record keeps it as asked."
    )
