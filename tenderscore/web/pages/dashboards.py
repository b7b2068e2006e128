"""The dashboards of contracts in delivery: the list of one's contracts, each contract's KPIs against target over
time, and the commissioner's oversight across contracts; and their .xlsx exports."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, render_template
from markupsafe import Markup

from tenderscore.core.numbers import plain
from tenderscore.db import get_session
from tenderscore.db.models import ContractKpi, Role
from tenderscore.reports.kpi_chart import Point, kpi_chart_svg
from tenderscore.reports.share_chart import Group, grouped_bar_svg
from tenderscore.services import delivery_exports
from tenderscore.services import delivery_oversight as oversight
from tenderscore.services.delivery import DeliveryView, KpiPeriod
from tenderscore.services.kpis import target_text
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import XLSX, download

SEATED = (Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)  # contract_access decides which contracts each one sees
VCSE_SERIES = ("Promised", "Delivered (confirmed, counting)", "Reported by the supplier")


def figure(value: Decimal | None, unit: str) -> str:
    """A delivered figure with its unit, to 2 decimal places at most: ``14.4%``, ``£25,000``, ``3.6 FTE``."""
    if value is None:
        return ""
    return target_text(Decimal(plain(value.quantize(Decimal("0.01")))), unit)


def kpi_chart(view: DeliveryView, kpi: ContractKpi) -> Markup:
    """The chart of one KPI over the periods due so far in which it was in force (its target today)."""
    points = [_point(shown, p.late) for p in view.due if (shown := p.kpi(kpi.id)) is not None]
    target = target_text(kpi.target_value, kpi.unit)
    title = f"{kpi.title}: delivered against target by period"
    return kpi_chart_svg(points, target=kpi.target_value, target_shown=f"Target {target}" if target else "",
                         title=title, chart_id=f"kpi-{kpi.id}")  # fmt: skip


def _point(shown: KpiPeriod, late: bool) -> Point:
    return Point(f"Period {shown.period.number}", shown.delivered, figure(shown.delivered, shown.kpi.unit),
                 shown.rating.label, late)  # fmt: skip


@bp.get("/contracts")
@signed_in(*SEATED)
def contract_list() -> str:
    statuses = oversight.contract_statuses(get_session(), user())
    return render_template("dashboards/list.html", statuses=statuses, overseer=user().role in oversight.OVERSEERS)


@bp.get("/contracts/<int:contract_id>/performance")
@signed_in(*SEATED)
def contract_performance(contract_id: int) -> str:
    status = oversight.performance(get_session(), user(), contract_id)
    charts = [kpi_chart(status.view, kpi) for kpi in status.view.reported_kpis]
    return render_template("dashboards/performance.html", status=status, view=status.view, charts=charts,
                           figure=figure)  # fmt: skip


@bp.get("/contracts/<int:contract_id>/performance.xlsx")
@signed_in(*SEATED)
def contract_performance_xlsx(contract_id: int) -> Response:
    return download(*delivery_exports.contract_workbook(get_session(), user(), contract_id), XLSX)


@bp.get("/contracts/oversight")
@signed_in(*oversight.OVERSEERS)
def contract_oversight() -> str:
    shown = oversight.oversight(get_session(), user())
    groups = [
        Group(f"{v.status.view.tender.reference} {v.status.supplier}",
              (v.promised or Decimal(0), v.delivered or Decimal(0), v.reported or Decimal(0)))
        for v in shown.vcse
        if v.periods
    ]  # fmt: skip
    chart = grouped_bar_svg(groups, VCSE_SERIES, title="VCSE share promised and delivered, by contract") if groups \
        else None  # fmt: skip
    return render_template("dashboards/oversight.html", shown=shown, chart=chart, series=VCSE_SERIES, figure=figure)


@bp.get("/contracts/oversight.xlsx")
@signed_in(*oversight.OVERSEERS)
def contract_oversight_xlsx() -> Response:
    return download(*delivery_exports.oversight_workbook(get_session(), user()), XLSX)
