"""VCSE share and its disagreement check; display and the number words used in messages."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from tenderscore.core import ScoringError, Unit, VcsePartner, display, vcse_share, vcse_share_disagreement
from tenderscore.core.numbers import display_up, money, plain, pounds, quantity, read_number

from .builders import D

PARTNERS = (
    VcsePartner("The Restore Trust", D(90000), identifier="GB-CHC-1089543"),
    VcsePartner("Women's Centre", D(52000)),
)


def test_vcse_share_is_partners_pounds_over_price() -> None:
    # (90,000 + 52,000) / 1,000,000 x 100 = 14.2%
    assert vcse_share(PARTNERS, D(1000000)) == D("14.2")
    # 100,000 / 300,000 x 100 = 33.33...% unrounded (50 significant digits), shown as 33.33
    third = vcse_share(PARTNERS[:1] + (VcsePartner("x", D(10000)),), D(300000))
    assert display(third) == "33.33" and str(third).startswith("33.333333333333")
    assert vcse_share((), D(500)) == 0


def test_vcse_share_needs_a_positive_price() -> None:
    with pytest.raises(ScoringError, match="needs a price above £0"):
        vcse_share(PARTNERS, D(0))


def test_stated_share_must_agree_within_half_a_point() -> None:
    # computed 14.2%: 14.7 is 0.5 away (agrees: exactly the tolerance), 14.71 is 0.51 away (does not)
    assert vcse_share_disagreement(D("14.7"), PARTNERS, D(1000000)) is None
    assert vcse_share_disagreement(D("13.7"), PARTNERS, D(1000000)) is None
    message = vcse_share_disagreement(D("15"), PARTNERS, D(1000000))
    assert message == (
        "The stated VCSE share of 15% does not match the VCSE partners listed: 2 partners delivering £142,000 of "
        "the £1,000,000 price make 14.20%. The two must agree within 0.5 percentage points."
    )
    assert vcse_share_disagreement(D("14.71"), PARTNERS, D(1000000)) is not None
    assert vcse_share_disagreement(D("15"), PARTNERS, D(1000000), tolerance=D(1)) is None
    assert vcse_share_disagreement(D("15"), (), D(1000000)) == (
        "The stated VCSE share of 15% does not match the VCSE partners listed: none is listed, which makes 0.00% "
        "of the £1,000,000 price. The two must agree within 0.5 percentage points."
    )


def test_display_rounds_half_up_to_two_places_whatever_the_context() -> None:
    assert display(D("2.345")) == "2.35"  # half-up, where half-even would give 2.34
    assert display(D("2.344999")) == "2.34"
    assert display(D("-0.001")) == "0.00"
    assert display(D("100")) == "100.00"
    with localcontext() as ctx:
        ctx.prec = 2
        assert display(D("1234.565")) == "1234.57"
    assert display_up(D("2.3401")) == "2.35" and display_up(D("2.34")) == "2.34"


def test_numbers_in_messages_are_shown_exactly() -> None:
    assert plain(D("15.00")) == "15" and plain(D("1E+3")) == "1000" and plain(D("-0")) == "0"
    assert money(D("1250000")) == "£1,250,000"
    assert money(D("99.5")) == "£99.50"
    assert money(D("-3.1")) == "-£3.10"
    assert quantity(D("14.2"), Unit.PERCENT) == "14.2%"
    assert quantity(D("3.5"), Unit.FTE) == "3.5 FTE"
    assert quantity(D("1"), Unit.WEEKS) == "1 week" and quantity(D("52"), Unit.WEEKS) == "52 weeks"
    assert quantity(D("40"), Unit.TCO2E) == "40 tCO2e"
    assert quantity(D("12000"), Unit.COUNT) == "12,000"
    assert quantity(D("120000"), Unit.GBP) == "£120,000"


@pytest.mark.parametrize(("text", "read"), [
    ("1,000", Decimal("1000")), (" 1,250,000.50 ", Decimal("1250000.50")), ("1000", Decimal("1000")),
    ("-5", Decimal("-5")), (".5", Decimal("0.5")), ("1e3", Decimal("1000")),
    ("1,0", None), ("12,5", None), ("1,0000", None), ("1_000", None), ("NaN", None), ("Infinity", None),
    ("0x10", None), ("", None), ("£5", None),
])  # fmt: skip
def test_numbers_as_typed_take_commas_only_between_thousands(text: str, read: Decimal | None) -> None:
    """One rule for every door of the delivery return (page, API, workbook): "12,5" is never read as 125."""
    assert read_number(text) == read


def test_pounds_keep_their_pence_and_are_never_rounded() -> None:
    assert [pounds(Decimal(t)) for t in ("90000", "461500.00", "15000.5", "0", "1E+3", "0.125")] == [
        "90000.00", "461500.00", "15000.50", "0.00", "1000.00", "0.125"]  # fmt: skip
    with pytest.raises(ValueError):
        pounds(Decimal("NaN"))
