"""Errors the reports engine raises. Messages name the tender, bid and criterion concerned, for an officer to act on."""

from __future__ import annotations


class ReportError(ValueError):
    """A report that must not be produced from the data given (the message says why and what to do)."""


class MissingReasonError(ReportError):
    """A score without the written reason reg. 31 requires for the bidder's assessment summary."""

    def __init__(self, bid_id: str, bidder: str, criterion_id: str, criterion_title: str) -> None:
        super().__init__(
            f"bid {bid_id} ({bidder}): the score for '{criterion_title}' (criterion {criterion_id}) has no reason; "
            "record the moderated reason, referring to the bidder's own tender, before issuing assessment summaries"
        )
        self.bid_id = bid_id
        self.criterion_id = criterion_id


class ProvisionalResultError(ReportError):
    """A document that needs a final result was asked for while consensus scores are missing."""


class RenderTimeout(ReportError):
    """A render ran past its time limit and was stopped."""


class RenderFailed(ReportError):
    """WeasyPrint or the template failed; the message names the document."""
