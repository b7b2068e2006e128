"""The path from award decision to contract (Procurement Act 2023, ss.50-53): its rules and its published facts.

The rules are pure: the standstill's end over working days (given the bank holidays of the buyer's nation), and
the KPI requirement of a contract details notice. The facts are what the service layer tells the OCDS builders
(``tenderscore.ocds``) and the notice documents (``tenderscore.reports``): plain frozen values filled from the
database. Nothing here knows about the database or the web; nothing personal about evaluators or officers is ever
part of these facts (publication is about organisations, decisions and dates). Money is ``Decimal`` (pounds, GBP);
datetimes are time-zone aware (UTC from the database); dates of a contract's period are plain ``date``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
STANDSTILL_WORKING_DAYS = 8  # s.51(2)
CONTRACT_NOTICE_DAYS = 30  # s.53: a contract details notice within 30 days of entering into the contract
KPI_VALUE_THRESHOLD = Decimal("5000000")  # s.52: at least three KPIs above £5m
MINIMUM_KPIS = 3


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_days_from(first: date, count: int, holidays: Collection[date]) -> date:
    """The last of ``count`` working days beginning with ``first`` (``first`` counts when it is a working day)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day, found = first, 0
    while True:
        if is_working_day(day, holidays):
            found += 1
            if found == count:
                return day
        day += timedelta(days=1)


def standstill_end(published_at: datetime, holidays: Collection[date]) -> datetime:
    """When the mandatory standstill ends: midnight (UK time) at the end of the eighth working day beginning with
    the day the contract award notice was published. The contract may be entered into from then on."""
    first = published_at.astimezone(UK).date()
    last = working_days_from(first, STANDSTILL_WORKING_DAYS, holidays)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=UK)


def last_day(ends: datetime) -> date:
    """The last day of a period that ends at ``ends`` (midnight UK time at the start of the next day)."""
    return (ends.astimezone(UK) - timedelta(seconds=1)).date()


def ends_in_words(ends: datetime) -> str:
    """ "midnight at the end of 11 December 2026": never "midnight on 12 December", which readers take both ways."""
    day = last_day(ends)
    return f"midnight at the end of {day.day} {day:%B %Y}"


def working_days_left(now: datetime, ends: datetime, holidays: Collection[date]) -> int:
    """Working days of the standstill still to run at ``now``, today included when it is one (0 once ended)."""
    if now >= ends:
        return 0
    day, last = now.astimezone(UK).date(), last_day(ends)
    left = 0
    while day <= last:
        left += is_working_day(day, holidays)
        day += timedelta(days=1)
    return left


def kpi_problem(value: Decimal, kpis: int, no_kpis_reason: str) -> str | None:
    """What is wrong with a contract's KPIs under s.52, or None: above £5m, at least three KPIs, or (with none) the
    reason performance cannot appropriately be assessed by KPIs."""
    if kpis == 0 and no_kpis_reason.strip():
        return None
    if value > KPI_VALUE_THRESHOLD and kpis < MINIMUM_KPIS:
        if kpis == 0:
            return (
                "A contract worth more than £5,000,000 needs at least 3 KPIs, or the reason its performance cannot "
                "be assessed by KPIs"
            )
        return f"A contract worth more than £5,000,000 needs at least 3 KPIs; this one has {kpis}"
    return None  # at or below £5m KPIs are the buyer's choice


@dataclass(frozen=True)
class OrgIdentifier:
    """One identifier of an organisation in the org-id.guide scheme, e.g. ``OrgIdentifier("GB-COH", "01234567")``."""

    scheme: str
    id: str


@dataclass(frozen=True)
class Party:
    """An organisation as it is published: its identifiers (the first is the primary one) and what it is."""

    key: str  # the party id in releases: "<scheme>-<id>" of the primary identifier, else "tenderscore-org-<db id>"
    name: str
    identifiers: tuple[OrgIdentifier, ...] = ()
    vcse: bool | None = None
    sme: bool | None = None  # None: the organisation has not said


@dataclass(frozen=True)
class AwardCriterion:
    """One weighted criterion of a lot's award criteria, as the frozen rubric published it."""

    id: str
    name: str
    kind: str  # "price", "quality" or "social value" (the rubric's section category)
    weight: Decimal  # percentage points of 100
    description: str = ""


@dataclass(frozen=True)
class Lot:
    """One lot, ``id`` its number ("1" for a tender not divided into lots: docs/lots.md)."""

    id: str
    title: str
    value: Decimal | None
    criteria: tuple[AwardCriterion, ...]


@dataclass(frozen=True)
class TenderNotice:
    """A published tender (tag ``tender``; ``tenderUpdate`` when its deadline changed after publication)."""

    ocid: str
    reference: str
    title: str
    description: str
    buyer: Party
    value: Decimal | None
    published_at: datetime
    deadline: datetime
    lots: tuple[Lot, ...]


@dataclass(frozen=True)
class BidStatistics:
    """Counts of the bids assessed in the final stage (the evaluation the award decided on)."""

    final_stage: int
    sme_final_stage: int
    vcse_final_stage: int
    counted_at: datetime  # when the bids were opened


@dataclass(frozen=True)
class AwardNotice:
    """The contract award notice (tag ``award``) and its later changes (``awardUpdate``: withdrawn)."""

    tender: TenderNotice
    award_id: str  # stable: "<ocid>-award-<award db id>"
    status: str  # "pending" in standstill, "active" once the contract is entered into, "cancelled" when withdrawn
    decided_at: datetime  # the award decision
    supplier: Party
    tenderers: tuple[Party, ...]  # every bidder assessed in the final stage, the supplier included
    value: Decimal  # the winning bid's price
    assessment_summaries_sent_at: datetime
    standstill_start: datetime  # when the notice was published
    standstill_end: datetime  # midnight after the eighth working day, UK time
    statistics: BidStatistics
    related_lot: str = "1"
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None


@dataclass(frozen=True)
class Kpi:
    """A key performance indicator agreed in the contract (published as an agreed metric)."""

    id: str  # stable: "kpi-<db id>"
    title: str
    description: str
    target: str  # the target as the contract states it, e.g. "15" with unit "percent", or a sentence
    unit: str = ""
    target_value: Decimal | None = None  # the target as a number, when it is one (published as a number)


@dataclass(frozen=True)
class Commitment:
    """A social-value or VCSE commitment of the winning bid, carried into the contract as it was promised."""

    criterion_id: str
    title: str  # the rubric's words, e.g. "VCSE share of the contract price"
    value: Decimal  # the bid's figure, exactly as stated
    unit: str  # the rubric measure's unit: "percent", "count", "gbp", ...


@dataclass(frozen=True)
class StandstillLetter:
    """What one unsuccessful bidder is told when the standstill starts; their assessment summary says why."""

    award: AwardNotice
    bidder: str
    compliant: bool
    rank: int | None  # among compliant bids; None when excluded
    total: str | None  # points out of 100 as every page shows them ("71.25"); None when excluded
    winner_total: str
    exclusions: tuple[str, ...]  # why the bid was excluded, when it was
    summary_sent_at: datetime
    summary_where: str  # where the bidder finds their summary, e.g. "on the tender's page in tenderscore (/tenders/3)"


@dataclass(frozen=True)
class ContractNotice:
    """The contract details notice (tag ``contract``)."""

    award: AwardNotice
    contract_id: str  # stable: "<ocid>-contract-<contract db id>"
    title: str
    value: Decimal
    start: date
    end: date
    signed_on: date  # the date the contract was entered into
    published_at: datetime  # when the contract details notice was published
    kpis: tuple[Kpi, ...] = ()
    no_kpis_reason: str | None = None  # when there are no KPIs: why (required above £5m without KPIs)
    commitments: tuple[Commitment, ...] = ()
