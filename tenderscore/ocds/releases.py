"""OCDS 1.1 releases for the UK profile: the tender notice, the contract award notice, the contract details notice
and the contract performance notice.

Each builder turns one frozen fact (``tenderscore.core.award``) into a plain dict that validates against the OCDS
1.1.5 release schema with the UK extension and the extensions it depends on. Every release repeats what earlier
ones said (the tender, its lots and award criteria; the parties) so that each stands on its own as published and
the compiled release agrees with the latest of them. Money is ``Decimal`` in pounds, always with currency GBP;
``jsonio.dumps`` writes it with its exact digits. Nothing personal is published: parties are organisations, and
there is no contact point anywhere.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tenderscore.core.award import AwardCriterion, AwardNotice, BidStatistics, ContractNotice, Kpi, Lot, TenderNotice
from tenderscore.core.performance_notice import KpiResult, PerformanceNoticeFacts

from .dates import instant, uk_day_end, uk_day_start
from .parties import BUYER, SUPPLIER, TENDERER, parties, reference

CURRENCY = "GBP"
LANGUAGE = "en"

# awardCriterionType (open codelist of the award criteria extension) has price, cost and quality. Social value is a
# quality criterion there; the name says it is social value so that a reader can still tell it apart.
CRITERION_TYPES = {"price": "price", "quality": "quality", "social value": "quality"}
SOCIAL_VALUE = "social value"

AWARD_STATUSES = frozenset({"pending", "active", "cancelled"})
PENDING, ACTIVE, CANCELLED = "pending", "active", "cancelled"


def _value(amount: Decimal) -> dict[str, Any]:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"an OCDS amount must be a finite Decimal, not {amount!r}")
    return {"amount": amount, "currency": CURRENCY}


def _release(ocid: str, release_id: str, date: datetime, tag: str) -> dict[str, Any]:
    """The fields every release starts with. A release id must be unique within its ocid and must not hold '#'."""
    if not ocid:
        raise ValueError("a release needs an ocid")
    if not release_id or "#" in release_id:
        raise ValueError(f"{release_id!r} is not a usable release id (non-empty, without '#')")
    return {
        "ocid": ocid,
        "id": release_id,
        "date": instant(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": LANGUAGE,
    }


def _criterion_kind(criterion: AwardCriterion) -> str:
    kind = " ".join(criterion.kind.replace("_", " ").replace("-", " ").lower().split())
    if kind not in CRITERION_TYPES:
        raise ValueError(f"award criterion {criterion.id!r} has kind {criterion.kind!r}; expected one of "
                         f"{', '.join(sorted(CRITERION_TYPES))}")
    return kind


def _criterion(criterion: AwardCriterion) -> dict[str, Any]:
    """One award criterion: its type, name, description and weight (a percentage, exactly as the rubric has it)."""
    kind = _criterion_kind(criterion)
    name = criterion.name.strip()
    if kind == SOCIAL_VALUE and SOCIAL_VALUE not in name.lower():
        name = f"Social value: {name}" if name else "Social value"
    entry: dict[str, Any] = {"type": CRITERION_TYPES[kind]}
    if name:  # the extension's strings have minLength 1: an empty one is left out, not published blank
        entry["name"] = name
    if criterion.description.strip():
        entry["description"] = criterion.description.strip()
    entry["numbers"] = [{"number": criterion.weight, "weight": "percentageExact"}]
    return entry


def _lot(lot: Lot) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": lot.id}
    if lot.title.strip():
        entry["title"] = lot.title
    if lot.value is not None:
        entry["value"] = _value(lot.value)
    if lot.criteria:
        entry["awardCriteria"] = {"criteria": [_criterion(criterion) for criterion in lot.criteria]}
    return entry


def _tender(notice: TenderNotice, status: str) -> dict[str, Any]:
    tender: dict[str, Any] = {"id": notice.reference, "title": notice.title}
    if notice.description.strip():
        tender["description"] = notice.description
    tender["status"] = status
    if notice.value is not None:
        tender["value"] = _value(notice.value)
    tender["tenderPeriod"] = {"startDate": instant(notice.published_at), "endDate": instant(notice.deadline)}
    if notice.lots:
        tender["lots"] = [_lot(lot) for lot in notice.lots]
    return tender


def tender_release(notice: TenderNotice, *, release_id: str, date: datetime, update: bool = False) -> dict[str, Any]:
    """The tender notice (tag ``tender``), or a change to it such as a new deadline (``tenderUpdate``)."""
    release = _release(notice.ocid, release_id, date, "tenderUpdate" if update else "tender")
    release["parties"] = parties([(notice.buyer, [BUYER])])
    release["buyer"] = reference(notice.buyer)
    release["tender"] = _tender(notice, ACTIVE)
    return release


def award_status(notice: AwardNotice) -> str:
    """``pending`` in standstill, ``active`` once the contract is entered into, ``cancelled`` once withdrawn (a
    withdrawal date makes the award cancelled whatever status the facts still carry)."""
    if notice.withdrawn_at is not None:
        return CANCELLED
    if notice.status not in AWARD_STATUSES:
        raise ValueError(f"award {notice.award_id!r} has status {notice.status!r}; expected one of "
                         f"{', '.join(sorted(AWARD_STATUSES))}")
    return notice.status


def _award(notice: AwardNotice, status: str) -> dict[str, Any]:
    award: dict[str, Any] = {
        "id": notice.award_id,
        "status": status,
        "date": instant(notice.decided_at),
        "value": _value(notice.value),
        "suppliers": [reference(notice.supplier)],
        "relatedLots": [notice.related_lot],
        "assessmentSummariesDateSent": instant(notice.assessment_summaries_sent_at),
        "standstillPeriod": {
            "startDate": instant(notice.standstill_start),
            "endDate": instant(notice.standstill_end),
        },
    }
    if status == CANCELLED:
        # Core 1.1 has no status details; the award's own description (a schema field) carries why, and the UK
        # extension's finalStatusDate says when.
        reason = (notice.withdrawn_reason or "").strip()
        award["description"] = f"The award decision was withdrawn: {reason}" if reason else (
            "The award decision was withdrawn."
        )
        if notice.withdrawn_at is not None:
            award["finalStatusDate"] = instant(notice.withdrawn_at)
    return award


def _statistics(statistics: BidStatistics, lot: str) -> list[dict[str, Any]]:
    """The UK profile's counts of final-stage bids (the UK extension's bidStatistics codes)."""
    counted = instant(statistics.counted_at)
    measures = (
        ("1", "finalStageBids", statistics.final_stage),
        ("2", "smeFinalStageBids", statistics.sme_final_stage),
        ("3", "vcseFinalStageBids", statistics.vcse_final_stage),
    )
    return [
        {"id": statistic_id, "measure": measure, "value": count, "date": counted, "relatedLot": lot}
        for statistic_id, measure, count in measures
    ]


def _award_parties(notice: AwardNotice, status: str) -> list[dict[str, Any]]:
    """The buyer, every bidder assessed in the final stage, and the winner as supplier (unless withdrawn: a
    withdrawn award makes no one a supplier, though the cancelled award still names whom it was to)."""
    winner_roles = [TENDERER] if status == CANCELLED else [TENDERER, SUPPLIER]
    return parties(
        [(notice.tender.buyer, [BUYER])]
        + [(tenderer, [TENDERER]) for tenderer in notice.tenderers]
        + [(notice.supplier, winner_roles)]
    )


def award_release(notice: AwardNotice, *, release_id: str, date: datetime, update: bool = False) -> dict[str, Any]:
    """The contract award notice (tag ``award``), or a change to it (``awardUpdate``: withdrawn, or entered into).

    The tender is ``complete`` once awarded, and ``active`` again when the award is withdrawn (the buyer may decide
    again)."""
    status = award_status(notice)
    release = _release(notice.tender.ocid, release_id, date, "awardUpdate" if update else "award")
    release["parties"] = _award_parties(notice, status)
    release["buyer"] = reference(notice.tender.buyer)
    release["tender"] = _tender(notice.tender, ACTIVE if status == CANCELLED else "complete")
    release["bids"] = {"statistics": _statistics(notice.statistics, notice.related_lot)}
    release["awards"] = [_award(notice, status)]
    return release


def _metric(kpi: Kpi) -> dict[str, Any]:
    """A KPI as an agreed metric: its target is one observation, a number as the performance notices' observations
    give it (``measure`` with its unit, or ``value`` for money: the schema allows a number or text), or worded as
    the contract words it when it is not a number."""
    metric: dict[str, Any] = {"id": kpi.id}
    if kpi.title.strip():
        metric["title"] = kpi.title.strip()
    if kpi.description.strip():
        metric["description"] = kpi.description.strip()
    observation: dict[str, Any] = {"id": f"{kpi.id}-target"}
    if kpi.target_value is not None:
        observation |= _amount_or_measure(kpi.target_value, kpi.unit)
    else:
        if kpi.target.strip():
            observation["measure"] = kpi.target.strip()
        if kpi.unit.strip():
            observation["unit"] = {"name": kpi.unit.strip()}
    metric["observations"] = [observation]
    return metric


def _contract(notice: ContractNotice) -> dict[str, Any]:
    if notice.end < notice.start:
        raise ValueError(f"contract {notice.contract_id!r} ends ({notice.end}) before it starts ({notice.start})")
    contract: dict[str, Any] = {
        "id": notice.contract_id,
        "awardID": notice.award.award_id,
        "title": notice.title,
        "status": ACTIVE,
        "value": _value(notice.value),
        "period": {"startDate": uk_day_start(notice.start), "endDate": uk_day_end(notice.end)},
        "dateSigned": uk_day_start(notice.signed_on),
    }
    if notice.kpis:
        contract["agreedMetrics"] = [_metric(kpi) for kpi in notice.kpis]
    elif notice.no_kpis_reason and notice.no_kpis_reason.strip():
        contract["noAgreedMetricsRationale"] = notice.no_kpis_reason.strip()
    return contract


def contract_release(notice: ContractNotice, *, release_id: str, date: datetime) -> dict[str, Any]:
    """The contract details notice (tag ``contract``). Entering into the contract makes its award ``active``, so
    the award is repeated here with that status."""
    if award_status(notice.award) == CANCELLED:
        raise ValueError(f"award {notice.award.award_id!r} was withdrawn: it has no contract to publish")
    release = _release(notice.award.tender.ocid, release_id, date, "contract")
    release["parties"] = _award_parties(notice.award, ACTIVE)
    release["buyer"] = reference(notice.award.tender.buyer)
    release["tender"] = _tender(notice.award.tender, "complete")
    release["awards"] = [_award(notice.award, ACTIVE)]
    release["contracts"] = [_contract(notice)]
    return release


# The scheme of an actual observation's rating: the five ratings of a contract performance notice, by the UK
# extension's ids (met, slightlyBelow, below, significantlyBelow, other), each described by the Act's words.
RATING_SCHEME = "UK-contractPerformanceRating"
MONEY_UNITS = frozenset({"gbp", "£", "pounds"})


def _amount_or_measure(figure: Decimal, unit: str) -> dict[str, Any]:
    """A figure as OCDS says it: ``value`` with currency for money, else ``measure`` with the unit's name."""
    if unit.strip().lower() in MONEY_UNITS:
        return {"value": _value(figure)}
    found: dict[str, Any] = {"measure": figure}
    if unit.strip():
        found["unit"] = {"name": unit.strip()}
    return found


def _observations(result: KpiResult) -> list[dict[str, Any]]:
    """The KPI's target and what was delivered in one period; the delivered one carries the period's rating."""
    base = f"{result.kpi_id}-period-{result.period.number}"
    period = {"startDate": uk_day_start(result.period.starts_on), "endDate": uk_day_end(result.period.ends_on)}
    target: dict[str, Any] = {"id": f"{base}-target", "period": period}
    if result.target is not None:
        target |= _amount_or_measure(result.target, result.unit)
    elif result.target_text.strip():
        target["measure"] = result.target_text.strip()
    actual: dict[str, Any] = {"id": f"{base}-actual", "period": period}
    if result.delivered is not None:
        actual |= _amount_or_measure(result.delivered, result.unit)
    actual["measureClassification"] = {"scheme": RATING_SCHEME, "id": result.rating.ocds,
                                       "description": result.rating.label}  # fmt: skip
    notes = []
    if result.delivered is None:
        notes.append("Nothing was reported to rate on.")
    if result.judged and result.reason.strip():
        notes.append(f"The published rule gives {result.computed.label}; the buyer rated it {result.rating.label} "
                     f"because: {result.reason.strip()}")  # fmt: skip
    if notes:
        actual["notes"] = " ".join(notes)
    return [target, actual]


def _performance_metrics(facts: PerformanceNoticeFacts) -> list[dict[str, Any]]:
    metrics: dict[str, dict[str, Any]] = {}
    for result in facts.results:
        metric = metrics.setdefault(result.kpi_id, {"id": result.kpi_id, "observations": []})
        if result.title.strip():
            metric.setdefault("title", result.title.strip())
        metric["observations"].extend(_observations(result))
    return list(metrics.values())


def implementation_release(facts: PerformanceNoticeFacts, *, release_id: str, date: datetime) -> dict[str, Any]:
    """The contract performance notice (tag ``implementation``): the contract as its details notice published it,
    with ``implementation.metrics``: for each KPI, its target and what was delivered in each period the notice
    covers, the delivered one classified by its rating. The final notice closes the contract (``terminated``)."""
    release = contract_release(facts.contract, release_id=release_id, date=date)
    release["tag"] = ["implementation"]
    contract = release["contracts"][0]
    if facts.final:
        contract["status"] = "terminated"
    if facts.results:
        contract["implementation"] = {"metrics": _performance_metrics(facts)}
    return release
