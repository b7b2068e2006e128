"""OCDS date-times: every one is RFC 3339 with its time zone, or a validator (and a reader) cannot place it.

Moments (a publication, a decision, a deadline) are instants: they are written in UTC with ``Z``, the way the
database holds them. A contract's period and signature are calendar days in the UK: they are written as the UK
wall-clock time with the UK offset of that day (``+00:00`` in winter, ``+01:00`` in summer), so the day a reader
sees is the day the contract says, while the instant is still exact. A period's start is the first moment of its
first day; its end the last second of its last day (an end at midnight would cut the contract's last day off).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from tenderscore.core.award import UK

_END_OF_DAY = time(23, 59, 59)


def instant(moment: datetime) -> str:
    """``2026-11-23T15:20:00Z``: an aware datetime in UTC (fractions of a second kept only when there are any)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; an OCDS date-time needs one")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def uk_day_start(day: date) -> str:
    """``2027-06-01T00:00:00+01:00``: midnight at the start of ``day``, UK time."""
    return datetime.combine(day, time(0), tzinfo=UK).isoformat()


def uk_day_end(day: date) -> str:
    """``2029-03-31T23:59:59+01:00``: the last second of ``day``, UK time (an inclusive end date)."""
    return datetime.combine(day, _END_OF_DAY, tzinfo=UK).isoformat()
