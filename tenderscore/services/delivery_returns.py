"""Delivery returns: what the supplier reports for each reporting period, and partners confirming their spend.

- **Who and when.** Only the supplier's own accounts submit (``contract_access.supplied_contract``), for a period
  of the contract from that period's last day on (a return reports a whole period); a later period is refused with
  its dates. A return submitted after its due date (30 days after the period ends) is late; the first version's
  lateness is the return's, whatever is sent after it.
- **What a return holds.** The contract's spend in the period (£), a figure for every KPI the supplier reports
  (``basis`` "figure") or a comment saying why it is not reported, and the spend with each VCSE partner, named by
  its org-id identifier, one line per partner, which together cannot exceed the contract's spend. Every problem is
  reported at once with its field (``contract_spend``, ``figures.<kpi id>.value``, ``spend.<line>.amount``, lines
  counted from 1) and nothing is stored.
- **Versions.** Each submission is a new version beside the earlier ones, never overwriting them; the newest is
  the period's current return (``services/delivery.py`` reads it).
- **Partners confirm their own figure.** Every spend line starts awaiting an answer; the organisation holding the
  identifier on the register is emailed (after the commit) and answers on its own pages, confirming or disputing
  (with a reason) the £ on the current version only. A line reported again with the same identifier and £ keeps
  its answer. A partner sees its own lines only: never the rest of the return.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tenderscore.core.award import UK
from tenderscore.core.errors import ScoringError
from tenderscore.core.numbers import money, pounds, read_number
from tenderscore.core.orgid import OrgId
from tenderscore.core.performance import Period, periods
from tenderscore.core.performance import period_of as numbered
from tenderscore.core.register import Confirmation
from tenderscore.core.ukdates import uk_date
from tenderscore.db.models import (
    Contract,
    ContractKpi,
    DeliveryReturn,
    Organisation,
    ReturnFigure,
    ReturnSpend,
    Role,
    Tender,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import audit, confirmations, identifiers, limits, mail
from tenderscore.services.contract_access import contract_seat, supplied_contract
from tenderscore.services.delivery import figures_of, kpis_in_period, published_in, spend_of
from tenderscore.services.errors import Conflict, Forbidden, NotFound, Problems
from tenderscore.services.kpis import VCSE_SHARE

SOURCES = ("page", "api", "workbook")
MONEY_MAX = Decimal("1000000000000")  # a trillion pounds: anything above is a typing mistake
FIGURE_MAX = Decimal("1000000000000")
LINES_MAX = 200  # partners on one return
NAME_MAX = 200
Link = Callable[[int], str]  # spend line id -> the full address of the partner's page for it


@dataclass(frozen=True)
class ReturnEntry:
    """A return as the supplier sends it, text as typed (a page, the API or a workbook), checked all at once."""

    contract_spend: str = ""
    note: str = ""
    figures: dict[int, tuple[str, str]] = field(default_factory=dict)  # KPI id -> (value, comment)
    spend: list[tuple[str, str, str]] = field(default_factory=list)  # (identifier, name, amount); line 1 first


# --- periods ------------------------------------------------------------------------------------------------------


def period_of(contract: Contract, number: int) -> Period:
    """The contract's reporting period ``number``, or a 404 naming it."""
    try:
        return numbered(periods(contract.starts_on, contract.ends_on, contract.return_months), number)
    except ScoringError:
        raise NotFound(f"The contract has no reporting period {number}") from None


def opens_on(period: Period) -> date:
    """The first day a return for ``period`` is accepted: its last day."""
    return period.ends_on


def _today(now: datetime) -> date:
    return now.astimezone(UK).date()


# --- checking what was sent ---------------------------------------------------------------------------------------


def _not_number(raw: str) -> str:
    """What was typed, and the rule for commas when it has any (``core.numbers.read_number`` reads every door's
    numbers: commas only between thousands, so "12,5" is never read as 125)."""
    shown = f" (not '{raw[:40]}')" if raw else ""
    comma = ": commas only separate thousands, like 1,250,000.50" if "," in raw else ""
    return f"{shown}{comma}"


def _amount(problems: Problems, text: object, name: str, what: str) -> Decimal | None:
    """Pounds and pence, 0 or more; None (with a problem noted) otherwise."""
    raw = text.strip() if isinstance(text, str) else ("" if text is None else str(text))
    cleaned = raw.removeprefix("£").strip()
    if not cleaned:
        problems.add(name, f"enter {what} in pounds and pence, like 125000.00")
        return None
    value = read_number(cleaned)
    if value is None:
        problems.add(name, f"enter {what} in pounds and pence, like 125000.00{_not_number(raw)}")
        return None
    if not value.is_finite() or value < 0 or value > MONEY_MAX or value != value.quantize(Decimal("0.01")):
        problems.add(name, f"enter {what} as £0 or more in pounds and pence, like 125000.00")
        return None
    return value


def _figure(problems: Problems, text: str, name: str, title: str) -> Decimal | None:
    cleaned = text.strip().removeprefix("£").removesuffix("%").strip()
    value = read_number(cleaned)
    if value is None:
        problems.add(name, f"enter the figure for '{title}' as a number, like 42 or 12.5{_not_number(text.strip())}")
        return None
    if not value.is_finite() or value < 0 or value > FIGURE_MAX:
        problems.add(name, f"enter the figure for '{title}' as 0 or more")
        return None
    return value


@dataclass(frozen=True)
class _Checked:
    contract_spend: Decimal
    note: str
    figures: list[tuple[int, Decimal | None, str]]  # (KPI id, value, comment)
    spend: list[tuple[OrgId, str, Decimal]]


def _text(problems: Problems, value: object, name: str, what: str, *, maximum: int, required: bool = False,
          single_line: bool = False) -> str:  # fmt: skip
    found = problems.check(lambda: limits.written(value if value is not None else "", name, what, maximum=maximum,
                                                  required=required, single_line=single_line))  # fmt: skip
    return found or ""


def check(session: Session, kpis: Sequence[ContractKpi], entry: ReturnEntry) -> _Checked:
    """The return cleaned, or an ``Invalid`` naming every field wrong (nothing is stored by checking)."""
    problems = Problems()
    spent = _amount(problems, entry.contract_spend, "contract_spend", "the contract's total spend in the period")
    known = {id_of(k): k for k in kpis}
    for kpi_id in sorted(set(entry.figures) - set(known)):
        problems.add(f"figures.{kpi_id}", f"the contract has no KPI {kpi_id} to report on")
    figures: list[tuple[int, Decimal | None, str]] = []
    for kpi in kpis:
        kid = id_of(kpi)
        value_text, comment_text = entry.figures.get(kid, ("", ""))
        value_text = value_text if isinstance(value_text, str) else ("" if value_text is None else str(value_text))
        comment = _text(problems, comment_text, f"figures.{kid}.comment", "the comment", maximum=limits.STATEMENT_MAX)
        value = None
        if kpi.basis == VCSE_SHARE:
            if value_text.strip():
                problems.add(f"figures.{kid}.value", f"'{kpi.title}' is measured from the spend with VCSE partners "
                             "below, which each partner confirms: leave its figure blank")  # fmt: skip
        elif value_text.strip():
            value = _figure(problems, value_text, f"figures.{kid}.value", kpi.title)
        elif not comment:
            problems.add(f"figures.{kid}.value", f"enter the figure for '{kpi.title}', or say in the comment why it "
                         "is not reported")  # fmt: skip
        if value is not None or comment:
            figures.append((kid, value, comment))
    # Lines keep their place as sent (a blank row on a page is skipped, and the next is still named by its row).
    lines = [(n, line) for n, line in enumerate(entry.spend, start=1) if any(str(p or "").strip() for p in line)]
    if len(lines) > LINES_MAX:
        problems.add("spend", f"a return names at most {LINES_MAX} partners (it has {len(lines)})")
        lines = []
    spend: list[tuple[OrgId, str, Decimal]] = []
    seen: dict[OrgId, int] = {}
    lines_from = len(problems.found)  # a problem with the lines' total is listed before each line's, as on a page
    names = _holder_names(session, [line for _, line in lines])
    for n, (ident_text, name_text, amount_text) in lines:
        line_from = len(problems.found)
        orgid = problems.check(lambda t=ident_text, n=n: identifiers.parse(t, field=f"spend.{n}.identifier"))  # type: ignore[misc]
        if orgid is not None and orgid in seen:
            problems.add(f"spend.{n}.identifier", f"{orgid} is already on line {seen[orgid]}: give one line per "
                         "partner with its whole spend")  # fmt: skip
            orgid = None
        if orgid is not None:
            seen[orgid] = n
        fallback = names.get(orgid) if orgid is not None else None
        typed = name_text.strip() if isinstance(name_text, str) else name_text
        if orgid is not None and fallback is None and not typed:
            # the register does not know it: most often a mistyped number, else a partner to name
            problems.add(f"spend.{n}.identifier", f"{orgid} is not on the VCSE register: check the number, or enter "
                         "the partner's name")  # fmt: skip
            name = ""
        else:
            name = _text(problems, typed or fallback or "", f"spend.{n}.name", "the partner's name",
                         maximum=NAME_MAX, required=orgid is not None, single_line=True)  # fmt: skip
        amount = _amount(problems, amount_text, f"spend.{n}.amount", "the spend with the partner")
        problems.found[line_from:] = [(f, _on_line(n, m)) for f, m in problems.found[line_from:]]
        if orgid is not None and name and amount is not None:
            spend.append((orgid, name, amount))
    total = sum((amount for _, _, amount in spend), Decimal(0))
    if spent is not None and total > spent:
        problems.found.insert(lines_from, ("spend", f"the spend with VCSE partners ({money(total)}) cannot be more "
                                                    f"than the contract's total spend in the period ({money(spent)})"))
    note = _text(problems, entry.note, "note", "the note", maximum=limits.STATEMENT_MAX)
    problems.raise_any()
    assert spent is not None
    return _Checked(spent, note, figures, spend)


def _on_line(n: int, message: str) -> str:
    """A spend line's problem naming its line, as the page counts them: ``Spend line 2: enter the spend ...``."""
    if message[1:2].islower():  # a sentence ("Enter ..."), not an identifier ("GB-CHC-...")
        message = message[:1].lower() + message[1:]
    return f"Spend line {n}: {message}"


def _holder_names(session: Session, lines: Sequence[tuple[str, str, str]]) -> dict[OrgId, str]:
    """The register's name for each identifier typed that an organisation holds (a blank name is filled with it)."""
    wanted = [o for o in (identifiers.stored(str(line[0] or "").strip()) for line in lines) if o is not None]
    return {orgid: org.name for orgid, org in identifiers.holders(session, wanted).items()}


# --- submitting -----------------------------------------------------------------------------------------------------


def versions_of(session: Session, contract_id: int, period: int) -> list[DeliveryReturn]:
    """Every version of a period's return, oldest first (the workbook bytes are loaded with them)."""
    return list(session.exec(
        select(DeliveryReturn)
        .where(DeliveryReturn.contract_id == contract_id, DeliveryReturn.period == period)
        .order_by(col(DeliveryReturn.version))
    ).all())  # fmt: skip


def _fingerprint(checked: _Checked, period: int) -> str:
    body = {
        "period": period, "contract_spend": str(checked.contract_spend), "note": checked.note,
        "figures": [[k, None if v is None else str(v), c] for k, v, c in checked.figures],
        "spend": [[str(o), n, str(a)] for o, n, a in checked.spend],
    }  # fmt: skip
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def submit_return(
    session: Session,
    actor: User,
    contract_id: int,
    period: int,
    entry: ReturnEntry,
    *,
    source: str,
    workbook: bytes | None = None,
    now: datetime | None = None,
    link: Link | None = None,
) -> DeliveryReturn:
    """Store a new version of the period's return (see the module's rules); partners asked are emailed on commit."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    seated = supplied_contract(session, actor, contract_id)
    contract, tender = seated.contract, seated.tender
    found = period_of(contract, period)
    now = now or utcnow()
    today = _today(now)
    if today < opens_on(found):
        raise Conflict(
            f"period: period {found.number} runs from {uk_date(found.starts_on)} to {uk_date(found.ends_on)}; its "
            f"return can be submitted from {uk_date(opens_on(found))}, the period's last day",
            field="period",
        )
    notice = published_in(session, contract_id, period)
    if notice is not None:
        raise Conflict(f"period: period {period} was reported in contract performance notice {notice.number}, "
                       f"published on {uk_date(notice.published_at)}: its return can no longer change. Tell the "
                       "buyer of any correction directly", field="period")  # fmt: skip
    checked = check(session, kpis_in_period(session, contract_id, found), entry)
    earlier = versions_of(session, contract_id, period)
    previous = earlier[-1] if earlier else None
    late = earlier[0].late if earlier else found.late(today)
    row = DeliveryReturn(
        contract_id=contract_id, period=period, version=len(earlier) + 1, contract_spend=checked.contract_spend,
        note=checked.note, source=source, late=late, submitted_by_id=id_of(actor), submitted_at=now,
        workbook=workbook,
        sha256=hashlib.sha256(workbook).hexdigest() if workbook is not None else _fingerprint(checked, period),
    )  # fmt: skip
    session.add(row)
    session.flush()
    for kpi_id, value, comment in checked.figures:
        session.add(ReturnFigure(return_id=id_of(row), kpi_id=kpi_id, value=value, comment=comment))
    carried_from = {s.identifier: s for s in spend_of(session, [id_of(previous)]).get(id_of(previous), [])} \
        if previous is not None else {}  # fmt: skip
    lines: list[ReturnSpend] = []
    for n, (orgid, name, amount) in enumerate(checked.spend, start=1):
        line = ReturnSpend(return_id=id_of(row), line=n, identifier=str(orgid), name=name, amount=amount)
        prior = carried_from.get(line.identifier)
        if prior is not None and prior.amount == amount:
            line.confirmation, line.answer_reason = prior.confirmation, prior.answer_reason
            line.answered_by_id, line.answered_at = prior.answered_by_id, prior.answered_at
        session.add(line)
        lines.append(line)
    session.flush()
    carried = [s for s in lines if s.identifier in carried_from and carried_from[s.identifier].amount == s.amount]
    asked = [s for s in lines if s not in carried]
    told = _email(session, contract, tender, row, asked, link)
    audit.record(
        session, actor, "delivery_return.submitted", "delivery_return", row.id, tender_id=tender.id,
        after={"contract_id": contract_id, "period": period, "version": row.version, "late": late, "source": source,
               "contract_spend": pounds(row.contract_spend), "figures": len(checked.figures),
               "spend_lines": len(lines), "carried": len(carried), "asked": len(asked), "partners_emailed": told,
               "sha256": row.sha256},
    )  # fmt: skip
    return row


def _email(session: Session, contract: Contract, tender: Tender, row: DeliveryReturn, lines: Sequence[ReturnSpend],
           link: Link | None) -> int:  # fmt: skip
    """Each line's partner organisation (the holder of its identifier) is asked by email; returns how many were."""
    parsed = {line.identifier: identifiers.stored(line.identifier) for line in lines}
    held = identifiers.holders(session, [o for o in parsed.values() if o is not None])
    org_of = {ident: held[o] for ident, o in parsed.items() if o is not None and o in held}
    addresses = confirmations.partner_addresses(session, {id_of(org) for org in org_of.values()})
    answering = confirmations.with_accounts(session, {id_of(org) for org in org_of.values()})
    supplier = session.get(Organisation, contract.supplier_org_id)
    buyer = session.get(Organisation, tender.buyer_org_id)
    found = period_of(contract, row.period)
    told = 0
    for line in lines:
        org = org_of.get(line.identifier)
        if org is None:
            continue
        where = (f"Confirm or dispute it here: {link(id_of(line))}" if link is not None
                 else "Sign in to tenderscore and open 'Spend to confirm' to confirm or dispute it.")  # fmt: skip
        if id_of(org) not in answering:
            where = confirmations.no_account_yet(org.name, buyer.name if buyer else "the buyer")
        body = (
            f"{supplier.name if supplier else 'The supplier'} reports to {buyer.name if buyer else 'the buyer'} that "
            f"it spent {money(line.amount)} with {line.name} ({line.identifier}) on the contract "
            f"'{contract.title}' ({tender.reference}) between {uk_date(found.starts_on)} and "
            f"{uk_date(found.ends_on)}.\n\n"
            "Please tell the buyer whether this figure is right. If it is not, dispute it and say why: the buyer "
            "counts only the spend its partners confirm.\n\n"
            f"{where}"
        )
        subject = f"Please confirm the spend reported with you on {tender.reference}"
        for address in sorted(addresses.get(id_of(org), ())):
            mail.queue(session, mail.Message(to=address, subject=subject, body=body, purpose="spend_confirmation"))
        told += 1
    return told


# --- reading the versions (every seat at the contract) -------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One version of a period's return as the officer, the commissioner and the supplier read it."""

    row: DeliveryReturn
    figures: dict[int, ReturnFigure]
    spend: list[ReturnSpend]
    submitted_by: str
    current: bool


def versions(session: Session, actor: User, contract_id: int, period: int) -> list[Version]:
    """Every version of the period's return, newest first, for anyone with a seat at the contract (else a 404)."""
    seated = contract_seat(session, actor, contract_id)
    period_of(seated.contract, period)
    rows = versions_of(session, contract_id, period)
    ids = [id_of(r) for r in rows]
    figures, spend = figures_of(session, ids), spend_of(session, ids)
    people = dict(session.exec(select(User.id, User.name).where(
        col(User.id).in_({r.submitted_by_id for r in rows}))).all()) if rows else {}  # fmt: skip
    return [Version(r, figures.get(id_of(r), {}), spend.get(id_of(r), []), people.get(r.submitted_by_id, ""),
                    r is rows[-1]) for r in reversed(rows)]  # fmt: skip


def version(session: Session, actor: User, contract_id: int, period: int, number: int) -> Version:
    for found in versions(session, actor, contract_id, period):
        if found.row.version == number:
            return found
    raise NotFound(f"No version {number} of the return for period {period}")


# --- the partner's side --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendRequest:
    """A spend line as the partner it names sees it: the buyer, the supplier, the contract, the period and the £."""

    line: ReturnSpend
    contract_id: int
    contract_title: str
    tender_reference: str
    buyer: str
    supplier: str
    period: Period
    version: int
    current: bool  # on the period's current return (an earlier version's line can no longer be answered)

    @property
    def status(self) -> Confirmation:
        return Confirmation(self.line.confirmation)

    @property
    def answerable(self) -> bool:
        return self.current


def _partner(actor: User) -> None:
    if actor.role != Role.PARTNER:
        raise Forbidden("Only a VCSE partner's users confirm or dispute the spend reported with them")


def _requests(session: Session, actor: User, spend_id: int | None = None) -> list[SpendRequest]:
    """The lines naming any identifier the actor's organisation holds (one query), each marked current or not."""
    held = [str(o) for o in identifiers.of(session, [actor.organisation_id]).get(actor.organisation_id, [])]
    if not held:
        return []
    supplier, buyer = aliased(Organisation), aliased(Organisation)
    query = (
        select(ReturnSpend, DeliveryReturn, Contract, Tender, supplier.name, buyer.name)  # type: ignore[call-overload]
        .join(DeliveryReturn, col(DeliveryReturn.id) == ReturnSpend.return_id)
        .join(Contract, col(Contract.id) == DeliveryReturn.contract_id)
        .join(Tender, col(Tender.id) == Contract.tender_id)
        .join(supplier, col(supplier.id) == Contract.supplier_org_id)
        .join(buyer, col(buyer.id) == Tender.buyer_org_id)
        .where(col(ReturnSpend.identifier).in_(held), col(Tender.deleted_at).is_(None))
    )
    if spend_id is not None:
        query = query.where(ReturnSpend.id == spend_id)
    rows = session.exec(query.order_by(col(DeliveryReturn.submitted_at).desc(), col(ReturnSpend.id))).all()
    newest = _newest_versions(session, {r[2].id for r in rows})
    found = []
    for line, ret, contract, tender, supplier_name, buyer_name in rows:
        current = newest.get((ret.contract_id, ret.period)) == ret.version
        found.append(SpendRequest(line, id_of(contract), contract.title, tender.reference, buyer_name, supplier_name,
                                  period_of(contract, ret.period), ret.version, current))  # fmt: skip
    return found


def _newest_versions(session: Session, contract_ids: set[int]) -> dict[tuple[int, int], int]:
    if not contract_ids:
        return {}
    rows = session.exec(
        select(DeliveryReturn.contract_id, DeliveryReturn.period, func.max(DeliveryReturn.version))
        .where(col(DeliveryReturn.contract_id).in_(contract_ids))
        .group_by(col(DeliveryReturn.contract_id), col(DeliveryReturn.period))
    ).all()
    return {(c, p): v for c, p, v in rows}


def spend_requests_for(session: Session, actor: User) -> list[SpendRequest]:
    """The partner's lines on current returns: awaiting an answer first, then the newest."""
    _partner(actor)
    found = [r for r in _requests(session, actor) if r.current]
    return sorted(found, key=lambda r: r.status != Confirmation.AWAITING)


def spend_request_for(session: Session, actor: User, spend_id: int) -> SpendRequest:
    """One of the partner's lines (current or not); a 404 for any other organisation's."""
    _partner(actor)
    found = _requests(session, actor, spend_id)
    if not found:
        raise NotFound(f"No spend line {spend_id}")
    return found[0]


def answer_spend(session: Session, actor: User, spend_id: int, confirm: bool, reason: object = "", *,
                 now: datetime | None = None) -> ReturnSpend:  # fmt: skip
    """The partner confirms its figure, or disputes it with a reason, on the period's current return."""
    request = spend_request_for(session, actor, spend_id)
    session.get(Contract, request.contract_id, with_for_update=True, populate_existing=True)  # one answer at a time
    row = session.get(ReturnSpend, spend_id, with_for_update=True, populate_existing=True)
    assert row is not None
    if not request.current:
        raise Conflict("answer: the supplier has sent a newer version of this return; answer the line on it",
                       field="answer")  # fmt: skip
    notice = published_in(session, request.contract_id, request.period.number)
    if notice is not None:
        raise Conflict(f"answer: period {request.period.number} was reported in the buyer's contract performance "
                       f"notice {notice.number}, published on {uk_date(notice.published_at)}; answers can no longer "
                       "change it. Tell the buyer and the supplier if the figure is wrong", field="answer")  # fmt: skip
    if confirm:
        text = limits.written(reason if reason is not None else "", "reason", "a note", maximum=limits.STATEMENT_MAX,
                              required=False)  # fmt: skip
    else:
        text = limits.written(reason, "reason", "why you dispute the figure: what you were paid, or what is wrong",
                              maximum=limits.STATEMENT_MAX)  # fmt: skip
    status = Confirmation.CONFIRMED if confirm else Confirmation.REFUSED
    before = {"confirmation": row.confirmation, "reason": row.answer_reason, "answered_at": row.answered_at}
    now = now or utcnow()
    row.confirmation, row.answer_reason, row.answered_by_id, row.answered_at = status, text, id_of(actor), now
    session.add(row)
    session.flush()
    tender_id = session.exec(select(Contract.tender_id).where(Contract.id == request.contract_id)).one()
    audit.record(
        session, actor, "return_spend.answered", "return_spend", id_of(row), tender_id=tender_id, before=before,
        after={"confirmation": status.value, "reason": text, "answered_at": now, "return_id": row.return_id,
               "contract_id": request.contract_id, "period": request.period.number, "identifier": row.identifier,
               "amount": pounds(row.amount)},
        reason=text,
    )  # fmt: skip
    return row


__all__ = [
    "SOURCES",
    "ReturnEntry",
    "SpendRequest",
    "Version",
    "answer_spend",
    "check",
    "opens_on",
    "period_of",
    "spend_request_for",
    "spend_requests_for",
    "submit_return",
    "version",
    "versions",
    "versions_of",
]
