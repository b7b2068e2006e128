"""Numbers from cells: never a float in the result, never a crash, whatever a program stored."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenderscore.core.rubric import Unit
from tenderscore.sheets.identifiers import IdentifierError, normalise_charity_number, normalise_company_number
from tenderscore.sheets.ooxml import _value, coordinate, parse_area
from tenderscore.sheets.quantities import (
    GBP_RULE,
    UNIT_RULES,
    QuantityError,
    format_quantity,
    parse_quantity,
    places,
)

ANY_CELL_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet="0123456789,.£%-() e"),
    st.dates(),
    st.datetimes(),
)


@given(value=ANY_CELL_VALUE, unit=st.sampled_from(list(Unit)))
def test_parsing_never_crashes_and_never_gives_a_float(value: object, unit: Unit) -> None:
    rule = UNIT_RULES[unit]
    try:
        result = parse_quantity(value, rule)
    except QuantityError as exc:
        assert str(exc)
        return
    if result is not None:
        assert type(result) is Decimal
        assert result.is_finite() and 0 <= result <= rule.maximum and places(result) <= rule.places


@given(amount=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_pounds_round_trip_as_number_and_as_text(amount: Decimal) -> None:
    assert parse_quantity(amount, GBP_RULE) == amount
    assert parse_quantity(f"£{amount:,}", GBP_RULE) == amount
    assert parse_quantity(str(amount), GBP_RULE) == amount


@given(amount=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_a_stored_double_reads_back_as_typed(amount: Decimal) -> None:
    stored = f"{float(amount):.17g}"  # what a program that writes doubles in full puts in <v>
    read = _value(None, "n", stored, None)  # type: ignore[arg-type]
    assert read == amount and type(read) is Decimal


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (15, Unit.PERCENT, Decimal(15)),
        (14.2, Unit.PERCENT, Decimal("14.2")),
        ("15%", Unit.PERCENT, Decimal(15)),
        (" 15 % ", Unit.PERCENT, Decimal(15)),
        ("£1,200.50", Unit.GBP, Decimal("1200.50")),
        ("1200.5", Unit.GBP, Decimal("1200.5")),
        (".5", Unit.FTE, Decimal("0.5")),
        ("3", Unit.COUNT, Decimal(3)),
        (None, Unit.GBP, None),
        ("  ", Unit.GBP, None),
    ],
)
def test_sensible_values(value: object, unit: Unit, expected: Decimal | None) -> None:
    assert parse_quantity(value, UNIT_RULES[unit]) == expected


@pytest.mark.parametrize(
    ("value", "unit", "fragment"),
    [
        (True, Unit.GBP, "TRUE/FALSE"),
        (float("nan"), Unit.GBP, "undefined"),
        (float("inf"), Unit.GBP, "infinite"),
        (Decimal("NaN"), Unit.GBP, "undefined"),
        (date(2026, 1, 1), Unit.GBP, "date"),
        (datetime(2026, 1, 1), Unit.GBP, "date"),
        ("1,20", Unit.GBP, "not a number"),
        ("١٢٣", Unit.GBP, "not a number"),
        ("12%", Unit.GBP, "remove the '%'"),
        ("£12", Unit.PERCENT, "remove the '£'"),
        ("(5)", Unit.GBP, "negative"),
        ("−5", Unit.GBP, "negative"),
        (2.5, Unit.COUNT, "whole numbers only"),
        (101, Unit.PERCENT, "largest accepted, 100.0%"),
        (1e16, Unit.GBP, "largest accepted"),
    ],
)
def test_refused_values(value: object, unit: Unit, fragment: str) -> None:
    with pytest.raises(QuantityError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse_quantity(value, UNIT_RULES[unit])


def test_formatting_rounds_half_up_for_display_only() -> None:
    assert format_quantity(Decimal("1200.505"), GBP_RULE) == "£1,200.51"
    assert format_quantity(Decimal(15), UNIT_RULES[Unit.PERCENT]) == "15.0%"
    assert format_quantity(Decimal("14.25"), UNIT_RULES[Unit.PERCENT]) == "14.25%"
    assert format_quantity(Decimal("2.5"), UNIT_RULES[Unit.FTE]) == "2.5 FTE"


@given(text=st.text(max_size=30))
def test_identifiers_never_crash(text: str) -> None:
    for normalise in (normalise_charity_number, normalise_company_number):
        try:
            assert normalise(text).isupper() or normalise(text).isdigit()
        except IdentifierError:
            pass


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'VCSE partners'!$B$5:$F$34", ("VCSE partners", 5, 2, 34, 6)),
        ("Quality!$G$5", ("Quality", 5, 7, 5, 7)),
        ("'It''s'!A1", ("It's", 1, 1, 1, 1)),
        ("#REF!", None),
        ("Sheet1!$A$1,Sheet1!$B$2", None),
    ],
)
def test_defined_name_areas(text: str, expected: tuple[str, int, int, int, int] | None) -> None:
    area = parse_area(text)
    got = None if area is None else (area.sheet, area.first_row, area.first_column, area.last_row, area.last_column)
    assert got == expected


def test_coordinates() -> None:
    assert coordinate(5, 7) == "G5" and coordinate(1, 27) == "AA1" and coordinate(3, 16384) == "XFD3"
