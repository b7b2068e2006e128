"""The VCSE share delivered in a period (core.performance.delivered_share): exact when the division ends, and a
division that never ends (£20,000 of £120,000) rounded to the scoring core's digits instead of running forever."""

from __future__ import annotations

from decimal import Decimal

from tenderscore.core.performance import delivered_share


def test_exact_when_it_terminates() -> None:
    assert delivered_share(Decimal("12000.00"), Decimal("100000.00")) == Decimal(12)
    assert delivered_share(Decimal("18500"), Decimal("100000")) == Decimal("18.5")


def test_a_recurring_share_is_rounded_not_endless() -> None:
    share = delivered_share(Decimal("20000"), Decimal("120000"))  # 16.666...%
    assert share is not None and share.quantize(Decimal("0.0001")) == Decimal("16.6667")
    assert abs(share * 3 - 50) < Decimal("1E-40")


def test_nothing_spent_is_no_share() -> None:
    assert delivered_share(Decimal(0), Decimal(0)) is None
