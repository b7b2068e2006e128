"""Lots: how many lots one bidder may win, and who wins each lot when a bidder tops more lots than that
(docs/lots.md). Pure: the caller passes each lot's ranked compliant bidders, as each lot's own evaluation ranked them.

The rule the buyer publishes with the tender is a cap (the most lots one bidder may be awarded; none: no limit) and
an order (which lots are settled first when the cap bites). Lots are settled one after another in that order; each
goes to the best-ranked bidder in it who has not yet reached the cap; a bidder passed over because of the cap is
named with the lots that used it up. Without a cap every lot goes to its own top-ranked bidder, as a tender alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class LotOrder(StrEnum):
    """Which lots are settled first when the cap bites: the lot a capped bidder keeps is the first in this order."""

    VALUE = "value"  # the lots of the highest estimated value first (a lot without a value last), then by number
    NUMBER = "number"  # lot 1, lot 2, ...

    @property
    def words(self) -> str:
        if self is LotOrder.VALUE:
            return "lots are settled from the highest estimated value down (then by lot number)"
        return "lots are settled in lot number order"


@dataclass(frozen=True)
class Ranked:
    """One compliant bidder in one lot's final ranking: ``rank`` 1 is the best; equal ranks are a tie the lot's own
    published tie-break did not settle."""

    bidder: str  # the same key for one bidder across lots (its organisation)
    rank: int


@dataclass(frozen=True)
class LotStanding:
    number: int
    value: Decimal | None  # the lot's estimated value, for LotOrder.VALUE
    ranked: tuple[Ranked, ...]  # compliant bidders, best first


@dataclass(frozen=True)
class CapRule:
    cap: int | None = None  # the most lots one bidder may win; None: no limit
    order: LotOrder = LotOrder.VALUE

    def __post_init__(self) -> None:
        if self.cap is not None and self.cap < 1:
            raise ValueError("a cap on lots won must be 1 or more")

    @property
    def words(self) -> str:
        if self.cap is None:
            return "There is no limit on the number of lots one bidder may win."
        lots = "lot" if self.cap == 1 else "lots"
        return (
            f"One bidder may win at most {self.cap} {lots}. Where a bidder ranks first in more lots than that, "
            f"{self.order.words}: each lot goes to the best-ranked bidder in it who has not yet reached the limit."
        )


@dataclass(frozen=True)
class LotOutcome:
    """Who a lot goes to under the rule, and who was passed over for it because of the cap."""

    number: int
    winner: str | None  # None: no compliant bidder left, or the best left are tied
    tied: tuple[str, ...]  # the bidders level at the top when no single one can be chosen
    passed_over: tuple[tuple[str, tuple[int, ...]], ...]  # (bidder, the lots that reached its cap), best first


def settling_order(standings: Sequence[LotStanding], order: LotOrder) -> list[LotStanding]:
    if order is LotOrder.NUMBER:
        return sorted(standings, key=lambda s: s.number)
    return sorted(standings, key=lambda s: (s.value is None, -(s.value or Decimal(0)), s.number))


def allocate(rule: CapRule, standings: Sequence[LotStanding]) -> dict[int, LotOutcome]:
    """Each lot's outcome under ``rule``, by lot number. Lot numbers are unique."""
    numbers = [s.number for s in standings]
    if len(set(numbers)) != len(numbers):
        raise ValueError("lot numbers must be unique")
    won: dict[str, list[int]] = {}
    outcomes: dict[int, LotOutcome] = {}
    for standing in settling_order(standings, rule.order):
        passed: list[tuple[str, tuple[int, ...]]] = []
        open_to = []
        for entry in standing.ranked:
            lots = won.get(entry.bidder, [])
            if rule.cap is not None and len(lots) >= rule.cap:
                passed.append((entry.bidder, tuple(lots)))
            else:
                open_to.append(entry)
        winner: str | None = None
        tied: tuple[str, ...] = ()
        if open_to:
            best = min(e.rank for e in open_to)
            level = tuple(e.bidder for e in open_to if e.rank == best)
            if len(level) == 1:
                winner = level[0]
                won.setdefault(winner, []).append(standing.number)
            else:
                tied = level
        # Only those ranked above the winner, or level with it, were passed over for this lot.
        if winner is not None:
            best = min(e.rank for e in open_to)
            ahead = {e.bidder for e in standing.ranked if e.rank <= best}
            passed = [p for p in passed if p[0] in ahead]
        outcomes[standing.number] = LotOutcome(standing.number, winner, tied, tuple(passed))
    return {n: outcomes[n] for n in sorted(outcomes)}
