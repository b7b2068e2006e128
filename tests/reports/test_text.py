"""How reports print times, points and ranks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tenderscore.core.rubric import TieBreak
from tenderscore.core.ukdates import uk_date, uk_time
from tenderscore.reports.self_check import cell_reference
from tenderscore.reports.text import ordinal, points, tie_break_words


def test_uk_time_in_winter_and_summer() -> None:
    assert uk_time(datetime(2026, 11, 23, 15, 20, tzinfo=UTC)) == "23 November 2026, 3:20pm GMT"
    assert uk_time(datetime(2026, 7, 1, 8, 5, tzinfo=UTC)) == "1 July 2026, 9:05am BST"
    assert uk_date(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == "28 March 2026"
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert uk_date(date(2026, 1, 2)) == "2 January 2026"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        uk_time(datetime(2026, 11, 23, 15, 20))


def test_points_are_rounded_half_up_for_display() -> None:
    assert points(Decimal("2.345")) == "2.35"
    assert points(Decimal("84.019138755980861244")) == "84.02"
    assert points(Decimal("0")) == "0.00"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_tie_break_in_words() -> None:
    words = tie_break_words((TieBreak.QUALITY, TieBreak.SOCIAL_VALUE, TieBreak.PRICE))
    assert words.startswith(
        "Equal totals are separated by more quality points, then more social-value points, then the lower price;"
    )


def test_cell_references_as_excel_writes_them() -> None:
    assert cell_reference("Pricing", "C12") == "Pricing!C12"
    assert cell_reference("Social value", "D7") == "'Social value'!D7"
    assert cell_reference("Bob's sheet", "A1") == "'Bob''s sheet'!A1"


def test_one_format_everywhere_says_midday_and_midnight_in_words() -> None:
    assert uk_time(datetime(2027, 1, 15, 12, 0, tzinfo=UTC)) == "15 January 2027, midday GMT"
    assert uk_time(datetime(2027, 6, 30, 23, 0, tzinfo=UTC)) == "1 July 2027, midnight BST"
    assert uk_time(datetime(2027, 1, 15, 0, 30, tzinfo=UTC)) == "15 January 2027, 12:30am GMT"
    assert uk_time(None) == "" and uk_date(None) == ""


def test_plural_agrees_with_the_count() -> None:
    from tenderscore.core.numbers import plural

    assert plural(1, "rule") == "1 rule"
    assert plural(0, "rule") == "0 rules"
    assert plural(2, "criterion", "criteria") == "2 criteria"
    assert plural(1, "criterion", "criteria") == "1 criterion"
