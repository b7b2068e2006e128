"""Build a contract performance notice (Procurement Act 2023, s.71) from ``core.performance_notice`` facts.

It prints the contract and supplier as the contract details notice did, each KPI's target, what was delivered and
its rating for every reporting period the notice covers, the buyer's reason wherever its rating differs from the
published rule's, the overall rating and the rule in words. Refused with ``ReportError``: a notice of another
tender, one with nothing to report, or a rating that differs from the rule's without a reason.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tenderscore.core import kpi_words
from tenderscore.core.numbers import money
from tenderscore.core.performance import overall
from tenderscore.core.performance_notice import KpiResult, PerformanceNoticeFacts, ReturnFacts
from tenderscore.core.ukdates import uk_date, uk_time

from .common import document_meta, tender_view
from .errors import ReportError
from .facts import TenderFacts
from .notice_views import KpiResultView, PerformanceNoticeView, PeriodRatingView, ReturnView, VariationView
from .notices import _same_tender, commitment_figure, party_view

PERFORMANCE_NOTICE = "Contract performance notice"
PREVIEW = "Preview - not published"


def figure(value: Decimal, unit: str) -> str:
    """A delivered figure in its unit, to 2 decimal places at most (a share of spend may not terminate)."""
    return kpi_words.figure(value, unit)


def _return(facts: ReturnFacts) -> ReturnView:
    vcse = ""
    if facts.vcse_reported:
        parts = [f"{money(facts.vcse_reported)} reported", f"{money(facts.vcse_counted)} confirmed and counted"]
        if facts.vcse_uncounted:
            parts.append(f"{money(facts.vcse_uncounted)} confirmed by partners that do not count")
        if facts.vcse_disputed:
            parts.append(f"{money(facts.vcse_disputed)} disputed by the partner")
        if facts.vcse_awaiting:
            parts.append(f"{money(facts.vcse_awaiting)} awaiting the partner's answer")
        vcse = "; ".join(parts)
    return ReturnView(
        label=f"Period {facts.period.number}",
        version=f"Version {facts.version}" if facts.version is not None else "No return",
        received=uk_time(facts.received_at) if facts.received_at is not None else "",
        late=facts.late,
        vcse=vcse,
    )


def _result(result: KpiResult, first: bool, where: str) -> KpiResultView:
    if result.judged and not result.reason.strip():
        raise ReportError(f"{where}: {result.title} in period {result.period.number} is rated "
                          f"{result.rating.label} where the rule gives {result.computed.label}, with no reason")
    return KpiResultView(
        title=result.title,
        first=first,
        period=f"Period {result.period.number}",
        target=kpi_words.target(result.target, result.unit, result.direction.value, result.target_text) or "Not set",
        delivered=figure(result.delivered, result.unit) if result.delivered is not None else "Not reported",
        percent=kpi_words.achieved(result.target, result.delivered, result.direction.value),
        computed=result.computed.label,
        rating=result.rating.label,
        reason=result.reason.strip() if result.judged else "",
    )


def build_performance_notice(
    facts: PerformanceNoticeFacts, tender: TenderFacts, *, generated_at: datetime, chain_head: str | None
) -> PerformanceNoticeView:
    """The contract performance notice of ``facts``."""
    notice = facts.contract
    _same_tender(notice.award.tender, tender, PERFORMANCE_NOTICE)
    where = f"tender {tender.reference}: contract performance notice {facts.number}"
    if not facts.periods or not facts.results:
        raise ReportError(f"{where} reports no rated period")
    first, last = facts.periods[0], facts.periods[-1]
    supplier = notice.award.supplier
    kind = "Final contract performance notice" if facts.final else f"Contract performance notice {facts.number}"
    doctype = f"{PERFORMANCE_NOTICE} ({PREVIEW})" if facts.preview else PERFORMANCE_NOTICE
    return PerformanceNoticeView(
        meta=document_meta(tender, doctype, f"{kind}: {notice.contract_id} with {supplier.name}",
                           generated_at),  # fmt: skip
        tender=tender_view(tender),
        notice_id=facts.notice_id,
        number=str(facts.number),
        final=facts.final,
        contract_id=notice.contract_id,
        contract_title=notice.title,
        supplier=party_view(supplier),
        value=commitment_figure(notice.value, "gbp"),
        start=uk_date(notice.start),
        end=uk_date(notice.end),
        covers=f"{uk_date(first.starts_on)} to {uk_date(last.ends_on)}",
        assessed_on=uk_date(facts.assessed_on),
        published=uk_time(facts.published_at),
        overall=facts.overall.label,
        periods=tuple(
            PeriodRatingView(f"Period {p.number}", f"{uk_date(p.starts_on)} to {uk_date(p.ends_on)}",
                             overall(r.rating for r in facts.results if r.period == p).label)  # fmt: skip
            for p in facts.periods
        ),
        results=tuple(_result(r, n == 0 or facts.results[n - 1].kpi_id != r.kpi_id, where)
                      for n, r in enumerate(facts.results)),
        judged=sum(1 for r in facts.results if r.judged),
        rule=tuple(facts.rule.lines()),
        chain_head=chain_head or "",
        returns=tuple(_return(r) for r in facts.returns),
        variations=tuple(VariationView(uk_date(v.varied_on), v.kpi, v.change, v.reason) for v in facts.variations),
        since=f"since notice {facts.number - 1}" if facts.number > 1 else "since the contract details notice",
        preview=facts.preview,
    )


__all__ = ["PERFORMANCE_NOTICE", "PREVIEW", "build_performance_notice", "figure"]
