"""The contract entered into after the standstill, and its contract details notice (Procurement Act 2023, ss.52-53).

Recording the contract is refused until the standstill has ended with no challenge open. The contract names the
awarded supplier, its value and dates, and its KPIs: at least three for a contract worth more than £5m, or the
reason its performance cannot be assessed by KPIs (``core.award.kpi_problem``). The winning bid's social-value and
VCSE commitments are carried into it as promised. The contract details notice is then published (due within 30
days of the contract being entered into) as a PDF and an OCDS ``contract`` release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from tenderscore.core.award import UK, kpi_problem
from tenderscore.core.numbers import pounds, read_number
from tenderscore.core.rubric import CriterionKind
from tenderscore.db.models import (
    Contract,
    ContractCommitment,
    ContractKpi,
    DocumentKind,
    Submission,
    Tender,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.reports import ReportError, build_contract_notice, contract_notice_pdf
from tenderscore.services import audit, award_path, awards, documents, limits, publication
from tenderscore.services.bid_json import response_from_json
from tenderscore.services.errors import Conflict, Invalid, Problems, ServiceError
from tenderscore.services.kpis import from_commitments
from tenderscore.services.reports import tender_facts
from tenderscore.services.tenders import rubric_of

MONEY_MAX = Decimal("1000000000000")  # a trillion pounds: anything above is a typing mistake


@dataclass(frozen=True)
class KpiEntry:
    title: str = ""
    description: str = ""
    target: str = ""
    unit: str = ""

    @property
    def blank(self) -> bool:
        return not (self.title.strip() or self.description.strip() or self.target.strip() or self.unit.strip())


@dataclass(frozen=True)
class ContractEntry:
    """The contract as the officer enters it: text as typed, checked all at once."""

    title: str = ""
    value: str = ""
    starts_on: str = ""  # ISO dates (yyyy-mm-dd)
    ends_on: str = ""
    signed_on: str = ""
    kpis: list[KpiEntry] = field(default_factory=list)
    no_kpis_reason: str = ""


def _money(problems: Problems, text: str, name: str) -> Decimal | None:
    value = read_number(text.strip().removeprefix("£"))  # commas only between thousands
    if value is None:
        problems.add(name, f"enter the contract's value in pounds, like 1250000.00 (not '{text.strip()[:40]}')")
        return None
    if not value.is_finite() or value <= 0 or value > MONEY_MAX or value != value.quantize(Decimal("0.01")):
        problems.add(name, "enter a value in pounds and pence greater than £0, like 1250000.00")
        return None
    return value


def _day(problems: Problems, text: str, name: str, what: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.add(name, f"enter {what} as a real date")
        return None


def enter_contract(
    session: Session, actor: User, tender_id: int, entry: ContractEntry, *, now: datetime | None = None
) -> Contract:
    """Record the contract entered into with the awarded supplier, once the standstill has ended unchallenged."""
    tender, award = award_path.officer_award(session, actor, tender_id)
    now = now or utcnow()
    refusal = award_path.contract_refusal(
        award, awards.contract_of(session, award), award_path.open_challenge(session, award), now
    )
    if refusal:
        raise Conflict(refusal)
    problems = Problems()
    title = problems.check(lambda: limits.written(entry.title, "title", "the contract's title",
                                                  maximum=limits.TITLE_MAX, single_line=True))  # fmt: skip
    value = _money(problems, entry.value, "value")
    starts = _day(problems, entry.starts_on, "starts_on", "the date the contract starts")
    ends = _day(problems, entry.ends_on, "ends_on", "the date the contract ends")
    signed = _day(problems, entry.signed_on, "signed_on", "the date the contract was entered into")
    if starts and ends and ends < starts:
        problems.add("ends_on", "the contract must end on or after the day it starts")
    assert award.standstill_ends_at is not None
    first_day = award.standstill_ends_at.astimezone(UK).date()
    if signed and signed < first_day:
        problems.add("signed_on", f"the contract cannot have been entered into before the standstill ended "
                                  f"({first_day:%-d %B %Y} is the first day it could be)")  # fmt: skip
    if signed and signed > now.astimezone(UK).date():
        problems.add("signed_on", "the date the contract was entered into cannot be in the future")
    kpis = _kpis(problems, entry.kpis)
    reason = problems.check(lambda: limits.written(entry.no_kpis_reason, "no_kpis_reason",
                                                   "why performance cannot be assessed by KPIs",
                                                   maximum=limits.STATEMENT_MAX, required=False))  # fmt: skip
    winner = session.get(Submission, award.submission_id)
    assert winner is not None
    commitments = _commitments(tender, winner)  # each becomes a KPI too (services/kpis.from_commitments)
    if value is not None and kpis is not None and reason is not None:
        if kpis and reason:
            problems.add("no_kpis_reason", "leave the reason blank when the contract has KPIs")
        elif commitments and reason:
            problems.add("no_kpis_reason", f"leave the reason blank: the winning bid's {len(commitments)} "
                                           f"commitments become the contract's KPIs")  # fmt: skip
        else:
            wrong = kpi_problem(value, len(kpis) + len(commitments), reason)
            if wrong:
                problems.add("kpis", wrong)
    problems.raise_any()
    assert title and value and starts and ends and signed and kpis is not None
    contract = Contract(
        tender_id=id_of(tender), award_id=id_of(award), supplier_org_id=winner.bidder_org_id, title=title,
        value=value, starts_on=starts, ends_on=ends, signed_on=signed, no_kpis_reason=reason or None,
        recorded_by_id=id_of(actor), recorded_at=now,
    )  # fmt: skip
    session.add(contract)
    session.flush()
    for position, kpi in enumerate(kpis, start=1):
        session.add(ContractKpi(contract_id=id_of(contract), position=position, title=kpi.title,
                                description=kpi.description, target=kpi.target, unit=kpi.unit,
                                target_value=kpi_figure(kpi.target)))  # fmt: skip
    for commitment in commitments:
        commitment.contract_id = id_of(contract)
        session.add(commitment)
    measured = from_commitments(rubric_of(tender), commitments, id_of(contract), len(kpis) + 1)
    session.add_all(measured)
    award_path.record_step(
        session, actor, tender, "contract.entered", "contract", contract.id,
        {"supplier_org_id": contract.supplier_org_id, "value": pounds(value), "starts_on": starts.isoformat(),
         "ends_on": ends.isoformat(), "signed_on": signed.isoformat(),
         "kpis": [k.title for k in kpis], "commitment_kpis": [k.title for k in measured],
         "no_kpis_reason": reason or None,
         "commitments": [{"criterion_id": c.criterion_id, "value": c.value} for c in commitments]},
    )  # fmt: skip
    return contract


def kpi_figure(target: str) -> Decimal | None:
    """A target typed as a plain number (``12``, ``95.5``, ``1,200``) is measurable as it stands; words are not."""
    value = read_number(target)
    if value is None:
        return None
    return value if value.is_finite() and Decimal(0) <= value <= MONEY_MAX else None


def _kpis(problems: Problems, entries: list[KpiEntry]) -> list[KpiEntry] | None:
    """The KPIs filled in (blank rows skipped), or None after noting every problem with them."""
    kept, ok = [], True
    for number, entry in enumerate(entries, start=1):
        if entry.blank:
            continue
        fields = (
            ("title", entry.title, 200, True, True),
            ("target", entry.target, 200, True, True),
            ("description", entry.description, limits.STATEMENT_MAX, False, False),
            ("unit", entry.unit, 50, False, True),
        )
        found = {}
        for part, value, maximum, required, one_line in fields:
            try:
                found[part] = limits.written(value, f"kpis-{number}-{part}", f"KPI {number}'s {part}", maximum=maximum,
                                             required=required, single_line=one_line)  # fmt: skip
            except ServiceError as exc:
                problems.found.extend((f or "", m) for f, m in exc.problems)
        if len(found) < len(fields):
            ok = False
            continue
        kept.append(KpiEntry(found["title"], found["description"], found["target"], found["unit"]))
    return kept if ok else None


def _commitments(tender: Tender, winner: Submission) -> list[ContractCommitment]:
    """The winning bid's commitments, each with the rubric's words and unit, exactly as promised."""
    rubric = rubric_of(tender)
    response = response_from_json(winner.responses, bid_id=str(winner.id), bidder="")
    units = {m.id: m.unit.value for m in rubric.measures}
    return [
        ContractCommitment(
            contract_id=0,  # set by the caller once the contract has its id
            criterion_id=criterion.id,
            title=criterion.title,
            value=response.commitments[criterion.id],
            unit=units.get(criterion.measure or "", ""),
        )
        for criterion in rubric.of_kind(CriterionKind.COMMITMENT)
        if criterion.id in response.commitments
    ]


def publish_contract_notice(session: Session, actor: User, tender_id: int, *, now: datetime | None = None) -> Contract:
    """Publish the contract details notice: the PDF as issued and the OCDS ``contract`` release."""
    tender, award = award_path.officer_award(session, actor, tender_id)
    contract = awards.contract_of(session, award)
    if contract is None:
        raise Conflict("Record the contract entered into first")
    if contract.notice_published_at is not None:
        raise Conflict("The contract details notice has already been published")
    now = now or utcnow()
    contract.notice_published_at = now
    session.add(contract)
    session.flush()
    notice = publication.contract_notice(session, tender, award, contract)
    try:
        view = build_contract_notice(notice, tender_facts(session, tender), generated_at=now,
                                     chain_head=audit.chain_head(session))  # fmt: skip
    except ReportError as exc:
        raise Conflict(str(exc)) from exc
    documents.store(session, actor, tender, award, DocumentKind.CONTRACT_NOTICE,
                    f"{tender.reference}-contract-details-notice.pdf", contract_notice_pdf(view), now=now)  # fmt: skip
    publication.store_contract_release(session, tender, notice, date=now)
    award_path.record_step(session, actor, tender, "contract.notice_published", "contract", contract.id,
                           {"notice_published_at": now})  # fmt: skip
    return contract


__all__ = ["ContractEntry", "Invalid", "KpiEntry", "ServiceError", "enter_contract", "publish_contract_notice"]
