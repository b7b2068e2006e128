"""Numbers bidders type: parsing a cell's value into a ``Decimal`` per unit, and showing one back.

A cell can hold an int, a float, a string typed as text ("£1,200.50", "15%"), a date or a boolean, depending on
the program that saved it. Every path ends in a ``Decimal`` built from a string, never a float, or in a message
that tells the bidder what to type instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tenderscore.core.rubric import Unit


@dataclass(frozen=True)
class UnitRule:
    """What a sensible quantity in one unit looks like."""

    label: str  # shown in headings: "%", "£", "FTE" ...
    maximum: Decimal
    places: int  # decimal places allowed
    symbol: str = ""  # a symbol a bidder may type with the number ("£", "%")


GBP_RULE = UnitRule("£", Decimal(10) ** 12, 2, "£")

UNIT_RULES: dict[Unit, UnitRule] = {
    Unit.PERCENT: UnitRule("%", Decimal(100), 2, "%"),
    Unit.GBP: GBP_RULE,
    Unit.FTE: UnitRule("FTE", Decimal(100_000), 2),
    Unit.WEEKS: UnitRule("weeks", Decimal(1_000_000), 1),
    Unit.COUNT: UnitRule("number", Decimal(10_000_000), 0),
    Unit.TCO2E: UnitRule("tCO2e", Decimal(10_000_000), 3),
}

_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


class QuantityError(ValueError):
    """A cell value that is not a usable quantity; the message says what to type instead."""


def parse_quantity(value: object, rule: UnitRule) -> Decimal | None:
    """``value`` as a ``Decimal`` within ``rule``, ``None`` for an empty cell; raises ``QuantityError``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _to_decimal(value, rule)
    return _check_range(number, rule)


def _to_decimal(value: object, rule: UnitRule) -> Decimal:
    if isinstance(value, bool):
        raise QuantityError("enter a number, not TRUE/FALSE")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError("enter a number (this cell holds an infinite or undefined value)")
        return Decimal(str(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, datetime | date | time | timedelta):
        raise QuantityError("enter a number, not a date or time (check the cell's format)")
    if isinstance(value, str):
        return _parse_text(value, rule)
    raise QuantityError("enter a number")


def _parse_text(text: str, rule: UnitRule) -> Decimal:
    body = text.strip().replace("\u00a0", " ")
    if body.startswith(("-", "(", "\u2212")):
        raise QuantityError(f"{text.strip()!r} is negative; enter a number of 0 or more")
    for symbol in ("£", "%"):
        if symbol in body and symbol != rule.symbol:
            raise QuantityError(f"{text.strip()!r}: this cell is in {rule.label}, remove the {symbol!r}")
    if rule.symbol:
        body = body.removeprefix(rule.symbol).removesuffix(rule.symbol).strip()
    if _GROUPED.fullmatch(body):
        body = body.replace(",", "")
    if not _PLAIN.fullmatch(body):
        raise QuantityError(f"{text.strip()!r} is not a number; type digits only, for example 1200.50")
    try:
        return Decimal(body)
    except InvalidOperation as exc:  # unreachable after the pattern check; kept so no input can crash
        raise QuantityError(f"{text.strip()!r} is not a number") from exc


def _check_range(number: Decimal, rule: UnitRule) -> Decimal:
    if not number.is_finite():
        raise QuantityError("enter a number (this cell holds an infinite or undefined value)")
    if number < 0:
        raise QuantityError(f"{number} is negative; enter a number of 0 or more")
    if number > rule.maximum:
        raise QuantityError(f"{number} is more than the largest accepted, {format_quantity(rule.maximum, rule)}")
    if places(number) > rule.places:
        allowed = "whole numbers only" if rule.places == 0 else f"at most {rule.places} decimal places"
        raise QuantityError(f"{number} has {places(number)} decimal places; {allowed}")
    return number


def places(number: Decimal) -> int:
    """Decimal places ``number`` really has (trailing zeros do not count)."""
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def round_half_up(number: Decimal, digits: int) -> Decimal:
    """``number`` rounded for display, half away from zero (docs/scoring.md, "Numbers and rounding")."""
    return number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_quantity(number: Decimal, rule: UnitRule) -> str:
    """A quantity as a bidder reads it: ``£1,200.50``, ``15.0%``, ``2.5 FTE``."""
    if rule.symbol == "£":
        return f"£{round_half_up(number, 2):,}"
    if rule.symbol == "%":
        return f"{round_half_up(number, max(1, min(places(number), 2)))}%"
    shown = round_half_up(number, min(places(number), rule.places))
    return f"{shown:,} {rule.label}" if rule.label != "number" else f"{shown:,}"


def format_unit(number: Decimal, unit: Unit) -> str:
    """``format_quantity`` for a measure's unit."""
    return format_quantity(number, UNIT_RULES[unit])
