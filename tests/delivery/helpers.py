"""The demo's contract in delivery, and delivery returns written straight into the record.

``report`` is the one place tests make a return: it writes ``DeliveryReturn``/``ReturnFigure``/``ReturnSpend`` rows
as the returns service would (a new version beside the old, never overwritten), so it can be swapped for
``services/delivery_returns`` once that lands without touching the tests that use it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, col, func, select

from tenderscore.core.performance import periods
from tenderscore.db.models import (
    Contract,
    ContractKpi,
    DeliveryReturn,
    IssuedDocument,
    KpiRating,
    OcdsRelease,
    PerformanceNotice,
    ReturnFigure,
    ReturnSpend,
    Role,
    Tender,
    User,
    id_of,
)

DEMO_CONTRACT = "NWPR-2026-003"  # the demo's tender under contract: quarterly returns, its details notice published
CONFIRMED_PARTNER = ("GB-CHC-1290417", "Aldergate Housing Trust")  # verified in the demo's register
OTHER_PARTNER = ("GB-CHC-1291022", "Second partner")


def user(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def officer(session: Session) -> User:
    return user(session, "officer@demo.tenderscore.test")


def demo_contract(session: Session) -> Contract:
    """The demo's contract in delivery (fixtures ``clear`` the demo's own returns and ratings on it first)."""
    tender = session.exec(select(Tender).where(Tender.reference == DEMO_CONTRACT)).one()
    return session.exec(select(Contract).where(Contract.tender_id == tender.id)).one()


def clear(session: Session, contract: Contract) -> None:
    """Nothing reported, rated or noticed on ``contract``: a test's worked example starts from its own returns only
    (the demo's performance notice goes too; its issued PDF and OCDS release stay, as they would)."""
    returns = session.exec(select(DeliveryReturn).where(DeliveryReturn.contract_id == contract.id)).all()
    ids = [id_of(r) for r in returns]
    for model in (ReturnSpend, ReturnFigure):
        for row in session.exec(select(model).where(col(model.return_id).in_(ids))).all():
            session.delete(row)
    for rating in session.exec(select(KpiRating).where(KpiRating.contract_id == contract.id)).all():
        session.delete(rating)
    for notice in session.exec(select(PerformanceNotice).where(PerformanceNotice.contract_id == contract.id)).all():
        session.delete(notice)
        session.flush()
        for release in session.exec(select(OcdsRelease).where(OcdsRelease.release_id == notice.release_id)).all():
            session.delete(release)
        document = session.get(IssuedDocument, notice.document_id) if notice.document_id else None
        if document is not None:
            session.delete(document)
    session.flush()
    for row in returns:
        session.delete(row)
    session.flush()


def supplier(session: Session, contract: Contract) -> User:
    return session.exec(
        select(User).where(User.organisation_id == contract.supplier_org_id, User.role == Role.BIDDER)
    ).first()  # type: ignore[return-value]


def kpis(session: Session, contract: Contract) -> dict[str, ContractKpi]:
    """The contract's KPIs by a short name: hours, placements, starts, vcse, jobs, ni143, ni144."""
    rows = session.exec(
        select(ContractKpi).where(ContractKpi.contract_id == contract.id).order_by(col(ContractKpi.position))
    ).all()
    return dict(zip(("hours", "placements", "starts", "vcse", "jobs", "ni143", "ni144"), rows, strict=True))


def period_end(contract: Contract, number: int) -> date:
    return periods(contract.starts_on, contract.ends_on, contract.return_months)[number - 1].ends_on


def after_period(contract: Contract, number: int, days: int = 10) -> datetime:
    """Noon UTC ``days`` after the period's last day."""
    return datetime.combine(period_end(contract, number) + timedelta(days=days), time(12), tzinfo=UTC)


def report(
    session: Session,
    contract: Contract,
    period: int,
    *,
    figures: Mapping[int, Decimal | None],
    contract_spend: Decimal = Decimal(100000),
    spend: Sequence[tuple[str, str, Decimal, str]] = (),
    submitted_at: datetime | None = None,
) -> DeliveryReturn:
    """A new version of the period's return: figures by KPI id, and spend lines (identifier, name, £, answer)."""
    by = supplier(session, contract)
    version = session.exec(
        select(func.count()).select_from(DeliveryReturn).where(
            DeliveryReturn.contract_id == contract.id, DeliveryReturn.period == period)
    ).one() + 1  # fmt: skip
    when = submitted_at or after_period(contract, period, days=5)
    row = DeliveryReturn(
        contract_id=id_of(contract), period=period, version=version, contract_spend=contract_spend, source="api",
        late=when.date() > period_end(contract, period) + timedelta(days=30), submitted_by_id=id_of(by),
        submitted_at=when, sha256=hashlib.sha256(f"{contract.id}-{period}-{version}".encode()).hexdigest(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    for kpi_id, value in figures.items():
        session.add(ReturnFigure(return_id=id_of(row), kpi_id=kpi_id, value=value,
                                 comment="" if value is not None else "Not measured this period"))  # fmt: skip
    for line, (identifier, name, amount, answer) in enumerate(spend, start=1):
        session.add(ReturnSpend(
            return_id=id_of(row), line=line, identifier=identifier, name=name, amount=amount, confirmation=answer,
            answer_reason="Not what we were paid" if answer == "refused" else "",
            answered_at=when if answer != "awaiting" else None,
        ))  # fmt: skip
    session.flush()
    return row


def on_target_figures(named: Mapping[str, ContractKpi]) -> dict[int, Decimal | None]:
    """Every figure KPI exactly on its target (the VCSE share comes from spend)."""
    return {id_of(k): k.target_value for name, k in named.items() if name != "vcse"}
