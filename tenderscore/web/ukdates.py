"""Times as UK users read and type them: the server decides in UTC; pages show and take UK time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_time(moment: datetime | None) -> str:
    """'23 November 2026, 3:20pm GMT' — the GOV.UK style for dates and times."""
    if moment is None:
        return ""
    local = moment.astimezone(UK)
    hour = local.strftime("%I").lstrip("0") or "12"
    clock = f"{hour}:{local.strftime('%M')}{local.strftime('%p').lower()}"
    if clock == "12:00pm":
        clock = "midday"
    elif clock == "12:00am":
        clock = "midnight"
    return f"{local.day} {local.strftime('%B %Y')}, {clock} {local.tzname()}"


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
