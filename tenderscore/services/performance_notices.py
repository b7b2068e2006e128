"""Contract performance notices (Procurement Act 2023, s.71; issue 15, part 4): publish one covering the rated
periods since the last, at least every 12 months and at the end of the contract.

Publishing is the buyer's officer's (``contract_access.managed_contract``) and is refused, with the reason, until:
the contract details notice is out; a reporting period has ended since the last notice; every one of those periods
is rated (the unrated named); and no rating is stale (a new return or a partner's answer came after it). The notice
covers every period that has ended since the last one; once the contract has ended and its last period is
covered, the notice is the **final** one, and no other follows it.

What is published, from one set of facts (``core.performance_notice``): the ``PerformanceNotice`` row with the
overall rating (the lowest of its ratings, Other aside); the PDF as an ``IssuedDocument`` (public, like the other
notices); and the OCDS ``implementation`` release in the tender's releases. The supplier's accounts are emailed,
and the step is audited. ``DeliveryView.next_notice`` says when the next is due.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderscore.core import kpi_words
from tenderscore.core.award import UK
from tenderscore.core.performance import Direction, NoticeDue, Rating, percent_achieved
from tenderscore.core.performance_notice import KpiResult, PerformanceNoticeFacts, ReturnFacts, VariationFacts
from tenderscore.core.ukdates import uk_date
from tenderscore.db.models import (
    Award,
    Contract,
    DeliveryReturn,
    DocumentKind,
    PerformanceNotice,
    Tender,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.reports import ReportError, build_performance_notice, performance_notice_pdf
from tenderscore.services import audit, award_path, awards, documents, kpis, publication, spend_answers
from tenderscore.services.contract_access import contract_seat, managed_contract
from tenderscore.services.delivery import DeliveryView, PeriodView, Spend, build, notice_due, notices_of, spend_of
from tenderscore.services.errors import Conflict, NotFound
from tenderscore.services.reports import tender_facts


@dataclass(frozen=True)
class NoticePlan:
    """What publishing now would cover, or why it cannot happen yet (pages show one or the other)."""

    periods: list[PeriodView]
    final: bool
    refusal: str | None


def _numbers(views: list[PeriodView]) -> str:
    numbers = [str(v.period.number) for v in views]
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"


def plan(view: DeliveryView) -> NoticePlan:
    """The periods the next notice would cover and whether it is the final one, or why none can be published."""
    contract = view.contract
    if contract.notice_published_at is None:
        return NoticePlan([], False, "Publish the contract details notice first")
    if any(n.final for n in view.notices):
        return NoticePlan([], False, "The final contract performance notice has been published")
    start = view.notices[-1].last_period + 1 if view.notices else 1
    ended = [p for p in view.periods if p.period.number >= start and p.period.ends_on < view.today]
    final = bool(ended) and contract.ends_on < view.today and ended[-1].period == view.periods[-1].period
    if not ended:
        after = f"since notice {view.notices[-1].number}" if view.notices else "yet"
        return NoticePlan([], False, f"No reporting period has ended {after}: there is nothing to assess")
    unrated = [p for p in ended if not p.rated]
    if unrated:
        word = "period" if len(unrated) == 1 else "periods"
        return NoticePlan(ended, final, f"Rate {word} {_numbers(unrated)} first: a notice reports every period "
                                        f"since the last, rated")  # fmt: skip
    stale = [p for p in ended if any(k.stale for k in p.kpis)]
    if stale:
        word = "period" if len(stale) == 1 else "periods"
        return NoticePlan(ended, final, f"Rate {word} {_numbers(stale)} again: a new return or a partner's answer "
                                        f"came after the ratings, and the rule now says otherwise")  # fmt: skip
    return NoticePlan(ended, final, None)


def _results(view: DeliveryView, covered: list[PeriodView]) -> tuple[KpiResult, ...]:
    """KPI by KPI, each period in order, as rated (the recorded rating, figure and the rule's rating then)."""
    found = []
    for row in view.reported_kpis:  # a KPI withdrawn since still reports the periods it was in force in
        for period in covered:
            line = period.kpi(row.id)
            if line is None:  # not in force in that period (added later, or withdrawn before)
                continue
            kpi = line.kpi  # its terms as they stood on the period's last day
            recorded = line.recorded
            assert recorded is not None  # plan() refuses unrated periods
            direction = Direction(kpi.direction)
            found.append(KpiResult(
                kpi_id=f"kpi-{kpi.id}", title=kpi.title, unit=kpi.unit, target=kpi.target_value,
                target_text=kpi.target, direction=direction, period=period.period, delivered=recorded.delivered,
                percent=percent_achieved(kpi.target_value, recorded.delivered, direction),
                computed=Rating(recorded.computed), rating=Rating(recorded.rating), reason=recorded.reason,
            ))  # fmt: skip
    return tuple(found)


def _terms_target(terms: dict[str, object]) -> str:
    value = terms.get("target_value")
    return kpi_words.target(Decimal(str(value)) if value not in (None, "") else None, str(terms.get("unit") or ""),
                            str(terms.get("direction") or Direction.AT_LEAST.value),
                            str(terms.get("target") or ""))  # fmt: skip


def _change(before: dict[str, object], after: dict[str, object]) -> str:
    """A variation in words: "Added, target 90%", "Withdrawn", "Target 90% to 85%; evidence expected changed"."""
    if not before:
        return f"Added, target {_terms_target(after)}" if _terms_target(after) else "Added"
    if not after:
        return "Withdrawn"
    changes = []
    if _terms_target(before) != _terms_target(after):
        changes.append(f"Target {_terms_target(before) or 'in words'} to {_terms_target(after) or 'in words'}")
    if before.get("title") != after.get("title"):
        changes.append(f"Renamed from “{before.get('title')}”")
    for key, words in (("description", "what it measures"), ("evidence", "evidence expected")):
        if before.get(key) != after.get(key):
            changes.append(f"{words} changed")
    return "; ".join(changes).capitalize() if changes else "Terms restated"


def _variations(session: Session, view: DeliveryView) -> tuple[VariationFacts, ...]:
    """The KPI variations and withdrawals since the last notice (all of them for the first)."""
    since = view.notices[-1].published_at if view.notices else None
    found = []
    for row in kpis.variations(session, id_of(view.contract)):
        if since is not None and row.varied_at <= since:
            continue
        before, after = json.loads(row.before), json.loads(row.after)
        found.append(VariationFacts(row.varied_at.astimezone(UK).date(), str((after or before).get("title", "")),
                                    _change(before, after), row.reason))  # fmt: skip
    return tuple(found)


def _returns(session: Session, covered: list[PeriodView]) -> tuple[ReturnFacts, ...]:
    """Each covered period's return as rated: the version the ratings read, when it came, and its VCSE spend."""
    rated_ids = {p.period.number: next((k.recorded.return_id for k in p.kpis if k.recorded is not None), None)
                 for p in covered}  # fmt: skip
    wanted = [rid for number, rid in rated_ids.items() if rid is not None]
    rows = {r.id: r for r in session.exec(select(DeliveryReturn).where(col(DeliveryReturn.id).in_(wanted))).all()}
    older = spend_of(session, [rid for p in covered if (rid := rated_ids[p.period.number]) is not None
                               and p.current is not None and rid != p.current.id])  # fmt: skip
    found = []
    for p in covered:
        rated = rows.get(rated_ids[p.period.number]) if rated_ids[p.period.number] is not None else None
        lines = older[rated.id] if rated is not None and rated.id in older else p.spend.lines
        split = spend_answers.answered(Spend(lines, p.spend.counting))
        found.append(ReturnFacts(
            period=p.period, version=rated.version if rated else None,
            received_at=rated.submitted_at if rated else None, late=p.late, vcse_reported=split.reported_gbp,
            vcse_counted=split.confirmed_gbp - split.uncounted_gbp, vcse_uncounted=split.uncounted_gbp,
            vcse_awaiting=split.awaiting_gbp, vcse_disputed=split.disputed_gbp,
        ))  # fmt: skip
    return tuple(found)


def _facts(session: Session, view: DeliveryView, planned: NoticePlan, award: Award, now: datetime, *,
           preview: bool = False) -> PerformanceNoticeFacts:  # fmt: skip
    """What the next notice says, from one read: its record, the PDF and the OCDS release all come from these.
    Its identifier is the id its OCDS implementation release is (or would be) published under."""
    tender = view.tender
    covered = planned.periods
    return PerformanceNoticeFacts(
        contract=publication.contract_notice(session, tender, award, view.contract),
        notice_id=publication.next_release_id(session, tender, "implementation"), number=len(view.notices) + 1,
        periods=tuple(p.period for p in covered), assessed_on=covered[-1].period.ends_on, final=planned.final,
        results=_results(view, covered), rule=view.rule, published_at=now, returns=_returns(session, covered),
        variations=_variations(session, view), preview=preview,
    )  # fmt: skip


@dataclass(frozen=True)
class _Draft:
    """The next notice as it would be issued now: what ``preview`` downloads and ``publish`` issues."""

    contract: Contract
    tender: Tender
    award: Award
    facts: PerformanceNoticeFacts
    pdf: bytes
    chain_head: str  # the audit chain's head printed in the PDF


def _draft(session: Session, actor: User, contract_id: int, now: datetime, *, preview: bool) -> _Draft:
    """The buyer's officer's next notice, facts and PDF, or a ``Conflict`` saying why there is none yet."""
    seated = managed_contract(session, actor, contract_id)
    contract, tender = seated.contract, seated.tender
    view = build(session, contract, tender, seated.seat, now=now)
    planned = plan(view)
    if planned.refusal:
        refusal = planned.refusal
        raise Conflict(f"There is nothing to preview: {refusal[0].lower()}{refusal[1:]}" if preview else refusal)
    award = session.get(Award, contract.award_id)
    assert award is not None
    facts = _facts(session, view, planned, award, now, preview=preview)
    head = audit.chain_head(session)
    try:
        document = build_performance_notice(facts, tender_facts(session, tender), generated_at=now, chain_head=head)
    except ReportError as exc:
        raise Conflict(str(exc)) from exc
    return _Draft(contract, tender, award, facts, performance_notice_pdf(document), head)


def preview(session: Session, actor: User, contract_id: int, *, now: datetime | None = None) -> tuple[str, bytes]:
    """The next notice's PDF as publishing now would issue it, marked "Preview - not published", for the buyer's
    officer: refused for the reason publishing would be; not stored as an issued document, its download audited."""
    draft = _draft(session, actor, contract_id, now or utcnow(), preview=True)
    facts = draft.facts
    audit.record(session, actor, "report.performance_notice_preview", "contract", contract_id,
                 tender_id=draft.tender.id,
                 after={"sha256": hashlib.sha256(draft.pdf).hexdigest(), "number": facts.number,
                        "periods": [facts.periods[0].number, facts.periods[-1].number], "preview": True,
                        "chain_head_printed": draft.chain_head})  # fmt: skip
    return f"{draft.tender.reference}-performance-notice-{facts.number}-preview.pdf", draft.pdf


def publish(
    session: Session, actor: User, contract_id: int, *, contract_url: str = "", now: datetime | None = None
) -> PerformanceNotice:
    """Publish the contract performance notice covering the rated periods since the last notice."""
    now = now or utcnow()
    draft = _draft(session, actor, contract_id, now, preview=False)
    contract, tender, facts = draft.contract, draft.tender, draft.facts
    number = facts.number
    covered = facts.periods
    name = f"{tender.reference}-performance-notice-{number}.pdf"
    issued = documents.store(session, actor, tender, draft.award, DocumentKind.PERFORMANCE_NOTICE, name, draft.pdf,
                             now=now)  # fmt: skip
    release_id = publication.store_implementation_release(session, tender, facts, date=now)
    assert release_id == facts.notice_id  # the PDF names the release it is published as
    notice = PerformanceNotice(
        contract_id=contract_id, number=number, first_period=covered[0].number,
        last_period=covered[-1].number, assessed_on=facts.assessed_on, final=facts.final,
        overall=facts.overall.value, document_id=issued.id, release_id=release_id, published_by_id=id_of(actor),
        published_at=now,
    )  # fmt: skip
    session.add(notice)
    session.flush()
    audit.record(
        session, actor, "contract.performance_notice_published", "performance_notice", notice.id,
        tender_id=tender.id,
        after={"contract_id": contract_id, "number": number, "periods": [notice.first_period, notice.last_period],
               "final": notice.final, "overall": notice.overall, "document_id": issued.id, "release_id": release_id},
    )  # fmt: skip
    kind = "final contract performance notice" if facts.final else f"contract performance notice {number}"
    award_path.email_organisations(
        session, [contract.supplier_org_id], "performance_notice",
        f"Contract performance notice published: {tender.reference}",
        f"The buyer has published the {kind} for {contract.title} ({tender.reference}), covering "
        f"{uk_date(covered[0].starts_on)} to {uk_date(facts.assessed_on)}. Overall rating: "
        f"{facts.overall.label}.\n\nThe notice, with each KPI's rating, is on the contract's page"
        + (f":\n{contract_url}\n" if contract_url else ".\n"),
    )  # fmt: skip
    return notice


@dataclass(frozen=True)
class NoticeStatus:
    """The tender page's line about its contract's performance notices."""

    contract_id: int
    published: int  # how many notices so far
    due: NoticeDue | None  # None once the final notice is out
    overdue: bool  # the day it had to be published by has passed


def status_for_tender(session: Session, actor: User, tender_id: int, *, now: datetime | None = None
                      ) -> NoticeStatus | None:  # fmt: skip
    """The performance notices of the tender's contract, for anyone with a seat at it; None when there is no
    contract in delivery or the actor has no seat at it."""
    award = awards.live_award(session, tender_id)
    contract = awards.contract_of(session, award) if award is not None else None
    if contract is None or contract.notice_published_at is None:
        return None
    try:
        contract_seat(session, actor, id_of(contract))
    except NotFound:
        return None
    published = notices_of(session, [id_of(contract)]).get(id_of(contract), [])
    due = notice_due(contract, published)
    today = (now or utcnow()).astimezone(UK).date()
    return NoticeStatus(id_of(contract), len(published), due, due is not None and due.overdue(today))


__all__ = ["NoticePlan", "NoticeStatus", "plan", "preview", "publish", "status_for_tender"]
