"""Rating a contract's KPIs for a reporting period (issue 15, part 3): the rule's rating, and the officer's.

Only the buyer's officer who manages the contract rates it (``contract_access.managed_contract``). For each KPI the
rating the published rule gives is taken from the contract as every door reads it (``delivery.build``), never
computed again here; the officer's rating is that one unless they choose another, which needs their reason. Rules:

- a period is rated once it has ended (what was delivered in it is only then complete);
- a period with no return at all may still be rated (a supplier who never reported must not escape a notice), but
  then every KPI needs the officer's reason, since the rule has nothing to rate on;
- a period reported in a published performance notice keeps the ratings published: it cannot be rated again;
- every KPI is rated at once, and a re-rating is a new row beside the old (the newest counts);
- every problem is reported at once, field by field (``kpis.<kpi id>.rating``, ``kpis.<kpi id>.reason``), and
  nothing is stored unless all is well; the rating is audited.

A rating becomes **stale** (``delivery.KpiPeriod.stale``) when the rule now says otherwise: a new version of the
return came, or a partner answered, after it was given. Re-rating the period brings it up to date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from tenderscore.core.performance import Rating
from tenderscore.core.ukdates import uk_date
from tenderscore.db.models import KpiRating, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit, limits
from tenderscore.services.contract_access import managed_contract
from tenderscore.services.delivery import DeliveryView, PeriodView, build
from tenderscore.services.errors import Conflict, Problems, ServiceError

REASON_MAX = limits.STATEMENT_MAX


@dataclass(frozen=True)
class Judgement:
    """The officer's rating of one KPI as typed: a rating (blank: the rule's) and the reason."""

    rating: str = ""
    reason: str = ""


def refusal(view: DeliveryView, period: PeriodView) -> str | None:
    """Why the period cannot be rated now, or None (pages use this to show the form or not)."""
    number = period.period.number
    if period.period.ends_on >= view.today:
        return (f"Period {number} ends on {uk_date(period.period.ends_on)}: rate it once it has ended")
    if period.notice is not None:
        return f"Period {number} was reported in performance notice {period.notice}: its ratings stand as published"
    if not period.kpis:
        return f"The contract had no KPIs in force in period {number} to rate"
    return None


def rate_period(
    session: Session,
    actor: User,
    contract_id: int,
    period: int,
    judgements: Mapping[int, Judgement | tuple[str, str]],
    *,
    now: datetime | None = None,
) -> list[KpiRating]:
    """Rate every KPI of the contract for ``period``: the rule's rating, or the officer's with a reason."""
    seated = managed_contract(session, actor, contract_id)
    now = now or utcnow()
    view = build(session, seated.contract, seated.tender, seated.seat, now=now)
    shown = view.period(period)
    refused = refusal(view, shown)
    if refused:
        raise Conflict(refused)
    given = {kpi_id: j if isinstance(j, Judgement) else Judgement(*j) for kpi_id, j in judgements.items()}
    problems = Problems()
    known = {id_of(k.kpi) for k in shown.kpis}
    for kpi_id in sorted(set(given) - known):
        problems.add(f"kpis.{kpi_id}", f"the contract has no KPI {kpi_id} to rate")
    rows: list[KpiRating] = []
    for line in shown.kpis:
        kpi_id = id_of(line.kpi)
        judgement = given.get(kpi_id, Judgement())
        field = f"kpis.{kpi_id}"
        chosen = judgement.rating.strip() or line.computed.value
        if chosen not in tuple(Rating):
            problems.add(f"{field}.rating", f"choose one of the five ratings for {line.kpi.title}")
            continue
        needs_reason = chosen != line.computed or shown.current is None
        try:
            reason = limits.written(judgement.reason, f"{field}.reason", f"the reason for the rating of "
                                    f"{line.kpi.title}", maximum=REASON_MAX, required=False)  # fmt: skip
        except ServiceError as exc:
            problems.found.extend((f or "", m) for f, m in exc.problems)
            continue
        if needs_reason and not reason:
            why = (f"the published rule gives {line.computed.label}" if shown.current is not None
                   else f"no return has come for period {period} (it is due by {uk_date(shown.period.due_on)}), so "
                   "the rule has nothing to rate on yet" if view.today <= shown.period.due_on
                   else f"no return came for period {period}, so the rule has nothing to rate on")  # fmt: skip
            problems.add(f"{field}.reason", f"give your reason for rating {line.kpi.title} as "
                                            f"{Rating(chosen).label}: {why}")  # fmt: skip
            continue
        rows.append(KpiRating(
            contract_id=contract_id, kpi_id=kpi_id, period=period,
            return_id=shown.current.id if shown.current is not None else None, delivered=line.delivered,
            computed=line.computed.value, rating=chosen, reason=reason, rated_by_id=id_of(actor), rated_at=now,
        ))  # fmt: skip
    problems.raise_any()
    session.add_all(rows)
    session.flush()
    audit.record(
        session, actor, "contract.period_rated", "contract", contract_id, tender_id=seated.tender.id,
        after={"period": period, "return_id": rows[0].return_id if rows else None,
               "ratings": [{"kpi_id": r.kpi_id, "delivered": r.delivered, "computed": r.computed, "rating": r.rating,
                            "reason": r.reason} for r in rows]},
    )  # fmt: skip
    return rows


__all__ = ["Judgement", "rate_period", "refusal"]
