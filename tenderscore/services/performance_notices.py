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

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from tenderscore.core.award import UK
from tenderscore.core.performance import Direction, NoticeDue, Rating, percent_achieved
from tenderscore.core.performance_notice import KpiResult, PerformanceNoticeFacts
from tenderscore.core.ukdates import uk_date
from tenderscore.db.models import Award, DocumentKind, PerformanceNotice, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.reports import ReportError, build_performance_notice, performance_notice_pdf
from tenderscore.services import audit, award_path, awards, documents, publication
from tenderscore.services.contract_access import contract_seat, managed_contract
from tenderscore.services.delivery import DeliveryView, PeriodView, build, notice_due, notices_of
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
    for kpi in view.kpis:
        for period in covered:
            line = next(k for k in period.kpis if k.kpi.id == kpi.id)
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


def publish(
    session: Session, actor: User, contract_id: int, *, contract_url: str = "", now: datetime | None = None
) -> PerformanceNotice:
    """Publish the contract performance notice covering the rated periods since the last notice."""
    seated = managed_contract(session, actor, contract_id)
    contract, tender = seated.contract, seated.tender
    now = now or utcnow()
    view = build(session, contract, tender, seated.seat, now=now)
    planned = plan(view)
    if planned.refusal:
        raise Conflict(planned.refusal)
    award = session.get(Award, contract.award_id)
    assert award is not None
    number = len(view.notices) + 1
    contract_notice = publication.contract_notice(session, tender, award, contract)
    covered = planned.periods
    facts = PerformanceNoticeFacts(
        contract=contract_notice, notice_id=f"{contract_notice.contract_id}-performance-{number}", number=number,
        periods=tuple(p.period for p in covered), assessed_on=covered[-1].period.ends_on, final=planned.final,
        results=_results(view, covered), rule=view.rule, published_at=now,
    )  # fmt: skip
    try:
        document = build_performance_notice(facts, tender_facts(session, tender), generated_at=now,
                                            chain_head=audit.chain_head(session))  # fmt: skip
    except ReportError as exc:
        raise Conflict(str(exc)) from exc
    name = f"{tender.reference}-performance-notice-{number}.pdf"
    issued = documents.store(session, actor, tender, award, DocumentKind.PERFORMANCE_NOTICE, name,
                             performance_notice_pdf(document), now=now)  # fmt: skip
    release_id = publication.store_implementation_release(session, tender, facts, date=now)
    notice = PerformanceNotice(
        contract_id=contract_id, number=number, first_period=covered[0].period.number,
        last_period=covered[-1].period.number, assessed_on=facts.assessed_on, final=facts.final,
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
        f"{uk_date(covered[0].period.starts_on)} to {uk_date(facts.assessed_on)}. Overall rating: "
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


__all__ = ["NoticePlan", "NoticeStatus", "plan", "publish", "status_for_tender"]
