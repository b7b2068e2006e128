"""The standstill's end and the KPI rule (core.award): worked examples by hand, properties over any date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tenderscore.core.award import (
    UK,
    ends_in_words,
    is_working_day,
    kpi_problem,
    last_day,
    standstill_end,
    working_days_left,
)
from tenderscore.db.models import Nation
from tenderscore.services.calendar import around, bank_holidays

ENGLAND = around(Nation.ENGLAND_AND_WALES, date(2026, 12, 1))
SCOTLAND = around(Nation.SCOTLAND, date(2026, 11, 1))
NORTHERN_IRELAND = around(Nation.NORTHERN_IRELAND, date(2027, 3, 1))


def test_a_standstill_counts_the_day_of_publication_when_it_is_a_working_day() -> None:
    # Wednesday 2 December 2026: 2, 3, 4, 7, 8, 9, 10, 11 December.
    ends = standstill_end(datetime(2026, 12, 2, 10, 0, tzinfo=UTC), ENGLAND)
    assert ends == datetime(2026, 12, 12, 0, 0, tzinfo=UK)
    assert ends_in_words(ends) == "midnight at the end of 11 December 2026"


def test_a_notice_published_on_a_saturday_starts_counting_on_monday() -> None:
    # Saturday 5 December 2026: 7, 8, 9, 10, 11, 14, 15, 16 December.
    assert last_day(standstill_end(datetime(2026, 12, 5, 10, 0, tzinfo=UTC), ENGLAND)) == date(2026, 12, 16)


def test_christmas_in_england_stretches_the_standstill_into_the_new_year() -> None:
    # Friday 18 December 2026: 18, 21, 22, 23, 24 (25 Christmas, 28 the Boxing Day substitute), 29, 30, 31.
    assert last_day(standstill_end(datetime(2026, 12, 18, 9, 0, tzinfo=UTC), ENGLAND)) == date(2026, 12, 31)


def test_each_nation_skips_its_own_bank_holidays() -> None:
    published = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday 30 November: St Andrew's Day in Scotland
    assert last_day(standstill_end(published, ENGLAND)) == date(2026, 12, 9)
    assert last_day(standstill_end(published, SCOTLAND)) == date(2026, 12, 10)
    # St Patrick's Day, Wednesday 17 March 2027, in Northern Ireland only.
    march = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    assert last_day(standstill_end(march, NORTHERN_IRELAND)) == date(2027, 3, 25)
    assert last_day(standstill_end(march, around(Nation.ENGLAND_AND_WALES, date(2027, 3, 1)))) == date(2027, 3, 24)


def test_the_uk_day_decides_not_the_utc_day() -> None:
    # 23:30 UTC on Friday 26 June 2026 is already Saturday 27 June in London (BST): counting starts on Monday.
    assert last_day(standstill_end(datetime(2026, 6, 26, 23, 30, tzinfo=UTC), ENGLAND)) == date(2026, 7, 8)


def test_working_days_left_counts_today_until_the_end() -> None:
    ends = standstill_end(datetime(2026, 12, 2, 10, 0, tzinfo=UTC), ENGLAND)  # last day 11 December
    assert working_days_left(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), ends, ENGLAND) == 5
    assert working_days_left(datetime(2026, 12, 12, 9, 0, tzinfo=UTC), ends, ENGLAND) == 0


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)))
def test_every_standstill_is_eight_working_days_ending_at_uk_midnight(published: datetime) -> None:
    holidays = bank_holidays(Nation.ENGLAND_AND_WALES, 2025, 2030)
    ends = standstill_end(published, holidays)
    first, last = published.astimezone(UK).date(), last_day(ends)
    counted = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert sum(is_working_day(d, holidays) for d in counted) == 8
    assert is_working_day(last, holidays)
    local = ends.astimezone(UK)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert working_days_left(published, ends, holidays) == 8


def test_the_kpi_rule_of_section_52() -> None:
    above, at = Decimal("5000000.01"), Decimal("5000000")
    assert kpi_problem(above, 3, "") is None
    assert kpi_problem(above, 2, "") == "A contract worth more than £5,000,000 needs at least 3 KPIs; this one has 2"
    assert "or the reason" in (kpi_problem(above, 0, "") or "")
    assert kpi_problem(above, 0, "Spot purchases of a commodity: no meaningful KPI") is None
    assert kpi_problem(at, 0, "") is None  # at £5m or below KPIs are the buyer's choice
    assert kpi_problem(at, 1, "") is None
