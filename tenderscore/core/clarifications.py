"""When bidders' clarification questions close, by default (docs/clarifications.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

# Questions close this long before the deadline, so that every answer reaches every bidder in time to use it.
BEFORE_DEADLINE = timedelta(days=7)


def default_clarification_deadline(published_at: datetime, deadline: datetime) -> datetime:
    """Seven days before the deadline; for a tender open for less than that, halfway between publication and the
    deadline (to the minute), so there is always time both to ask and to answer."""
    if deadline - BEFORE_DEADLINE > published_at:
        return deadline - BEFORE_DEADLINE
    halfway = published_at + (deadline - published_at) / 2
    return halfway.replace(second=0, microsecond=0)
