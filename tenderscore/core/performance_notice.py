"""A contract performance notice (Procurement Act 2023, s.71) as published: frozen facts, no database, no clock.

The notice reports each KPI's rating for every reporting period since the last notice (``KpiResult``: the target,
what was delivered, the rule's rating and the officer's, with the officer's reason where they differ) and an
overall rating: the lowest of them, ``Other`` aside (``core.performance.overall``). The PDF (``reports``) and the
OCDS ``implementation`` release (``ocds``) are both built from these facts, so they cannot say different things.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tenderscore.core.award import ContractNotice
from tenderscore.core.performance import Direction, Period, Rating, RatingRule, overall


@dataclass(frozen=True)
class KpiResult:
    """One KPI in one reporting period, as the notice reports it."""

    kpi_id: str  # "kpi-12", the id the contract details notice published it under
    title: str
    unit: str  # the KPI's unit code ("percent", "gbp", "fte", ...) or the contract's own word
    target: Decimal | None  # None: a target in words only (``target_text``)
    target_text: str  # "20%", "£25,000", "4.8 FTE"
    direction: Direction
    period: Period
    delivered: Decimal | None  # None: nothing reported to rate on
    percent: Decimal | None  # of the target achieved, 2 dp, for display only
    computed: Rating  # what the published rule gives
    rating: Rating  # the officer's (the same, or differing with ``reason``)
    reason: str

    @property
    def judged(self) -> bool:
        return self.rating != self.computed


@dataclass(frozen=True)
class ReturnFacts:
    """A reporting period's return as the notice rated it, and its VCSE spend by the partners' answers (£)."""

    period: Period
    version: int | None  # the version rated; None: no return came
    received_at: datetime | None  # when that version arrived
    late: bool  # the period's first return came after its due date, or none came by then
    vcse_reported: Decimal = Decimal(0)  # spend the supplier reported with VCSE partners
    vcse_counted: Decimal = Decimal(0)  # confirmed by partners that count under the tender's rule: delivered
    vcse_uncounted: Decimal = Decimal(0)  # confirmed by partners that do not count
    vcse_awaiting: Decimal = Decimal(0)  # not yet answered
    vcse_disputed: Decimal = Decimal(0)  # disputed by the partner


@dataclass(frozen=True)
class VariationFacts:
    """A change to the contract's KPIs since the last notice (a variation, with its reason)."""

    varied_on: date
    kpi: str  # the KPI's title
    change: str  # "Added, target 90%", "Target 90% to 85%", "Withdrawn"
    reason: str


@dataclass(frozen=True)
class PerformanceNoticeFacts:
    contract: ContractNotice
    notice_id: str  # the id of its OCDS implementation release ("<ocid>-implementation-<n>")
    number: int
    periods: tuple[Period, ...]  # the reporting periods it covers, in order
    assessed_on: date  # the last day of the last of them
    final: bool  # the notice at the end of the contract
    results: tuple[KpiResult, ...]  # KPI by KPI, each period in order
    rule: RatingRule
    published_at: datetime
    returns: tuple[ReturnFacts, ...] = ()  # a period's return as rated, in period order
    variations: tuple[VariationFacts, ...] = ()  # KPI variations and withdrawals since the last notice
    preview: bool = False  # shown to the officer before publishing: not published, not stored

    @property
    def overall(self) -> Rating:
        return overall(r.rating for r in self.results)


__all__ = ["KpiResult", "PerformanceNoticeFacts", "ReturnFacts", "VariationFacts"]
