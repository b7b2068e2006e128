"""A contract's performance: its reporting periods with their ratings, rating a period's KPIs, and the contract
performance notices (s.71) with when the next is due.

Everyone with a seat at the contract reads these pages (``contract_access``: the buyer's officers, the
commissioner, the supplier); only the officer rates and publishes, and a refusal shows the page again with the
GOV.UK error summary and what was typed (``form_page``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.core.performance import Rating
from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import delivery, performance_notices, ratings
from tenderscore.services.contract_access import Seat
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import PDF, download, email_url, form_page, render_form

SEATS = (Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)
RATINGS = [(r.value, r.label) for r in Rating]


def contract_link(contract_id: int) -> str:
    """The contract's performance page as a full link for an email."""
    return email_url("pages.contract_ratings", contract_id=contract_id)


def _contract_page(contract_id: int) -> dict[str, Any]:
    view = delivery.delivery(get_session(), user(), contract_id)
    return {
        "view": view,
        "officer": view.seat == Seat.OFFICER,
        "plan": performance_notices.plan(view),
        "overdue": view.notice_overdue,
        "rating_of": Rating,
        "form": request.form,
    }


@bp.get("/contracts/<int:contract_id>/ratings")
@signed_in(*SEATS)
def contract_ratings(contract_id: int) -> Response:
    return render_form("performance/contract.html", **_contract_page(contract_id))


@bp.post("/contracts/<int:contract_id>/performance-notices")
@signed_in(Role.OFFICER)
@form_page("performance/contract.html", _contract_page)
def publish_performance_notice(contract_id: int) -> BaseResponse:
    notice = performance_notices.publish(get_session(), user(), contract_id, contract_url=contract_link(contract_id))
    what = "The final contract performance notice" if notice.final else f"Contract performance notice {notice.number}"
    flash(f"{what} is published, rated {Rating(notice.overall).label} overall. The supplier has been emailed.",
          "success")  # fmt: skip
    return redirect(url_for("pages.contract_ratings", contract_id=contract_id))


@bp.get("/contracts/<int:contract_id>/performance-notices/preview.pdf")
@signed_in(Role.OFFICER)
def preview_performance_notice(contract_id: int) -> Response:
    """The next notice as publishing now would issue it, marked "Preview - not published" (nothing is issued)."""
    return download(*performance_notices.preview(get_session(), user(), contract_id), PDF)


def _rate_page(contract_id: int, period: int) -> dict[str, Any]:
    view = delivery.delivery(get_session(), user(), contract_id)
    shown = view.period(period)
    refusal = ratings.refusal(view, shown)
    return {
        "view": view,
        "shown": shown,
        "officer": view.seat == Seat.OFFICER,
        "refusal": refusal,
        "ratings": RATINGS,
        "rating_of": Rating,
        "form": request.form,
    }


def judgements_from_form(shown: delivery.PeriodView) -> dict[int, ratings.Judgement]:
    return {
        kpi_id: ratings.Judgement(request.form.get(f"kpis.{kpi_id}.rating", ""),
                                  request.form.get(f"kpis.{kpi_id}.reason", ""))  # fmt: skip
        for kpi_id in (k.kpi.id for k in shown.kpis)
        if kpi_id is not None
    }


@bp.route("/contracts/<int:contract_id>/periods/<int:period>/ratings", methods=["GET", "POST"])
@signed_in(*SEATS)
@form_page("performance/rate.html", _rate_page)
def rate_period(contract_id: int, period: int) -> BaseResponse:
    session = get_session()
    shown = delivery.delivery(session, user(), contract_id).period(period)
    rows = ratings.rate_period(session, user(), contract_id, period, judgements_from_form(shown))
    judged = sum(1 for r in rows if r.rating != r.computed)
    how = f"{judged} by your judgement with its reason" if judged else "each as the published rule gives"
    flash(f"Period {period} rated: {len(rows)} KPIs, {how}.", "success")
    return redirect(url_for("pages.contract_ratings", contract_id=contract_id))
