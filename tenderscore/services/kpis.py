"""A contract's KPIs in delivery: made from the winning bid's commitments, added by the officer, varied on the record.

When the contract is entered into, each commitment of the winning bid becomes a KPI with the promised figure as
its target for every reporting period (the VCSE share is measured from partners' confirmed spend; every other
commitment is a figure the supplier reports). Until the contract details notice is published the officer may edit
KPIs and the delivery terms (the reporting cycle and the rating rule) freely, each change audited. Once published,
nothing changes silently: every change to a KPI, a new one, or one withdrawn is a ``KpiVariation`` holding the terms
before and after and the reason, and a change to the rating rule or cycle needs a reason in the audit chain.

Time is respected: each reporting period reads the KPIs as they stood on its last day (``as_at``): a KPI added by a
variation counts from the period it was added in, one withdrawn stays in the periods before, and a varied target
applies from the period the variation falls in, never to one already ended. The reporting cycle cannot change once
the first period has ended (returns, ratings and notices are counted in its periods); a new rating rule applies to
every period not yet reported in a published notice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from tenderscore.core.award import UK
from tenderscore.core.numbers import plain, plural, read_number
from tenderscore.core.performance import RETURN_CYCLES, Direction, RatingRule, periods
from tenderscore.core.rubric import Rubric
from tenderscore.core.ukdates import uk_date
from tenderscore.db.models import Contract, ContractCommitment, ContractKpi, KpiVariation, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit, limits
from tenderscore.services.contract_access import managed_contract
from tenderscore.services.errors import Conflict, NotFound, Problems, ServiceError

FIGURE = "figure"
VCSE_SHARE = "vcse_share"
BASES = (FIGURE, VCSE_SHARE)
TARGET_MAX = Decimal("1000000000000")
UNITS = {"percent": "%", "gbp": "£", "fte": "FTE", "weeks": "weeks", "count": "", "tco2e": "tCO2e"}


@dataclass(frozen=True)
class KpiEntry:
    """A KPI's terms as the officer types them, checked all at once by ``checked``."""

    title: str = ""
    description: str = ""
    target_value: str = ""  # a number; blank: the KPI is rated by the officer's judgement alone (Other by rule)
    unit: str = ""
    direction: str = Direction.AT_LEAST.value
    evidence: str = ""


def checked(entry: KpiEntry) -> dict[str, object]:
    """The KPI's terms, cleaned, or an ``Invalid`` naming every field wrong."""
    problems = Problems()
    found: dict[str, object] = {}
    for name, what, maximum, required, one_line in (
        ("title", "the KPI's title", 200, True, True),
        ("description", "what the KPI measures", limits.STATEMENT_MAX, False, False),
        ("unit", "the unit", 50, False, True),
        ("evidence", "the evidence expected", limits.STATEMENT_MAX, False, False),
    ):
        try:
            found[name] = limits.written(getattr(entry, name), name, what, maximum=maximum, required=required,
                                         single_line=one_line)  # fmt: skip
        except ServiceError as exc:
            problems.found.extend((f or "", m) for f, m in exc.problems)
    found["target_value"] = _target(problems, entry.target_value)
    if entry.direction not in tuple(Direction):
        problems.add("direction", "choose whether the KPI is met by reaching at least or at most its target")
    found["direction"] = entry.direction
    problems.raise_any()
    return found


def _target(problems: Problems, text: str) -> Decimal | None:
    cleaned = (text or "").strip().removeprefix("£").removesuffix("%").strip()
    if not cleaned:
        return None
    value = read_number(cleaned)  # the one rule: commas only between thousands ("12,5" is not 125)
    if value is None:
        problems.add("target_value", f"enter the target as a number, like 15 or 2.5 (not '{text.strip()[:40]}')")
        return None
    if not value.is_finite() or value < 0 or value > TARGET_MAX:
        problems.add("target_value", "enter a target of 0 or more")
        return None
    return value


def target_text(value: Decimal | None, unit: str) -> str:
    """The target in words for the notices and pages: ``15%``, ``£25,000``, ``4 FTE``."""
    if value is None:
        return ""
    if unit in ("percent", "%"):
        return f"{plain(value)}%"
    if unit in ("gbp", "£"):
        return f"£{plain(value, grouped=True)}"
    shown = UNITS.get(unit, unit)
    return f"{plain(value, grouped=True)} {shown}".strip()


def from_commitments(
    rubric: Rubric, commitments: list[ContractCommitment], contract_id: int, first_position: int
) -> list[ContractKpi]:
    """A KPI for each commitment the contract carries, targets exactly as promised."""
    measures = {m.id: m for m in rubric.measures}
    criteria = {c.id: c for c in rubric.criteria}
    kpis = []
    for offset, commitment in enumerate(commitments):
        criterion = criteria.get(commitment.criterion_id)
        measure = measures.get(criterion.measure or "") if criterion else None
        vcse = commitment.criterion_id == rubric.vcse_criterion
        evidence = (
            "Spend with each VCSE partner in the period, named by its org-id identifier with the £, each figure "
            "confirmed by the partner; and the contract's total spend in the period."
            if vcse
            else f"The figure for the period with the records behind it. {measure.description if measure else ''}"
        )
        kpis.append(ContractKpi(
            contract_id=contract_id, position=first_position + offset, title=commitment.title,
            description=(measure.description if measure else "") or "",
            target=target_text(commitment.value, commitment.unit), unit=commitment.unit,
            target_value=commitment.value, direction=Direction.AT_LEAST.value,
            basis=VCSE_SHARE if vcse else FIGURE, evidence=evidence.strip(), criterion_id=commitment.criterion_id,
        ))  # fmt: skip
    return kpis


def kpis_of(session: Session, contract_id: int, *, withdrawn: bool = False) -> list[ContractKpi]:
    """The contract's KPIs in order (those withdrawn by a variation left out unless asked for)."""
    return kpis_by_contract(session, [contract_id], withdrawn=withdrawn).get(contract_id, [])


def kpis_by_contract(session: Session, contract_ids: list[int], *, withdrawn: bool = False
                     ) -> dict[int, list[ContractKpi]]:  # fmt: skip
    """``kpis_of`` for many contracts in one query."""
    found: dict[int, list[ContractKpi]] = {}
    if not contract_ids:
        return found
    query = select(ContractKpi).where(col(ContractKpi.contract_id).in_(contract_ids))
    if not withdrawn:
        query = query.where(col(ContractKpi.withdrawn_at).is_(None))
    for kpi in session.exec(query.order_by(col(ContractKpi.position))).all():
        found.setdefault(kpi.contract_id, []).append(kpi)
    return found


def terms(kpi: ContractKpi) -> dict[str, object]:
    """What a variation records of a KPI, before and after."""
    return {
        "title": kpi.title, "description": kpi.description, "target": kpi.target,
        "target_value": None if kpi.target_value is None else str(kpi.target_value), "unit": kpi.unit,
        "direction": kpi.direction, "basis": kpi.basis, "evidence": kpi.evidence,
    }  # fmt: skip


def published(contract: Contract) -> bool:
    return contract.notice_published_at is not None


def _reason(contract: Contract, reason: str) -> str:
    """The reason for a change: required once the contract details notice is out."""
    return limits.written(reason, "reason", "the reason for the variation", maximum=limits.STATEMENT_MAX,
                          required=published(contract))  # fmt: skip


def _vary(session: Session, actor: User, contract: Contract, kpi: ContractKpi, before: dict[str, object],
          reason: str, action: str, now: datetime) -> None:  # fmt: skip
    after = {} if kpi.withdrawn_at is not None else terms(kpi)
    if published(contract):
        session.add(KpiVariation(contract_id=id_of(contract), kpi_id=id_of(kpi), before=json.dumps(before),
                                 after=json.dumps(after), reason=reason, varied_by_id=id_of(actor),
                                 varied_at=now))  # fmt: skip
    audit.record(session, actor, action, "contract_kpi", kpi.id, tender_id=contract.tender_id, before=before or None,
                 after={**after, "contract_id": contract.id, "variation": published(contract)},
                 reason=reason)  # fmt: skip


def add_kpi(session: Session, actor: User, contract_id: int, entry: KpiEntry, *, basis: str = FIGURE,
            reason: str = "", now: datetime | None = None) -> ContractKpi:  # fmt: skip
    contract = managed_contract(session, actor, contract_id).contract
    problems = Problems()
    found = problems.check(lambda: checked(entry))
    why = problems.check(lambda: _reason(contract, reason))
    if basis not in BASES:
        problems.add("basis", "choose whether the supplier reports the figure or it is the VCSE share of spend")
    problems.raise_any()
    assert found is not None and why is not None
    existing = kpis_of(session, contract_id, withdrawn=True)
    value = found["target_value"]
    assert value is None or isinstance(value, Decimal)
    kpi = ContractKpi(contract_id=contract_id, position=max((k.position for k in existing), default=0) + 1,
                      target=target_text(value, str(found["unit"])) or "as described", basis=basis,
                      **{k: v for k, v in found.items()})  # type: ignore[arg-type]  # fmt: skip
    session.add(kpi)
    session.flush()
    _vary(session, actor, contract, kpi, {}, why, "kpi.added", now or utcnow())
    return kpi


def _managed_kpi(session: Session, actor: User, kpi_id: int) -> tuple[Contract, ContractKpi]:
    kpi = session.get(ContractKpi, kpi_id)
    if kpi is None:
        raise NotFound(f"No KPI {kpi_id}")
    contract = managed_contract(session, actor, kpi.contract_id).contract
    if kpi.withdrawn_at is not None:
        raise Conflict("This KPI has been withdrawn")
    return contract, kpi


def vary_kpi(session: Session, actor: User, kpi_id: int, entry: KpiEntry, *, reason: str = "",
             now: datetime | None = None) -> ContractKpi:  # fmt: skip
    """Change a KPI's terms: freely (audited) before the contract details notice, by a recorded variation after."""
    contract, kpi = _managed_kpi(session, actor, kpi_id)
    problems = Problems()
    found = problems.check(lambda: checked(entry))
    why = problems.check(lambda: _reason(contract, reason))
    problems.raise_any()
    assert found is not None and why is not None
    before = terms(kpi)
    for name, value in found.items():
        setattr(kpi, name, value)
    value = found["target_value"]
    if isinstance(value, Decimal):
        kpi.target = target_text(value, kpi.unit)  # a KPI without a number keeps its target in words
    if terms(kpi) == before:
        raise Conflict("Nothing changed: the KPI already has these terms")
    session.add(kpi)
    _vary(session, actor, contract, kpi, before, why, "kpi.varied", now or utcnow())
    return kpi


def withdraw_kpi(session: Session, actor: User, kpi_id: int, *, reason: str = "",
                 now: datetime | None = None) -> ContractKpi:  # fmt: skip
    """Withdraw a KPI (its returns and ratings stay on record); a reason is always required."""
    contract, kpi = _managed_kpi(session, actor, kpi_id)
    why = limits.written(reason, "reason", "why the KPI is withdrawn", maximum=limits.STATEMENT_MAX)
    now = now or utcnow()
    before = terms(kpi)
    kpi.withdrawn_at = now
    session.add(kpi)
    _vary(session, actor, contract, kpi, before, why, "kpi.withdrawn", now)
    return kpi


def variations(session: Session, contract_id: int) -> list[KpiVariation]:
    return list(session.exec(select(KpiVariation).where(KpiVariation.contract_id == contract_id)
                             .order_by(col(KpiVariation.varied_at), col(KpiVariation.id))).all())  # fmt: skip


def variations_by_contract(session: Session, contract_ids: list[int]) -> dict[int, list[KpiVariation]]:
    """``variations`` for many contracts in one query, oldest first."""
    found: dict[int, list[KpiVariation]] = {}
    if contract_ids:
        for row in session.exec(select(KpiVariation).where(col(KpiVariation.contract_id).in_(contract_ids))
                                .order_by(col(KpiVariation.varied_at), col(KpiVariation.id))).all():  # fmt: skip
            found.setdefault(row.contract_id, []).append(row)
    return found


def as_at(kpis: list[ContractKpi], varied: list[KpiVariation], moment: datetime) -> list[ContractKpi]:
    """The contract's KPIs as they stood at ``moment`` (a period's last instant), in order: a KPI added by a
    variation counts from the moment it was added, one withdrawn until the moment it was withdrawn, and a KPI varied
    since ``moment`` has the terms it had then (a copy, never added to the session). ``kpis`` must include the
    withdrawn ones. A change before the contract details notice is no variation: it holds from the start."""
    later: dict[int, list[KpiVariation]] = {}
    added: dict[int, datetime] = {}
    for row in varied:
        if row.before == "{}":
            added[row.kpi_id] = row.varied_at
        elif row.varied_at > moment:
            later.setdefault(row.kpi_id, []).append(row)
    found = []
    for kpi in kpis:
        kid = id_of(kpi)
        if kid in added and added[kid] > moment:
            continue
        if kid in later:
            found.append(_with_terms(kpi, json.loads(later[kid][0].before)))  # the terms just before the first
        elif kpi.withdrawn_at is None or kpi.withdrawn_at > moment:
            found.append(kpi)
    return found


def _with_terms(kpi: ContractKpi, old: dict[str, object]) -> ContractKpi:
    value = old.get("target_value")
    return ContractKpi(
        id=kpi.id, contract_id=kpi.contract_id, position=kpi.position, criterion_id=kpi.criterion_id,
        title=str(old.get("title", kpi.title)), description=str(old.get("description", kpi.description)),
        target=str(old.get("target", kpi.target)), unit=str(old.get("unit", kpi.unit)),
        target_value=None if value is None else Decimal(str(value)), direction=str(old.get("direction", kpi.direction)),
        basis=str(old.get("basis", kpi.basis)), evidence=str(old.get("evidence", kpi.evidence)),
        withdrawn_at=None,
    )  # fmt: skip


def rule_of(contract: Contract) -> RatingRule:
    return RatingRule.from_dict(json.loads(contract.rating_rule or "{}"))


def set_delivery_terms(
    session: Session, actor: User, contract_id: int, *, return_months: int, good: str, approaching: str,
    requires_improvement: str, reason: str = "",
) -> Contract:  # fmt: skip
    """The reporting cycle and the rating rule published with the contract; a reason once the notice is out."""
    contract = managed_contract(session, actor, contract_id).contract
    problems = Problems()
    if return_months not in RETURN_CYCLES:
        problems.add("return_months", "choose a reporting period of 1, 3, 6 or 12 months")
    elif return_months != contract.return_months:
        first = periods(contract.starts_on, contract.ends_on, contract.return_months)[0]
        if first.ends_on < utcnow().astimezone(UK).date():
            problems.add("return_months", f"the reporting period can no longer change: period 1 ended on "
                         f"{uk_date(first.ends_on)} and returns, ratings and notices are counted in periods of "
                         f"{plural(contract.return_months, 'month')}")  # fmt: skip
    numbers: dict[str, Decimal] = {}
    for name, text in (("good", good), ("approaching", approaching), ("requires_improvement", requires_improvement)):
        try:
            numbers[name] = Decimal(str(text).strip().removesuffix("%").strip())
        except InvalidOperation:
            problems.add(name, "enter a percentage of the target, like 95")
    why = problems.check(lambda: _reason(contract, reason))
    if len(numbers) == 3:
        for name, message in RatingRule(**numbers).problems():
            problems.add(name, message)
    problems.raise_any()
    rule = RatingRule(**numbers)
    before = {"return_months": contract.return_months, "rating_rule": rule_of(contract).as_dict()}
    after = {"return_months": return_months, "rating_rule": rule.as_dict()}
    if before == after:
        raise Conflict("Nothing changed: the contract already has these delivery terms")
    contract.return_months = return_months
    contract.rating_rule = json.dumps(rule.as_dict())
    session.add(contract)
    audit.record(session, actor, "contract.delivery_terms", "contract", contract.id, tender_id=contract.tender_id,
                 before=before, after=after, reason=why or "")  # fmt: skip
    return contract


__all__ = [
    "BASES",
    "FIGURE",
    "VCSE_SHARE",
    "KpiEntry",
    "add_kpi",
    "as_at",
    "checked",
    "from_commitments",
    "kpis_by_contract",
    "kpis_of",
    "rule_of",
    "set_delivery_terms",
    "target_text",
    "terms",
    "vary_kpi",
    "variations",
    "variations_by_contract",
    "withdraw_kpi",
]
