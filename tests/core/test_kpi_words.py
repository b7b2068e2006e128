"""A KPI's figures in words (core.kpi_words): units and direction as every page, workbook and notice shows them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderscore.core import kpi_words


@pytest.mark.parametrize(("value", "unit", "shown"), [
    ("90", "percent", "90%"), ("13.5", "%", "13.5%"), ("21.3463", "percent", "21.35%"),
    ("25000", "gbp", "£25,000"), ("4.8", "fte", "4.8 FTE"), ("121", "people a year", "121 people a year"),
    ("1", "complaints", "1 complaint"), ("5", "complaints", "5 complaints"), ("1200", "complaints", "1,200 complaints"),
    ("1.5", "complaints", "1.5 complaints"), ("1", "weeks", "1 week"), ("3", "weeks", "3 weeks"), ("7", "", "7"),
    ("1", "referral", "1 referral"), ("2", "referral", "2 referrals"),
])  # fmt: skip
def test_a_figure_reads_in_its_unit(value: str, unit: str, shown: str) -> None:
    assert kpi_words.figure(Decimal(value), unit) == shown


def test_a_ceiling_target_says_at_most() -> None:
    assert kpi_words.target(Decimal(5), "complaints", "at_most") == "at most 5 complaints"
    assert kpi_words.target(Decimal(90), "percent", "at_least") == "90%"
    assert kpi_words.target(None, "", "at_least", "A safe service") == "A safe service"


@pytest.mark.parametrize(("target", "delivered", "direction", "shown"), [
    ("10", "11", "at_most", "90.91%"), ("10", "4", "at_most", "beyond the target"), ("10", "10", "at_most", "100.00%"),
    ("0", "0", "at_most", "met"), ("0", "1", "at_most", "0.00%"), ("0", "3", "at_least", "met"),
    ("3", "2", "at_least", "66.67%"), ("20", "19", "at_least", "95.00%"),
])  # fmt: skip
def test_what_was_achieved_in_words(target: str, delivered: str, direction: str, shown: str) -> None:
    """docs/performance.md's worked examples: "complaints, at most | 10 | 4 | beyond the target"."""
    assert kpi_words.achieved(Decimal(target), Decimal(delivered), direction) == shown
    assert kpi_words.achieved(None, Decimal(delivered), direction) == ""
