"""The dashboards' exports as .xlsx: one contract's performance (its KPIs by period: target, delivered, rating, reason;
its periods and partners' spend), and the oversight across contracts. Each workbook's issue is on record (who, its
SHA-256), as every document that leaves is. The figures are the ones ``delivery`` and ``delivery_oversight`` give
the pages: money and percentages as numbers with number formats, dates as dates.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlmodel import Session

from tenderscore.core.award import UK
from tenderscore.core.performance import Rating
from tenderscore.db.models import User, id_of
from tenderscore.services import audit
from tenderscore.services.delivery import DeliveryView, PeriodView
from tenderscore.services.delivery_oversight import ContractStatus, Oversight, oversight, performance
from tenderscore.sheets.report_tables import DATE, MONEY, NUMBER, PERCENT, WHOLE, Cell, Column, Table, write_tables


def contract_workbook(session: Session, actor: User, contract_id: int, *, now: datetime | None = None
                      ) -> tuple[str, bytes]:  # fmt: skip
    """The contract's performance for anyone with a seat at it (a 404 otherwise)."""
    status = performance(session, actor, contract_id, now=now)
    view = status.view
    reference = view.tender.reference
    data = write_tables(f"{reference} {view.contract.title}: performance as at {view.today.isoformat()}",
                        contract_tables(status))  # fmt: skip
    _issued(session, actor, "contract_performance", "contract", id_of(view.contract), data, view.tender.id)
    return f"{reference}-performance-{view.today.isoformat()}.xlsx", data


def oversight_workbook(session: Session, actor: User, *, now: datetime | None = None) -> tuple[str, bytes]:
    """The oversight across the contracts the commissioner (or the buyer's officer) sees."""
    shown = oversight(session, actor, now=now)
    data = write_tables(f"Contracts in delivery as at {shown.today.isoformat()}", oversight_tables(shown))
    _issued(session, actor, "contracts_oversight", "organisation", actor.organisation_id, data, None)
    return f"contracts-oversight-{shown.today.isoformat()}.xlsx", data


def _issued(session: Session, actor: User, kind: str, entity: str, entity_id: object, data: bytes,
            tender_id: int | None) -> None:  # fmt: skip
    audit.record(session, actor, f"report.{kind}", entity, entity_id, tender_id=tender_id,
                 after={"sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip


def _day(moment: datetime) -> date:
    return moment.astimezone(UK).date()


def _late(period: PeriodView) -> str:
    return "overdue" if period.overdue else "late" if period.late else ""


# --- one contract --------------------------------------------------------------------------------------------------

KPI_COLUMNS = (
    Column("KPI", width=40), Column("Unit"), Column("Direction"), Column("Period", WHOLE, 8),
    Column("Starts", DATE), Column("Ends", DATE), Column("Target", NUMBER), Column("Reported", NUMBER),
    Column("Delivered", NUMBER), Column("Of target", PERCENT), Column("The rule gives", width=20),
    Column("Rating", width=20), Column("Reason (where the rating differs)", width=50), Column("Return version", WHOLE),
    Column("Return", width=10),
)  # fmt: skip
PERIOD_COLUMNS = (
    Column("Period", WHOLE, 8), Column("Starts", DATE), Column("Ends", DATE), Column("Return due", DATE),
    Column("Return version", WHOLE), Column("Submitted", DATE), Column("Return"), Column("Contract spend", MONEY),
    Column("VCSE spend reported", MONEY), Column("Confirmed by partners", MONEY),
    Column("Confirmed, partners that count", MONEY), Column("Overall rating", width=20),
)  # fmt: skip
SPEND_COLUMNS = (
    Column("Period", WHOLE, 8), Column("Partner", width=36), Column("Identifier", width=18), Column("Spend", MONEY),
    Column("Partner's answer", width=16), Column("Counts under the tender's rule"),
)  # fmt: skip


def contract_tables(status: ContractStatus) -> list[Table]:
    view = status.view
    notes = [f"Supplier: {status.supplier}. Contract {view.contract.starts_on.isoformat()} to "
             f"{view.contract.ends_on.isoformat()}; periods that have ended or been reported.",
             "Rating rule published with the contract: " + "; ".join(view.rule.lines()[:4]) + "."]  # fmt: skip
    return [
        Table("KPIs by period", KPI_COLUMNS, _kpi_rows(view), notes),
        Table("Periods", PERIOD_COLUMNS, [_period_row(p) for p in view.due]),
        Table("Partners' spend", SPEND_COLUMNS, [
            [p.period.number, line.name, line.identifier, line.amount, line.confirmation,
             p.spend.counting.get(line.identifier, False)]
            for p in view.due for line in p.spend.lines
        ]),
    ]  # fmt: skip


def _kpi_rows(view: DeliveryView) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for kpi in view.reported_kpis:
        for p in view.due:
            k = p.kpi(kpi.id)
            if k is None:  # not in force in that period (added later, or withdrawn before)
                continue
            reason = k.recorded.reason if k.recorded is not None and k.judged else ""
            rows.append([
                kpi.title, k.kpi.unit, "at most" if k.kpi.direction == "at_most" else "at least", p.period.number,
                p.period.starts_on, p.period.ends_on, k.kpi.target_value, k.reported, k.delivered, k.percent,
                k.computed.label, k.rating.label, reason, p.current.version if p.current else None, _late(p),
            ])  # fmt: skip
    return rows


def _period_row(p: PeriodView) -> list[Cell]:
    current = p.current
    return [
        p.period.number, p.period.starts_on, p.period.ends_on, p.period.due_on,
        current.version if current else None, _day(current.submitted_at) if current else None, _late(p),
        p.contract_spend, p.spend.total() if current else None, p.spend.total(confirmed=True) if current else None,
        p.spend.total(confirmed=True, counted=True) if current else None, p.overall.label if current else "",
    ]  # fmt: skip


# --- across contracts ----------------------------------------------------------------------------------------------

CONTRACT_COLUMNS = (
    Column("Reference"), Column("Contract", width=36), Column("Supplier", width=30), Column("Starts", DATE),
    Column("Ends", DATE), Column("Latest period reported", WHOLE), Column("Latest overall rating", width=20),
    Column("Periods late", WHOLE), Column("Periods overdue", WHOLE), Column("Next notice: assessment by", DATE),
    Column("Next notice: published by", DATE),
)  # fmt: skip
VCSE_COLUMNS = (
    Column("Reference"), Column("Supplier", width=30), Column("Promised", PERCENT), Column("Delivered", PERCENT),
    Column("Of promise", PERCENT), Column("Reported", PERCENT), Column("Contract spend", MONEY),
    Column("Reported with partners", MONEY), Column("Confirmed by partners", MONEY),
    Column("Confirmed, partners that count", MONEY), Column("Not confirmed", MONEY), Column("Periods reported", WHOLE),
)  # fmt: skip
SOCIAL_COLUMNS = (
    Column("Reference"), Column("Commitment", width=40), Column("Unit"), Column("Period", WHOLE, 8),
    Column("Target", NUMBER), Column("Delivered", NUMBER), Column("Of target", PERCENT), Column("Rating", width=20),
)  # fmt: skip
LATE_COLUMNS = (
    Column("Reference"), Column("Supplier", width=30), Column("Period", WHOLE, 8), Column("Return due", DATE),
    Column("Return"), Column("Submitted", DATE),
)  # fmt: skip
PARTNER_COLUMNS = (
    Column("Identifier", width=18), Column("Partner", width=36), Column("Lines awaiting", WHOLE),
    Column("£ awaiting", MONEY), Column("Lines disputed", WHOLE), Column("£ disputed", MONEY),
    Column("£ unconfirmed", MONEY), Column("Contracts", width=30),
)  # fmt: skip


def oversight_tables(shown: Oversight) -> list[Table]:
    return [
        Table("Contracts", CONTRACT_COLUMNS, [_contract_row(c) for c in shown.contracts]),
        Table("VCSE share", VCSE_COLUMNS, [
            [v.status.view.tender.reference, v.status.supplier, v.promised, v.delivered, v.percent, v.reported,
             v.contract_spend, v.reported_gbp, v.confirmed_gbp, v.counted_gbp, v.unconfirmed_gbp, v.periods]
            for v in shown.vcse
        ], ["Delivered: spend confirmed by partners that count under the tender's rule, over the contract's spend, "
            "both summed over the periods reported."]),
        Table("Social value", SOCIAL_COLUMNS, [
            [s.status.view.tender.reference, s.kpi.title, s.kpi.unit, k.period.number, s.kpi.target_value,
             k.delivered, k.percent, k.rating.label]
            for s in shown.social_value for k in s.periods
        ]),
        Table("Late returns", LATE_COLUMNS, [
            [c.view.tender.reference, c.supplier, p.period.number, p.period.due_on, _late(p),
             _day(p.current.submitted_at) if p.current else None]
            for c in shown.late for p in c.late
        ]),
        Table("Partners unconfirmed", PARTNER_COLUMNS, [
            [p.identifier, p.name, p.awaiting, p.awaiting_gbp, p.refused, p.refused_gbp, p.total_gbp,
             ", ".join(p.contracts)]
            for p in shown.partners
        ]),
    ]  # fmt: skip


def _contract_row(c: ContractStatus) -> list[Cell]:
    v, due = c.view, c.view.next_notice
    return [
        v.tender.reference, v.contract.title, c.supplier, v.contract.starts_on, v.contract.ends_on,
        c.latest.period.number if c.latest else None, c.overall.label if c.latest else Rating.OTHER.label,
        len([p for p in c.late if not p.overdue]), len(c.overdue),
        due.assessed_by if due else None, due.publish_by if due else None,
    ]  # fmt: skip


__all__ = ["contract_tables", "contract_workbook", "oversight_tables", "oversight_workbook"]

