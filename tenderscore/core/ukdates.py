"""Moments as people in the UK read them: one format on every page, PDF and workbook.

The server decides in UTC; people see UK time. GOV.UK style: ``23 November 2026, 3:20pm GMT`` (``midday`` and
``midnight`` for 12:00), and dates as ``23 November 2026``.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; UK time is shown only for an aware datetime")
    return moment.astimezone(UK)


def uk_time(moment: datetime | None) -> str:
    """``23 November 2026, 3:20pm GMT`` (BST in summer); empty for no moment."""
    if moment is None:
        return ""
    local = _local(moment)
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
    if (local.hour, local.minute) == (12, 0):
        clock = "midday"
    elif (local.hour, local.minute) == (0, 0):
        clock = "midnight"
    return f"{local.day} {local:%B %Y}, {clock} {local.tzname()}"


def uk_date(moment: datetime | date | None) -> str:
    """``23 November 2026``; an aware datetime is first converted to UK time."""
    if moment is None:
        return ""
    day = _local(moment).date() if isinstance(moment, datetime) else moment
    return f"{day.day} {day:%B %Y}"
