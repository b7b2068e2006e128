"""The contract performance notice as an OCDS ``implementation`` release (ocds/releases.py), and its PDF builder's
refusals (reports/performance_notice.py), from frozen facts: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tenderscore.core.performance import Direction, Period, Rating, RatingRule
from tenderscore.core.performance_notice import KpiResult, PerformanceNoticeFacts
from tenderscore.ocds import dumps, implementation_release, loads
from tenderscore.reports import ReportError, build_performance_notice
from tenderscore.reports.facts import TenderFacts
from tests.ocds_schema import validate_release

from .test_releases import CONTRACT, OCID, at

D = Decimal
Q1 = Period(1, date(2027, 4, 1), date(2027, 6, 30))
Q2 = Period(2, date(2027, 7, 1), date(2027, 9, 30))
TARGET = D(75)


def result(kpi: str, period: Period, delivered: Decimal | None, rating: Rating, *, computed: Rating | None = None,
           unit: str = "percent", target: Decimal | None = TARGET, reason: str = "") -> KpiResult:  # fmt: skip
    return KpiResult(kpi_id=kpi, title=f"KPI {kpi}", unit=unit, target=target, target_text=f"{target}",
                     direction=Direction.AT_LEAST, period=period, delivered=delivered, percent=None,
                     computed=computed or rating, rating=rating, reason=reason)  # fmt: skip


def facts(*results: KpiResult, final: bool = False) -> PerformanceNoticeFacts:
    return PerformanceNoticeFacts(
        contract=CONTRACT, notice_id=f"{CONTRACT.contract_id}-performance-1", number=1, periods=(Q1, Q2),
        assessed_on=Q2.ends_on, final=final, results=results, rule=RatingRule(), published_at=at(20, 10, year=2027),
    )  # fmt: skip


RESULTS = (
    result("kpi-1", Q1, D("71.25"), Rating.GOOD),  # 95% of 75
    result("kpi-1", Q2, D(60), Rating.APPROACHING, computed=Rating.REQUIRES_IMPROVEMENT,
           reason="A court closure cut referrals for six weeks."),  # fmt: skip
    result("kpi-9", Q1, D("25000.50"), Rating.GOOD, unit="gbp", target=D(25000)),
    result("kpi-9", Q2, None, Rating.OTHER, unit="gbp", target=D(25000)),
)


def test_metrics_with_rated_observations_per_period() -> None:
    release = loads(dumps(implementation_release(facts(*RESULTS), release_id=f"{OCID}-implementation-1",
                                                 date=at(20, 10, year=2027))))  # fmt: skip
    validate_release(release)
    assert release["tag"] == ["implementation"]
    contract = release["contracts"][0]
    assert contract["status"] == "active" and contract["id"] == CONTRACT.contract_id
    metrics = {m["id"]: m for m in contract["implementation"]["metrics"]}
    first = {o["id"]: o for o in metrics["kpi-1"]["observations"]}
    assert list(first) == ["kpi-1-period-1-target", "kpi-1-period-1-actual", "kpi-1-period-2-target",
                           "kpi-1-period-2-actual"]  # fmt: skip
    actual = first["kpi-1-period-2-actual"]
    assert actual["measure"] == 60 and actual["unit"] == {"name": "percent"}
    assert actual["period"] == {"startDate": "2027-07-01T00:00:00+01:00", "endDate": "2027-09-30T23:59:59+01:00"}
    assert actual["measureClassification"] == {"scheme": "UK-contractPerformanceRating", "id": "slightlyBelow",
                                               "description": "Approaching target"}  # fmt: skip
    assert actual["notes"] == ("The published rule gives Requires improvement; the buyer rated it Approaching target "
                               "because: A court closure cut referrals for six weeks.")  # fmt: skip
    assert "notes" not in first["kpi-1-period-1-actual"]
    money = {o["id"]: o for o in metrics["kpi-9"]["observations"]}
    assert money["kpi-9-period-1-actual"]["value"] == {"amount": D("25000.50"), "currency": "GBP"}
    assert "measure" not in money["kpi-9-period-1-actual"]
    nothing = money["kpi-9-period-2-actual"]
    assert "value" not in nothing and nothing["measureClassification"]["id"] == "other"
    assert nothing["notes"] == "Nothing was reported to rate on."


def test_the_final_notice_terminates_the_contract() -> None:
    release = implementation_release(facts(*RESULTS, final=True), release_id=f"{OCID}-implementation-2",
                                     date=at(20, 10, year=2027))  # fmt: skip
    validate_release(loads(dumps(release)))
    assert release["contracts"][0]["status"] == "terminated"


TENDER = TenderFacts(reference="PRB-2026-014", title="Probation innovation partner", buyer="Ministry of Justice",
                     estimated_value=D(1000000), deadline=at(1, 11), published_at=at(1, 10), status="awarded",
                     rubric_hash="", awarded_bidder=None, award_decision=None)  # fmt: skip


def test_the_pdf_view_and_its_refusals() -> None:
    view = build_performance_notice(facts(*RESULTS), TENDER, generated_at=at(20, 10, year=2027), chain_head=None)
    assert view.overall == "Approaching target"  # the lowest rating, Other aside
    assert [p.overall for p in view.periods] == ["Good", "Approaching target"]
    assert [(r.first, r.target, r.delivered, r.rating) for r in view.results] == [
        (True, "75%", "71.25%", "Good"), (False, "75%", "60%", "Approaching target"),
        (True, "£25,000", "£25,000.50", "Good"), (False, "£25,000", "Not reported", "Other"),
    ]  # fmt: skip
    assert view.results[1].reason.startswith("A court closure") and view.judged == 1
    unreasoned = result("kpi-1", Q1, D(60), Rating.GOOD, computed=Rating.REQUIRES_IMPROVEMENT)
    with pytest.raises(ReportError, match="rated Good where the rule gives Requires improvement, with no reason"):
        build_performance_notice(facts(unreasoned), TENDER, generated_at=at(20, 10, year=2027), chain_head=None)
    with pytest.raises(ReportError, match="reports no rated period"):
        build_performance_notice(facts(), TENDER, generated_at=at(20, 10, year=2027), chain_head=None)
