"""A KPI's figures in words, the one way every page, workbook and notice says them (docs/performance.md).

- ``figure(value, unit)``: a target or a delivered figure in its unit, to 2 decimal places at most: ``90%``,
  ``£25,000``, ``4.8 FTE``, ``121 people a year``, ``1 complaint`` / ``5 complaints``;
- ``target(value, unit, direction, text)``: the target with its direction where less is better: ``90%``,
  ``at most 5 complaints``; a target in words only is its words;
- ``achieved(target, delivered, direction)``: the share of the target achieved as people read it: ``90.91%``;
  ``beyond the target`` for an at-most KPI delivered below its ceiling; ``met`` for a target of nothing met.

Display only: ratings compare the exact fractions (``performance.rate``), never these words.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .numbers import money, plain, plural
from .performance import Direction, percent_achieved

_CENT = Decimal("0.01")
_SHORT = {"percent": "%", "%": "%", "fte": "FTE", "tco2e": "tCO2e", "count": "", "": ""}


def _rounded(value: Decimal) -> Decimal:
    """At most 2 decimal places (half-up): a delivered share of spend may not terminate."""
    return value if value == value.quantize(_CENT) else value.quantize(_CENT, rounding=ROUND_HALF_UP)


def figure(value: Decimal, unit: str) -> str:
    """``value`` in ``unit`` (a unit code or the contract's own words)."""
    shown = _rounded(value)
    code = unit.strip()
    if code.lower() in ("percent", "%"):
        return f"{plain(shown)}%"
    if code.lower() in ("gbp", "£", "pounds"):
        return money(shown)
    number = plain(shown, grouped=True)
    short = _SHORT.get(code.lower())
    if short is not None:
        return f"{number} {short}".strip()
    words = "week" if code.lower() == "weeks" else code
    if " " not in words and shown == shown.to_integral_value():
        singular = words[:-1] if words.endswith("s") and not words.endswith("ss") else words
        plural_form = words if words.endswith("s") else words + "s"
        counted = plural(int(shown), singular, plural_form)
        return number + counted[len(str(int(shown))) :]  # keep the grouped digits ("1,200 complaints")
    return f"{number} {words}"


def target(value: Decimal | None, unit: str, direction: str, text: str = "") -> str:
    """The target as the contract sets it: its figure in its unit, ``at most`` where less is better."""
    if value is None:
        return text.strip()
    shown = figure(value, unit)
    return f"at most {shown}" if direction == Direction.AT_MOST.value else shown


def achieved(target_value: Decimal | None, delivered: Decimal | None, direction: str) -> str:
    """The share of the target achieved, in words ("" when there is nothing to compare)."""
    if target_value is None or delivered is None:
        return ""
    if direction == Direction.AT_MOST.value:
        if target_value == 0 and delivered == 0:
            return "met"
        if delivered < target_value:
            return "beyond the target"
    elif target_value == 0:
        return "met"
    percent = percent_achieved(target_value, delivered, Direction(direction))
    return f"{percent}%"


__all__ = ["achieved", "figure", "target"]
