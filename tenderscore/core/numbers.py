"""Decimal arithmetic for scoring: exact sums and products, one place that divides, rounding for display only.

The core never relies on the caller's decimal context. Sums, differences and products run in
``exact_arithmetic()``, a context with the largest precision the platform allows, so they are exact; only
``ratio()`` divides, to ``DIVISION_DIGITS`` significant digits, because a quotient such as 1/3 has no exact
decimal form. A stray ``/`` inside ``exact_arithmetic()`` fails loudly (``MemoryError``) instead of rounding
silently, which is why divisions go through ``ratio()``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction

from .rubric import Unit

DIVISION_DIGITS = 50

_TRAPS = [InvalidOperation, DivisionByZero, Overflow]
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_EVEN, traps=_TRAPS)
_DIVISION = Context(prec=DIVISION_DIGITS, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_EVEN, traps=_TRAPS)

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def exact_arithmetic() -> AbstractContextManager[Context]:
    """A local decimal context in which addition, subtraction and multiplication are exact."""
    return localcontext(_EXACT)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    """``numerator / denominator`` to ``DIVISION_DIGITS`` significant digits, half-even.

    This is the only rounding in a computation, and it is far below anything displayed or compared in practice.
    Raises ``decimal.DivisionByZero`` for a zero denominator: callers guard that case with a reason first.
    """
    return _DIVISION.divide(numerator, denominator)


def to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a ``Decimal``: exact when it terminates within ``DIVISION_DIGITS`` digits, else rounded."""
    return _DIVISION.divide(Decimal(value.numerator), Decimal(value.denominator))


def median(values: Sequence[Decimal]) -> Decimal:
    """The median of a non-empty sequence: the middle value, or the mean of the two middle values."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return ratio(_EXACT.add(ordered[middle - 1], ordered[middle]), TWO)


def display(value: Decimal) -> str:
    """Round to 2 decimal places, half-up, for display only: ``Decimal("2.345")`` -> ``"2.35"``."""
    shown = value.quantize(_CENT, rounding=ROUND_HALF_UP, context=_EXACT)
    return "0.00" if shown.is_zero() else f"{shown:f}"


def display_up(value: Decimal) -> str:
    """Round up to 2 decimal places for a threshold statement ("moving 2.35 points ... would"), never below it."""
    shown = value.quantize(_CENT, rounding=ROUND_CEILING, context=_EXACT)
    return "0.00" if shown.is_zero() else f"{shown:f}"


def plain(value: Decimal, *, grouped: bool = False) -> str:
    """The exact value without exponent or trailing zeros: ``Decimal("15.00")`` -> ``"15"``, ``1E+3`` -> ``"1000"``."""
    if value.is_zero():
        return "0"
    normal = value.normalize(_EXACT)
    return format(normal, ",f" if grouped else "f")


def quantity(value: Decimal, unit: Unit) -> str:
    """A committed quantity with its unit, exactly as committed: ``14.2%``, ``£120,000``, ``3.5 FTE``."""
    if unit is Unit.PERCENT:
        return f"{plain(value)}%"
    if unit is Unit.GBP:
        return money(value)
    if unit is Unit.FTE:
        return f"{plain(value)} FTE"
    if unit is Unit.WEEKS:
        return f"{plain(value)} week" + ("" if value == ONE else "s")
    if unit is Unit.TCO2E:
        return f"{plain(value)} tCO2e"
    return plain(value, grouped=True)


def money(value: Decimal) -> str:
    """An amount of pounds, exactly: ``£1,250,000``, ``£99.50`` (pence keep two places), ``£0.125``."""
    sign = "-" if value < 0 else ""
    amount = value.copy_abs().normalize(_EXACT)
    if amount.as_tuple().exponent == -1:  # 99.5 reads as pounds and pence
        amount = amount.quantize(_CENT, context=_EXACT)
    return f"{sign}£{amount:,f}"


def recorded_money(value: object) -> str | None:
    """An amount as the record keeps it (text such as ``"25000.00"``, or a number) written as ``money`` writes it;
    None when it is not an amount. The audit trail's words use it, so history reads money as every page does."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return money(amount) if amount.is_finite() else None


# A number as people type it and as JSON writes it: digits with an optional point, commas only between groups of
# three before the point ("1,000", "1,250,000.50"), an optional sign and exponent. Never "1,0" (which might mean
# 1.0), "1_000", "0x10", "NaN" or "Infinity".
NUMBER_TEXT = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,6})?")


def read_number(text: str) -> Decimal | None:
    """The number ``text`` holds (surrounding spaces aside) under ``NUMBER_TEXT``, exactly; None for anything else.
    Every door of a form reads its numbers with this one rule (a page, the API and a workbook read as text)."""
    cleaned = text.strip()
    if not NUMBER_TEXT.fullmatch(cleaned):
        return None
    return Decimal(cleaned.replace(",", ""))


def pounds(value: Decimal) -> str:
    """An amount of pounds as exact text with its pence, as the API and the record give money: ``"90000.00"``,
    ``"15000.50"``; never rounded (a fraction of a penny keeps its digits: ``"0.125"``)."""
    if not value.is_finite():
        raise ValueError(f"{value} is not an amount")
    if int(value.as_tuple().exponent) >= -2:
        value = value.quantize(_CENT, context=_EXACT)
    return format(value, "f")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 rule``, ``2 rules``, ``0 criteria`` (with ``plural_form`` for a word not made plural by adding s)."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
