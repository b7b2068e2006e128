"""The dashboards: each contract's standing at a glance, and across contracts what was promised against what was
delivered, whose returns are late, and which partners leave spend unconfirmed. Pages, the API and the .xlsx exports
all read them here.

Everything is read through ``services.delivery`` (``build_many``: the same queries however many contracts) from the
contracts ``contract_access.visible_seats`` gives the actor, so the numbers are the ones the contract page shows:

- a contract's **latest overall rating** is that of its latest period with a return (Other before any return);
- the **VCSE share delivered** across a contract's reported periods is the spend confirmed by partners that count,
  summed over those periods, over the contract's spend summed over the same periods; **promised** is the target of
  its VCSE-share KPI (the winning bid's commitment, unless a variation on record changed it);
- **social value**: every other KPI made from a commitment of the bid, per reported period its target, delivered
  figure and the share of the target achieved;
- **late**: a return that came after its due date, or one due and missing (overdue);
- **partners most often unconfirmed**: the spend lines of the current returns that the partner has not confirmed
  (awaiting an answer, or refused), by identifier, with the count and £, most lines first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderscore.core.award import UK
from tenderscore.core.performance import Rating, delivered_share, percent_achieved
from tenderscore.core.register import Confirmation
from tenderscore.db.models import ContractKpi, Organisation, Role, User
from tenderscore.db.types import utcnow
from tenderscore.services.contract_access import visible_seats
from tenderscore.services.delivery import DeliveryView, KpiPeriod, PeriodView, build_many, delivery
from tenderscore.services.errors import Forbidden
from tenderscore.services.kpis import VCSE_SHARE

OVERSEERS = (Role.COMMISSIONER, Role.OFFICER)  # who may see the cross-contract overview (of the contracts they see)
UNCONFIRMED = (Confirmation.AWAITING, Confirmation.REFUSED)


@dataclass(frozen=True)
class ContractStatus:
    """One contract in the list: its latest overall rating, the periods late, and the next notice due."""

    view: DeliveryView
    supplier: str  # the supplier's organisation name

    @property
    def reported(self) -> list[PeriodView]:
        return [p for p in self.view.periods if p.current is not None]

    @property
    def latest(self) -> PeriodView | None:
        reported = self.reported
        return reported[-1] if reported else None

    @property
    def overall(self) -> Rating:
        latest = self.latest
        return latest.overall if latest is not None else Rating.OTHER

    @property
    def late(self) -> list[PeriodView]:
        """Periods whose return came late, or is due and missing."""
        return [p for p in self.view.periods if p.late]

    @property
    def overdue(self) -> list[PeriodView]:
        return [p for p in self.view.periods if p.overdue]


@dataclass(frozen=True)
class VcseDelivery:
    """A contract's VCSE share: promised, and delivered over its reported periods (£ summed, then divided)."""

    status: ContractStatus
    kpi: ContractKpi
    periods: int  # reported periods summed
    contract_spend: Decimal
    reported_gbp: Decimal  # all spend the supplier reported with partners
    confirmed_gbp: Decimal  # of which the partners confirmed
    counted_gbp: Decimal  # of which confirmed by partners that count under the tender's rule

    @property
    def promised(self) -> Decimal | None:
        return self.kpi.target_value

    @property
    def delivered(self) -> Decimal | None:
        return delivered_share(self.counted_gbp, self.contract_spend) if self.periods else None

    @property
    def reported(self) -> Decimal | None:
        return delivered_share(self.reported_gbp, self.contract_spend) if self.periods else None

    @property
    def unconfirmed_gbp(self) -> Decimal:
        return self.reported_gbp - self.confirmed_gbp

    @property
    def percent(self) -> Decimal | None:
        """The share of the promise delivered, 2 dp."""
        return percent_achieved(self.promised, self.delivered)


@dataclass(frozen=True)
class SocialValue:
    """One commitment KPI other than the VCSE share: per reported period, target against delivered."""

    status: ContractStatus
    kpi: ContractKpi
    periods: list[KpiPeriod]  # the reported periods, in order

    @property
    def met(self) -> int:
        """Reported periods in which the target was met in full."""
        return sum(1 for k in self.periods if k.percent is not None and k.percent >= 100)

    @property
    def measured(self) -> int:
        return sum(1 for k in self.periods if k.percent is not None)


@dataclass
class UnconfirmedPartner:
    identifier: str
    name: str
    awaiting: int = 0
    awaiting_gbp: Decimal = Decimal(0)
    refused: int = 0
    refused_gbp: Decimal = Decimal(0)
    contracts: list[str] = field(default_factory=list)  # tender references, in the order met

    @property
    def lines(self) -> int:
        return self.awaiting + self.refused

    @property
    def total_gbp(self) -> Decimal:
        return self.awaiting_gbp + self.refused_gbp


@dataclass(frozen=True)
class Oversight:
    contracts: list[ContractStatus]
    vcse: list[VcseDelivery]
    social_value: list[SocialValue]
    partners: list[UnconfirmedPartner]
    today: date

    @property
    def late(self) -> list[ContractStatus]:
        return [c for c in self.contracts if c.late]


def contract_statuses(session: Session, actor: User, *, now: datetime | None = None) -> list[ContractStatus]:
    """Every contract the actor sees (officer, commissioner, supplier), newest first, in a fixed number of queries."""
    seats = visible_seats(session, actor)
    return _statuses(session, build_many(session, [(s.contract, s.tender, s.seat) for s in seats], now=now))


def performance(session: Session, actor: User, contract_id: int, *, now: datetime | None = None) -> ContractStatus:
    """One contract as its performance page shows it, to anyone with a seat at it (a 404 for anyone else)."""
    return _statuses(session, [delivery(session, actor, contract_id, now=now)])[0]


def _statuses(session: Session, views: list[DeliveryView]) -> list[ContractStatus]:
    wanted = {v.contract.supplier_org_id for v in views}
    names = dict(session.exec(select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(wanted))).all()
                 ) if wanted else {}  # fmt: skip
    return [ContractStatus(v, names.get(v.contract.supplier_org_id, "")) for v in views]


def oversight(session: Session, actor: User, *, now: datetime | None = None) -> Oversight:
    """Across the contracts the actor oversees: the commissioner's (under their policies) or the buyer's officer's."""
    if actor.role not in OVERSEERS:
        raise Forbidden("Only a commissioner or the buyer's procurement officer sees the contracts' oversight")
    statuses = contract_statuses(session, actor, now=now)
    vcse, social = [], []
    for status in statuses:
        for kpi in status.view.kpis:
            if kpi.basis == VCSE_SHARE:
                vcse.append(_vcse(status, kpi))
            elif kpi.criterion_id:
                social.append(SocialValue(status, kpi, _reported(status, kpi)))
    today = (now or utcnow()).astimezone(UK).date()
    return Oversight(statuses, vcse, social, unconfirmed_partners(statuses), today)


def _reported(status: ContractStatus, kpi: ContractKpi) -> list[KpiPeriod]:
    return [k for p in status.reported for k in p.kpis if k.kpi.id == kpi.id]


def _vcse(status: ContractStatus, kpi: ContractKpi) -> VcseDelivery:
    reported = status.reported
    total = sum((p.contract_spend or Decimal(0) for p in reported), Decimal(0))
    return VcseDelivery(
        status, kpi, len(reported), total,
        sum((p.spend.total() for p in reported), Decimal(0)),
        sum((p.spend.total(confirmed=True) for p in reported), Decimal(0)),
        sum((p.spend.total(confirmed=True, counted=True) for p in reported), Decimal(0)),
    )  # fmt: skip


def unconfirmed_partners(statuses: Iterable[ContractStatus]) -> list[UnconfirmedPartner]:
    """The partners with spend lines not confirmed in the contracts' current returns: most lines first, then £."""
    found: dict[str, UnconfirmedPartner] = {}
    for status in statuses:
        reference = status.view.tender.reference
        for period in status.reported:
            for line in period.spend.lines:
                if line.confirmation not in UNCONFIRMED:
                    continue
                partner = found.setdefault(line.identifier, UnconfirmedPartner(line.identifier, line.name))
                if line.confirmation == Confirmation.AWAITING:
                    partner.awaiting += 1
                    partner.awaiting_gbp += line.amount
                else:
                    partner.refused += 1
                    partner.refused_gbp += line.amount
                if reference not in partner.contracts:
                    partner.contracts.append(reference)
    return sorted(found.values(), key=lambda p: (-p.lines, -p.total_gbp, p.identifier))


__all__ = [
    "OVERSEERS",
    "ContractStatus",
    "Oversight",
    "SocialValue",
    "UnconfirmedPartner",
    "VcseDelivery",
    "contract_statuses",
    "oversight",
    "performance",
    "unconfirmed_partners",
]
