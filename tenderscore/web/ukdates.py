"""Times as UK users type them into forms; shown with core.ukdates.uk_time, the one format everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

from tenderscore.core.ukdates import UK


def parse_uk(day: str, month: str, year: str, time: str) -> datetime:
    """A UK wall-clock date and time (24-hour 'HH:MM') as an aware UTC datetime; ValueError says what is wrong."""
    try:
        d, m, y = int(day), int(month), int(year)
    except ValueError:
        raise ValueError("Enter the date as numbers, for example 27 3 2027") from None
    hours, _, minutes = (time or "").strip().partition(":")
    try:
        hh, mm = int(hours), int(minutes or 0)
    except ValueError:
        raise ValueError("Enter the time as HH:MM, for example 12:00") from None
    try:
        local = datetime(y, m, d, hh, mm, tzinfo=UK)
    except ValueError:
        raise ValueError("Enter a real date and time") from None
    return local.astimezone(UTC)
