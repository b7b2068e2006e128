"""A contract in delivery as every door shows it: periods, returns, what was delivered per KPI, and its ratings.

The one home of these reads (pages, API, the performance notice, dashboards and exports all use ``delivery``):

- the **current return** of a period is its newest version; a period is **late** when its first version came after
  the due date, or when none has come and the due date has passed;
- a KPI's **delivered** figure for a period is what the current return reports; for the VCSE share it is the spend
  with partners that **confirmed** their figure and that **count** under the tender's rule (the register's standing
  on the period's last day, ``core.register.Counting``), over the contract's spend in the period. Spend reported but
  not confirmed is shown beside it, never counted;
- the **computed** rating is the published rule's (``core.performance.rate``); the **recorded** rating is the
  officer's newest for that KPI and period, which says the same or differs with a reason. A period's overall rating
  is the lowest of its KPIs' (``core.performance.overall``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderscore.core.award import UK
from tenderscore.core.orgid import OrgIdError, parse_orgid
from tenderscore.core.performance import (
    Direction,
    NoticeDue,
    Period,
    Rating,
    RatingRule,
    delivered_share,
    next_notice,
    overall,
    percent_achieved,
    periods,
    rate,
)
from tenderscore.core.register import Confirmation, Counting
from tenderscore.db.models import (
    Contract,
    ContractKpi,
    DeliveryReturn,
    KpiRating,
    KpiVariation,
    PerformanceNotice,
    ReturnFigure,
    ReturnSpend,
    Tender,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import register
from tenderscore.services.contract_access import Seat, contract_seat
from tenderscore.services.errors import NotFound
from tenderscore.services.kpis import VCSE_SHARE, as_at, kpis_by_contract, rule_of, variations_by_contract
from tenderscore.services.tenders import rubric_of


def current_returns(session: Session, contract_ids: Iterable[int]) -> dict[tuple[int, int], DeliveryReturn]:
    """The newest version of each period's return, by (contract id, period), in one query."""
    wanted = list(contract_ids)
    if not wanted:
        return {}
    rows = session.exec(
        select(DeliveryReturn)
        .where(col(DeliveryReturn.contract_id).in_(wanted))
        .order_by(col(DeliveryReturn.version))
    ).all()
    return {(r.contract_id, r.period): r for r in rows}  # later versions overwrite earlier in the dict


def first_versions(session: Session, contract_ids: Iterable[int]) -> dict[tuple[int, int], DeliveryReturn]:
    wanted = list(contract_ids)
    if not wanted:
        return {}
    rows = session.exec(
        select(DeliveryReturn).where(col(DeliveryReturn.contract_id).in_(wanted), DeliveryReturn.version == 1)
    ).all()
    return {(r.contract_id, r.period): r for r in rows}


def figures_of(session: Session, return_ids: Iterable[int]) -> dict[int, dict[int, ReturnFigure]]:
    """Each return's figures by KPI id."""
    wanted = list(return_ids)
    found: dict[int, dict[int, ReturnFigure]] = defaultdict(dict)
    if wanted:
        for row in session.exec(select(ReturnFigure).where(col(ReturnFigure.return_id).in_(wanted))).all():
            found[row.return_id][row.kpi_id] = row
    return found


def spend_of(session: Session, return_ids: Iterable[int]) -> dict[int, list[ReturnSpend]]:
    """Each return's partner spend lines, in line order."""
    wanted = list(return_ids)
    found: dict[int, list[ReturnSpend]] = defaultdict(list)
    if wanted:
        query = select(ReturnSpend).where(col(ReturnSpend.return_id).in_(wanted)).order_by(col(ReturnSpend.line))
        for row in session.exec(query).all():
            found[row.return_id].append(row)
    return found


def latest_ratings(session: Session, contract_ids: Iterable[int]) -> dict[tuple[int, int], KpiRating]:
    """The newest recorded rating of each (KPI id, period)."""
    wanted = list(contract_ids)
    if not wanted:
        return {}
    rows = session.exec(
        select(KpiRating).where(col(KpiRating.contract_id).in_(wanted)).order_by(col(KpiRating.id))
    ).all()
    return {(r.kpi_id, r.period): r for r in rows}


def notices_of(session: Session, contract_ids: Iterable[int]) -> dict[int, list[PerformanceNotice]]:
    wanted = list(contract_ids)
    found: dict[int, list[PerformanceNotice]] = defaultdict(list)
    if wanted:
        query = (
            select(PerformanceNotice)
            .where(col(PerformanceNotice.contract_id).in_(wanted))
            .order_by(col(PerformanceNotice.number))
        )
        for row in session.exec(query).all():
            found[row.contract_id].append(row)
    return found


@dataclass(frozen=True)
class Spend:
    """A period's VCSE spend: reported, confirmed by the partners, and confirmed by partners that count."""

    lines: list[ReturnSpend]
    counting: dict[str, bool]  # identifier -> the partner counts under the tender's rule on the period's last day

    def total(self, *, confirmed: bool = False, counted: bool = False) -> Decimal:
        return sum(
            (
                line.amount
                for line in self.lines
                if (not confirmed or line.confirmation == Confirmation.CONFIRMED)
                and (not counted or self.counting.get(line.identifier, False))
            ),
            Decimal(0),
        )

    def with_answer(self, answer: Confirmation) -> list[ReturnSpend]:
        return [line for line in self.lines if line.confirmation == answer]


@dataclass(frozen=True)
class KpiPeriod:
    kpi: ContractKpi
    period: Period
    reported: Decimal | None  # the figure in the return (for the VCSE share: all spend reported, as a share)
    delivered: Decimal | None  # what is rated (for the VCSE share: confirmed spend of partners that count)
    comment: str
    computed: Rating
    percent: Decimal | None  # of the target achieved, 2 dp, for display
    recorded: KpiRating | None
    published: int | None = None  # the performance notice that reported the period: its ratings stand as published

    @property
    def rating(self) -> Rating:
        return Rating(self.recorded.rating) if self.recorded is not None else self.computed

    @property
    def judged(self) -> bool:
        """The officer's rating differs from the rule's (its reason is on record)."""
        return self.recorded is not None and self.recorded.rating != self.recorded.computed

    @property
    def stale(self) -> bool:
        """Rated on an earlier version of the return, or before a partner answered: the rule now says otherwise (never
        for a period a published notice reported: what was published stands)."""
        return self.published is None and self.recorded is not None and Rating(self.recorded.computed) != self.computed


@dataclass(frozen=True)
class PeriodView:
    period: Period
    current: DeliveryReturn | None
    late: bool
    overdue: bool  # no return yet and the due date has passed
    kpis: list[KpiPeriod]
    spend: Spend
    contract_spend: Decimal | None
    notice: int | None = None  # the number of the published performance notice that reported this period

    def kpi(self, kpi_id: int | None) -> KpiPeriod | None:
        """The KPI's line for this period; None when the KPI was not in force then (added later, withdrawn before)."""
        return next((k for k in self.kpis if k.kpi.id == kpi_id), None)

    @property
    def overall(self) -> Rating:
        # With no return the rule has nothing to rate on, unless the officer rated the period (with reasons).
        return overall(k.rating for k in self.kpis) if self.current is not None or self.rated else Rating.OTHER

    @property
    def rated(self) -> bool:
        return bool(self.kpis) and all(k.recorded is not None for k in self.kpis)


@dataclass(frozen=True)
class DeliveryView:
    contract: Contract
    tender: Tender
    seat: Seat
    rule: RatingRule
    kpis: list[ContractKpi]  # in force now (each period holds those in force on its last day)
    periods: list[PeriodView]
    notices: list[PerformanceNotice]
    next_notice: NoticeDue | None
    today: date
    counting: Counting = field(default=Counting.LISTED)
    all_kpis: list[ContractKpi] = field(default_factory=list)  # withdrawn ones included

    @property
    def notice_overdue(self) -> bool:
        return self.next_notice is not None and self.next_notice.overdue(self.today)

    def period(self, number: int) -> PeriodView:
        for view in self.periods:
            if view.period.number == number:
                return view
        raise NotFound(f"The contract has no reporting period {number}")

    @property
    def due(self) -> list[PeriodView]:
        """Periods that have ended (a return is due or came)."""
        return [p for p in self.periods if p.period.ends_on < self.today or p.current is not None]

    @property
    def reported_kpis(self) -> list[ContractKpi]:
        """Every KPI in force now or in a period that has ended, in order: the dashboards' rows. One withdrawn
        since is the contract's own row (``withdrawn_at`` set), so a page can say so."""
        wanted = {k.id for k in self.kpis} | {k.kpi.id for p in self.due for k in p.kpis}
        return [k for k in self.all_kpis if k.id in wanted]


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK).astimezone(UTC)


def _standings(session: Session, tenders: Iterable[Tender], lines: Iterable[ReturnSpend]
               ) -> register.StandingBook | None:  # fmt: skip
    """One read of the register for every partner named in ``lines`` (none when every tender counts all listed)."""
    if all(Counting(rubric_of(t).vcse_counting) is Counting.LISTED for t in tenders):
        return None
    parsed = []
    for line in lines:
        try:
            parsed.append(parse_orgid(line.identifier))
        except OrgIdError:
            continue
    return register.standing_book(session, parsed)


def _counting(book: register.StandingBook | None, lines: list[ReturnSpend], counting: Counting, at: datetime
              ) -> dict[str, bool]:  # fmt: skip
    if counting is Counting.LISTED or book is None:
        return {line.identifier: counting is Counting.LISTED for line in lines}
    found = {}
    for line in lines:
        try:
            orgid = parse_orgid(line.identifier)
        except OrgIdError:
            continue
        found[line.identifier] = counting.counts(book.at(orgid, at).standing)
    return found


def _kpi_period(kpi: ContractKpi, period: Period, rule: RatingRule, current: DeliveryReturn | None,
                figure: ReturnFigure | None, spend: Spend, recorded: KpiRating | None,
                notice: int | None) -> KpiPeriod:  # fmt: skip
    direction = Direction(kpi.direction)
    if current is None:
        reported = delivered = None
    elif kpi.basis == VCSE_SHARE:
        reported = delivered_share(spend.total(), current.contract_spend)
        delivered = delivered_share(spend.total(confirmed=True, counted=True), current.contract_spend)
    else:
        reported = delivered = figure.value if figure is not None else None
    computed = rate(rule, kpi.target_value, delivered, direction)
    if notice is not None and recorded is not None:  # as published: what was rated, and the rule's rating then
        delivered, computed = recorded.delivered, Rating(recorded.computed)
    return KpiPeriod(kpi, period, reported, delivered, figure.comment if figure else "", computed,
                     percent_achieved(kpi.target_value, delivered, direction), recorded, notice)  # fmt: skip


def delivery(session: Session, actor: User, contract_id: int, *, now: datetime | None = None) -> DeliveryView:
    """The contract in delivery as ``actor`` may see it (a 404 for anyone without a seat at it)."""
    seated = contract_seat(session, actor, contract_id)
    return build(session, seated.contract, seated.tender, seated.seat, now=now)


def build(session: Session, contract: Contract, tender: Tender, seat: Seat, *, now: datetime | None = None
          ) -> DeliveryView:  # fmt: skip
    return build_many(session, [(contract, tender, seat)], now=now)[0]


def build_many(session: Session, seated: Sequence[tuple[Contract, Tender, Seat]], *, now: datetime | None = None
               ) -> list[DeliveryView]:  # fmt: skip
    """Each contract in delivery, in the order given, read in the same number of queries however many there are
    (the dashboards' cross-contract views; ``build`` is this for one)."""
    today = (now or utcnow()).astimezone(UK).date()
    cids = [id_of(contract) for contract, _, _ in seated]
    all_kpis = kpis_by_contract(session, cids, withdrawn=True)
    varied = variations_by_contract(session, cids)
    currents = current_returns(session, cids)
    firsts = first_versions(session, cids)
    return_ids = [r.id for r in currents.values() if r.id is not None]
    figures = figures_of(session, return_ids)
    spends = spend_of(session, return_ids)
    ratings = latest_ratings(session, cids)
    all_notices = notices_of(session, cids)
    book = _standings(session, (t for _, t, _ in seated), (line for lines in spends.values() for line in lines))
    return [
        _view(contract, tender, seat, all_kpis.get(id_of(contract), []), varied.get(id_of(contract), []), currents,
              firsts, figures, spends, ratings, all_notices.get(id_of(contract), []), book, today)
        for contract, tender, seat in seated
    ]  # fmt: skip


def _view(contract: Contract, tender: Tender, seat: Seat, kpis: list[ContractKpi], varied: list[KpiVariation],
          currents: dict[tuple[int, int], DeliveryReturn], firsts: dict[tuple[int, int], DeliveryReturn],
          figures: dict[int, dict[int, ReturnFigure]], spends: dict[int, list[ReturnSpend]],
          ratings: dict[tuple[int, int], KpiRating], notices: list[PerformanceNotice],
          book: register.StandingBook | None, today: date) -> DeliveryView:  # fmt: skip
    cid = id_of(contract)
    rule = rule_of(contract)
    counting = Counting(rubric_of(tender).vcse_counting)
    views = []
    for period in periods(contract.starts_on, contract.ends_on, contract.return_months):
        current = currents.get((cid, period.number))
        first = firsts.get((cid, period.number))
        lines = spends.get(current.id, []) if current and current.id else []
        spend = Spend(lines, _counting(book, lines, counting, _day_end(period.ends_on)))
        rows = figures.get(current.id, {}) if current and current.id else {}
        notice = next((n.number for n in notices if n.first_period <= period.number <= n.last_period), None)
        kpi_views = [
            _kpi_period(k, period, rule, current, rows.get(k.id or 0), spend, ratings.get((k.id or 0, period.number)),
                        notice)
            for k in as_at(kpis, varied, _day_end(period.ends_on))
        ]  # fmt: skip
        overdue = current is None and today > period.due_on
        views.append(PeriodView(period, current, bool(first and first.late) or overdue, overdue, kpi_views, spend,
                                current.contract_spend if current else None, notice))  # fmt: skip
    in_force = [k for k in kpis if k.withdrawn_at is None]
    return DeliveryView(contract, tender, seat, rule, in_force, views, notices, notice_due(contract, notices), today,
                        counting, kpis)  # fmt: skip


def kpis_in_period(session: Session, contract_id: int, period: Period) -> list[ContractKpi]:
    """The KPIs in force on the period's last day, with the terms they had then (what its return reports)."""
    kpis = kpis_by_contract(session, [contract_id], withdrawn=True).get(contract_id, [])
    return as_at(kpis, variations_by_contract(session, [contract_id]).get(contract_id, []), _day_end(period.ends_on))


def published_in(session: Session, contract_id: int, number: int) -> PerformanceNotice | None:
    """The published performance notice that reported period ``number``, if one did: the period then stands as
    published (no new version of its return, no new answer from a partner, no new rating)."""
    return next((n for n in notices_of(session, [contract_id]).get(contract_id, [])
                 if n.first_period <= number <= n.last_period), None)  # fmt: skip


def notice_due(contract: Contract, notices: list[PerformanceNotice]) -> NoticeDue | None:
    """When the contract's next performance notice is due, given the notices published (oldest first)."""
    last = notices[-1] if notices else None
    return next_notice(contract.starts_on, contract.ends_on, last.assessed_on if last else None,
                       any(n.final for n in notices))  # fmt: skip


__all__ = [
    "DeliveryView",
    "KpiPeriod",
    "PeriodView",
    "Spend",
    "build",
    "build_many",
    "current_returns",
    "delivery",
    "figures_of",
    "first_versions",
    "kpis_in_period",
    "latest_ratings",
    "notice_due",
    "notices_of",
    "published_in",
    "spend_of",
]
