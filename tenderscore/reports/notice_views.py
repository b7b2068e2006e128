"""View models of the award path's documents: the contract award notice (Procurement Act 2023, s.50), the
contract details notice (s.53) and the standstill letter to an unsuccessful bidder (s.51).

Like ``views.py``: frozen dataclasses of plain values, every date, sum and count already a string; text the buyer
or a bidder wrote stays exactly as written and is escaped by the templates, never marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from .views import DocumentMeta, TenderView


@dataclass(frozen=True)
class PartyView:
    """An organisation as a notice prints it."""

    name: str
    identifiers: tuple[str, ...]  # "Companies House 01234567", primary first
    sme: str  # "Yes", "No" or "Not stated"
    vcse: str


@dataclass(frozen=True)
class StandstillView:
    """The standstill period (s.51): when it began and ended, in the words a lawyer reads without doubt."""

    starts: str  # "1 December 2026": the day the contract award notice was published, the period's first day
    published: str  # "1 December 2026, 10:00am GMT": when the notice was published
    ends: str  # "midnight at the end of 11 December 2026"
    ends_date: str  # "11 December 2026": the standstill's last day
    entry_from: str  # "12 December 2026": the first day the contract may be entered into


@dataclass(frozen=True)
class WithdrawalView:
    at: str  # "3 December 2026, 9:15am GMT"
    reason: str


@dataclass(frozen=True)
class AwardNoticeView:
    """The contract award notice: who the buyer intends to award to, for how much, and the standstill."""

    meta: DocumentMeta
    tender: TenderView
    award_id: str
    status: str
    decided: str  # the award decision's date
    supplier: PartyView
    value: str  # exact, "£1,234,567.89"
    lot: str  # "1: Resettlement services"
    assessed: str  # "5"
    sme: str
    vcse: str
    summaries_sent: str
    standstill: StandstillView
    withdrawn: WithdrawalView | None
    chain_head: str  # "" when none was given


@dataclass(frozen=True)
class KpiView:
    title: str
    description: str
    target: str  # "15%", "£250,000", "within 10 working days"


@dataclass(frozen=True)
class CommitmentView:
    title: str
    promised: str  # exactly as the winning tender stated it: "15%", "£120,000", "3.5 FTE"


@dataclass(frozen=True)
class ContractNoticeView:
    """The contract details notice: the contract entered into, its KPIs (or why none) and its commitments."""

    meta: DocumentMeta
    tender: TenderView
    contract_id: str
    contract_title: str
    supplier: PartyView
    value: str
    award_value: str  # the awarded value when it differs from the contract's, else ""
    start: str
    end: str
    signed_on: str
    published: str
    kpis: tuple[KpiView, ...]
    no_kpis: str  # with no KPIs: the buyer's reason, or why none were required
    no_kpis_is_reason: bool  # True when ``no_kpis`` is the buyer's own words (printed as written)
    commitments: tuple[CommitmentView, ...]
    award_decided: str
    standstill: StandstillView
    chain_head: str


@dataclass(frozen=True)
class StandstillLetterView:
    """What one unsuccessful bidder is told when the standstill begins: the outcome, their result, where their
    assessment summary is, and when the standstill ends. No other bidder's scores but the winner's total."""

    meta: DocumentMeta
    tender: TenderView
    bidder: str
    date: str  # the letter's date
    supplier: str  # who the buyer intends to award the contract to
    compliant: bool
    total: str  # this bid's points out of 100, "" when excluded
    rank: str  # "2nd of 3 compliant tenders", "" when excluded
    exclusions: tuple[str, ...]
    winner_total: str
    summary_sent: str
    summary_where: str
    standstill: StandstillView


@dataclass(frozen=True)
class KpiResultView:
    """One KPI in one reporting period, as a contract performance notice prints it."""

    title: str
    first: bool  # the KPI's first period in the notice (its title is printed once, above its periods)
    period: str  # "Period 1"
    target: str  # "20%", "£25,000", "4.8 FTE"
    delivered: str  # "18%", or "Not reported"
    percent: str  # "90.00%" of the target; "" when there was nothing to compare
    computed: str  # the published rule's rating, in the Act's words
    rating: str  # the buyer's rating
    reason: str  # the buyer's reason where its rating differs from the rule's, else ""


@dataclass(frozen=True)
class PeriodRatingView:
    label: str  # "Period 1"
    dates: str  # "10 December 2026 to 9 March 2027"
    overall: str


@dataclass(frozen=True)
class ReturnView:
    """A period's return as the notice rated it: which version, when it came, whether late, VCSE spend."""

    label: str  # "Period 2"
    version: str  # "Version 2", or "No return"
    received: str  # "30 November 2026, 10:00", or ""
    late: bool
    vcse: str  # "£112,000 reported; £100,000 confirmed; £12,000 awaiting an answer", or ""


@dataclass(frozen=True)
class VariationView:
    when: str  # "3 December 2026"
    kpi: str
    change: str
    reason: str


@dataclass(frozen=True)
class PerformanceNoticeView:
    """A contract performance notice (s.71): each KPI's rating per reporting period, the overall rating, the rule."""

    meta: DocumentMeta
    tender: TenderView
    notice_id: str
    number: str  # "1"
    final: bool
    contract_id: str
    contract_title: str
    supplier: PartyView
    value: str
    start: str
    end: str
    covers: str  # "10 December 2026 to 9 December 2027"
    assessed_on: str
    published: str
    overall: str
    periods: tuple[PeriodRatingView, ...]
    results: tuple[KpiResultView, ...]
    judged: int  # how many ratings differ from the rule's
    rule: tuple[str, ...]
    chain_head: str
    returns: tuple[ReturnView, ...] = ()
    variations: tuple[VariationView, ...] = ()
    since: str = ""  # "since notice 1" / "since the contract details notice", for the variations' heading
    preview: bool = False  # "Preview - not published" on every page
