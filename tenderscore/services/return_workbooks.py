"""The delivery return as a workbook: generated for one contract and period, and read back through the bids' safe
reader (tenderscore/sheets/returns.py). A workbook's problems, and the return's (the rules of
``services/delivery_returns``), come back naming their sheet and cell; nothing is stored while there is one."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlmodel import Session

from tenderscore.core import kpi_words
from tenderscore.db.models import Contract, DeliveryReturn, Tender, id_of
from tenderscore.db.models import User as Actor
from tenderscore.services import audit
from tenderscore.services.contract_access import contract_seat, supplied_contract
from tenderscore.services.delivery import current_returns, figures_of, kpis_in_period, spend_of
from tenderscore.services.delivery_returns import Link, ReturnEntry, check, period_of, submit_return
from tenderscore.services.errors import Invalid, NotFound, Unprocessable
from tenderscore.services.kpis import FIGURE
from tenderscore.sheets.guard import WorkbookRejected
from tenderscore.sheets.returns import Filled, KpiRow, ReturnIdentity, ReturnReading, read_return, write_return

MAX_BYTES = 10 * 1024 * 1024


def identity(contract: Contract, tender: Tender, period: int) -> ReturnIdentity:
    found = period_of(contract, period)
    return ReturnIdentity(id_of(contract), period, tender.reference, contract.title, found.starts_on, found.ends_on)


def filename(tender: Tender, period: int) -> str:
    return f"{tender.reference}-delivery-return-period-{period}.xlsx"


def template(session: Session, actor: Actor, contract_id: int, period: int) -> tuple[str, bytes]:
    """The period's return workbook for anyone seated at the contract, holding the current version if there is one
    (to correct it), else blank."""
    seated = contract_seat(session, actor, contract_id)
    ident = identity(seated.contract, seated.tender, period)
    in_force = kpis_in_period(session, contract_id, period_of(seated.contract, period))
    rows = [KpiRow(id_of(k), k.title, kpi_words.target(k.target_value, k.unit, k.direction, k.target),
                   k.basis == FIGURE, k.evidence) for k in in_force]  # "at most 5 complaints"
    current = current_returns(session, [contract_id]).get((contract_id, period))
    data = write_return(ident, rows, _filled(session, current))
    _downloaded(session, actor, seated.tender, contract_id, period, data,
                holding=None if current is None else current.version)  # fmt: skip
    return filename(seated.tender, period), data


def received(session: Session, actor: Actor, contract_id: int, period: int, version: int) -> tuple[str, bytes]:
    """The workbook a version of the return was read from, byte for byte, for anyone seated at the contract."""
    from tenderscore.services.delivery_returns import version as version_of

    found = version_of(session, actor, contract_id, period, version).row
    if found.workbook is None:
        raise NotFound(f"Version {version} of the return for period {period} was not sent as a workbook")
    seated = contract_seat(session, actor, contract_id)
    _downloaded(session, actor, seated.tender, contract_id, period, found.workbook, version=version)
    return f"{seated.tender.reference}-delivery-return-period-{period}-version-{version}.xlsx", found.workbook


def _downloaded(session: Session, actor: Actor, tender: Tender, contract_id: int, period: int, data: bytes, *,
                version: int | None = None, holding: int | None = None) -> None:  # fmt: skip
    """Every download of a return workbook is on the record: a version's workbook is the supplier's evidence, and
    the period's workbook holds the current version's figures once one is sent."""
    audit.record(session, actor, "delivery_return.workbook_downloaded", "contract", contract_id, tender_id=tender.id,
                 after={"period": period, "version": version, "holding": holding,
                        "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip


def _filled(session: Session, current: DeliveryReturn | None) -> Filled | None:
    if current is None:
        return None
    rid = id_of(current)
    rows = figures_of(session, [rid])[rid]
    figures = {k: ("" if f.value is None else str(f.value), f.comment) for k, f in rows.items()}
    spend = [(s.identifier, s.name, str(s.amount)) for s in spend_of(session, [rid])[rid]]
    return Filled(str(current.contract_spend), current.note, figures, spend)


def _refused(lines: list[str]) -> Unprocessable:
    count = f"{len(lines)} problem{'s' if len(lines) != 1 else ''}"
    return Unprocessable(f"workbook: the workbook has {count}: fix each cell named and upload it again",
                         field="workbook", details=lines)  # fmt: skip


def _with_rules(session: Session, contract: Contract, period: int, reading: ReturnReading,
                entry: ReturnEntry) -> list[str]:  # fmt: skip
    """The cells' errors and, with them, the return's own rules broken by the rest of the workbook (a cell in error
    reads as blank, so a rule about that cell is left out: each cell is named once). When a KPI's row cannot be told,
    the rules wait, and the supplier is told so."""
    lines = [f"{e.where}: {e.message}" for e in reading.errors]
    if not reading.readable:
        if reading.cells:
            lines.append("The return's own checks (figures, spend with partners, the total) are made once the "
                         "cells above are fixed: a KPI's row cannot be read while its id cell is wrong.")  # fmt: skip
        return lines
    wrong = {e.where for e in reading.errors}
    try:
        check(session, kpis_in_period(session, id_of(contract), period_of(contract, period)), entry)
    except Invalid as exc:
        for field, words in exc.problems:
            where = reading.cells.get(field or "", field or "workbook")
            if where not in wrong:
                lines.append(f"{where}: {words}")
    return lines


def submit_workbook(session: Session, actor: Actor, contract_id: int, period: int, data: bytes, *,
                    now: datetime | None = None, link: Link | None = None) -> DeliveryReturn:  # fmt: skip
    """A filled return workbook stored as a new version of the period's return (the workbook kept, byte for byte),
    or an ``Unprocessable`` whose details name each cell wrong."""
    seated = supplied_contract(session, actor, contract_id)
    ident = identity(seated.contract, seated.tender, period)
    if not data:
        raise Unprocessable("workbook: choose the filled-in return workbook to upload", field="workbook")
    if len(data) > MAX_BYTES:
        raise Unprocessable(f"workbook: the file is larger than {MAX_BYTES // 2**20} MB", field="workbook")
    try:
        reading = read_return(data, ident)
    except WorkbookRejected as exc:
        raise Unprocessable(f"workbook: {exc}", field="workbook") from None
    entry = ReturnEntry(reading.contract_spend, reading.note, reading.figures, reading.spend)
    if reading.errors:
        raise _refused(_with_rules(session, seated.contract, period, reading, entry))
    try:
        return submit_return(session, actor, contract_id, period, entry, source="workbook", workbook=data, now=now,
                             link=link)  # fmt: skip
    except Invalid as exc:
        raise _refused([f"{reading.cells.get(f or '', f)}: {m}" for f, m in exc.problems]) from None


__all__ = ["filename", "identity", "received", "submit_workbook", "template"]
