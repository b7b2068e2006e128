"""The demo's contract in delivery (NWPR-2026-003, quarterly returns since it started seven months ago): two periods
reported through the returns service, the second late and corrected by a second version; Aldergate Housing Trust
(the partner with a demo account) confirms its spend, the partners without accounts leave theirs unconfirmed; both
periods rated, employment at the end of the order (NI 144) short of its target, once by the officer's own judgement
with a reason; and the first contract performance notice published."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from tenderscore.core.performance import periods
from tenderscore.db.models import Contract, ContractKpi, Tender, User, id_of
from tenderscore.services import delivery_returns, kpis, performance_notices, ratings
from tenderscore.services.delivery_returns import ReturnEntry

ALDERGATE = ("GB-CHC-1290417", "Aldergate Housing Trust")  # verified, with the demo partner account
WAYFARER = ("GB-CHC-1294410", "Wayfarer Mentoring Project")  # verified, named in the winning bid; no account
KESTREL = ("GB-CHC-1290311", "Kestrel Recovery Network")  # verified, named in the winning bid; no account

# Each period's figures by the start of the KPI's title: on or above target but for NI 144 (36% promised).
FIGURES = (
    {"Unpaid work hours": "91", "Placements with VCSE": "26", "People starting work": "121",
     "Jobs for people": "4.9", "Settled accommodation": "37", "Employment at the end": "29.5"},
    {"Unpaid work hours": "92.5", "Placements with VCSE": "25", "People starting work": "124",
     "Jobs for people": "5", "Settled accommodation": "36.5", "Employment at the end": "29"},
)  # fmt: skip


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _entry(kpi_rows: list[ContractKpi], figures: dict[str, str], spend: str, lines: list[tuple[str, str, str]],
           note: str) -> ReturnEntry:  # fmt: skip
    by_kpi = {}
    for kpi in kpi_rows:
        if kpi.basis == kpis.VCSE_SHARE:
            continue
        value = next(v for start, v in figures.items() if kpi.title.startswith(start))
        by_kpi[kpi.id or 0] = (value, "")
    return ReturnEntry(contract_spend=spend, note=note, figures=by_kpi, spend=lines)


def load_delivery(session: Session, officer: User, supplier: User, partner: User, now: datetime) -> None:
    tender = session.exec(select(Tender).where(Tender.reference == "NWPR-2026-003")).one()
    contract = session.exec(select(Contract).where(Contract.tender_id == tender.id)).one()
    cid = id_of(contract)
    rows = kpis.kpis_of(session, cid)
    first, second = periods(contract.starts_on, contract.ends_on, contract.return_months)[:2]
    # Period 1, on time: £95,000 with Aldergate (confirmed), £20,000 with Wayfarer (no answer).
    delivery_returns.submit_return(session, supplier, cid, 1, _entry(rows, FIGURES[0], "452000.00", [
        (*ALDERGATE, "95000.00"), (*WAYFARER, "20000.00")], "First quarter: all seven pathways running."),
        source="page", now=_at(first.ends_on + timedelta(days=18)))  # fmt: skip
    _confirm(session, partner, cid, 1, _at(first.ends_on + timedelta(days=21)))
    ratings.rate_period(session, officer, cid, 1, {
        _kpi(rows, "Employment at the end"): ("approaching_target",
            "Four people started work in the week after the quarter closed; the supplier's payroll evidence shows "
            "the shortfall is timing, not delivery."),
    }, now=_at(first.ends_on + timedelta(days=35)))  # fmt: skip
    # Period 2, late: sent two days after its due date, then corrected the next day (the contract's spend).
    late = second.due_on + timedelta(days=2)
    lines = [(*ALDERGATE, "100000.00"), (*KESTREL, "12000.00")]
    delivery_returns.submit_return(session, supplier, cid, 2, _entry(rows, FIGURES[1], "438000.00", lines,
                                   "Second quarter."), source="api", now=_at(late))  # fmt: skip
    delivery_returns.submit_return(session, supplier, cid, 2, _entry(rows, FIGURES[1], "461500.00", lines,
                                   "Second quarter, contract spend corrected from the ledger."),
                                   source="page", now=_at(late + timedelta(days=1)))  # fmt: skip
    _confirm(session, partner, cid, 2, _at(late + timedelta(days=1), 15))
    rated = min(now - timedelta(hours=3), _at(late + timedelta(days=2)))
    ratings.rate_period(session, officer, cid, 2, {}, now=rated)
    performance_notices.publish(session, officer, cid, contract_url=f"/contracts/{cid}/ratings",
                                now=rated + timedelta(hours=1))  # fmt: skip


def _kpi(rows: list[ContractKpi], start: str) -> int:
    return next(id_of(k) for k in rows if k.title.startswith(start))


def _confirm(session: Session, partner: User, contract_id: int, period: int, when: datetime) -> None:
    for request in delivery_returns.spend_requests_for(session, partner):
        awaiting = request.line.confirmation == "awaiting"
        if request.contract_id == contract_id and request.period.number == period and request.current and awaiting:
            delivery_returns.answer_spend(session, partner, id_of(request.line), True, now=when)


__all__ = ["load_delivery"]
