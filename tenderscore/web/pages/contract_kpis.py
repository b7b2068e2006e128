"""A contract's KPIs, their variations and its delivery terms: everyone seated at the contract reads them; the
buyer's officer adds, varies and withdraws KPIs and sets the reporting cycle and rating rule (services/kpis.py)."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.core.performance import RETURN_CYCLES, Direction
from tenderscore.db import get_session
from tenderscore.db.models import ContractKpi, Role, User
from tenderscore.services import contract_access, kpis
from tenderscore.services.contract_access import Seat
from tenderscore.services.errors import NotFound
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page

SEATED = (Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)
DIRECTIONS = {Direction.AT_LEAST.value: "At least the target (more is better)",
              Direction.AT_MOST.value: "At most the target (less is better, like waiting times)"}  # fmt: skip


def _variations(contract_id: int) -> list[dict[str, Any]]:
    session = get_session()
    rows = kpis.variations(session, contract_id)
    people = {i: u.name for i in {r.varied_by_id for r in rows} if (u := session.get(User, i)) is not None}
    return [{"row": r, "before": json.loads(r.before), "after": json.loads(r.after),
             "by": people.get(r.varied_by_id, "")} for r in rows]  # fmt: skip


@bp.get("/contracts/<int:contract_id>/kpis")
@signed_in(*SEATED)
def contract_kpis(contract_id: int) -> str:
    seated = contract_access.contract_seat(get_session(), user(), contract_id)
    contract = seated.contract
    return render_template(
        "delivery/kpis.html", contract=contract, tender=seated.tender, manages=seated.seat == Seat.OFFICER,
        kpis=kpis.kpis_of(get_session(), contract_id, withdrawn=True), variations=_variations(contract_id),
        rule=kpis.rule_of(contract), published=kpis.published(contract), DIRECTIONS=DIRECTIONS,
    )  # fmt: skip


def entry_from_form() -> kpis.KpiEntry:
    form = request.form
    return kpis.KpiEntry(title=form.get("title", ""), description=form.get("description", ""),
                         target_value=form.get("target_value", ""), unit=form.get("unit", ""),
                         direction=form.get("direction", ""), evidence=form.get("evidence", ""))  # fmt: skip


def _new_page(contract_id: int) -> dict[str, Any]:
    seated = contract_access.managed_contract(get_session(), user(), contract_id, lock=False)
    return {"contract": seated.contract, "tender": seated.tender, "kpi": None, "form": request.form,
            "published": kpis.published(seated.contract), "DIRECTIONS": DIRECTIONS}  # fmt: skip


@bp.route("/contracts/<int:contract_id>/kpis/new", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("delivery/kpi_form.html", _new_page)
def add_contract_kpi(contract_id: int) -> BaseResponse:
    kpis.add_kpi(get_session(), user(), contract_id, entry_from_form(), basis=request.form.get("basis", ""),
                 reason=request.form.get("reason", ""))  # fmt: skip
    flash("The KPI was added.", "success")
    return redirect(url_for("pages.contract_kpis", contract_id=contract_id))


def _kpi(kpi_id: int) -> ContractKpi:
    found = get_session().get(ContractKpi, kpi_id)
    if found is None:
        raise NotFound(f"No KPI {kpi_id}")
    return found


def _vary_page(kpi_id: int) -> dict[str, Any]:
    kpi = _kpi(kpi_id)
    seated = contract_access.managed_contract(get_session(), user(), kpi.contract_id, lock=False)
    form = request.form if request.method == "POST" else {
        "title": kpi.title, "description": kpi.description, "unit": kpi.unit, "direction": kpi.direction,
        "evidence": kpi.evidence, "target_value": "" if kpi.target_value is None else str(kpi.target_value),
    }  # fmt: skip
    return {"contract": seated.contract, "tender": seated.tender, "kpi": kpi, "form": form,
            "published": kpis.published(seated.contract), "DIRECTIONS": DIRECTIONS}  # fmt: skip


@bp.route("/kpis/<int:kpi_id>", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("delivery/kpi_form.html", _vary_page)
def vary_contract_kpi(kpi_id: int) -> BaseResponse:
    if request.form.get("withdraw") == "yes":
        kpi = kpis.withdraw_kpi(get_session(), user(), kpi_id, reason=request.form.get("reason", ""))
        flash("The KPI was withdrawn. Its returns and ratings stay on record.", "success")
    else:
        kpi = kpis.vary_kpi(get_session(), user(), kpi_id, entry_from_form(), reason=request.form.get("reason", ""))
        flash("The KPI was changed.", "success")
    return redirect(url_for("pages.contract_kpis", contract_id=kpi.contract_id))


def _terms_page(contract_id: int) -> dict[str, Any]:
    seated = contract_access.managed_contract(get_session(), user(), contract_id, lock=False)
    rule = kpis.rule_of(seated.contract)
    form = request.form if request.method == "POST" else {"return_months": str(seated.contract.return_months),
                                                          **rule.as_dict()}  # fmt: skip
    return {"contract": seated.contract, "tender": seated.tender, "form": form, "cycles": RETURN_CYCLES,
            "published": kpis.published(seated.contract), "rule": rule}  # fmt: skip


@bp.route("/contracts/<int:contract_id>/delivery-terms", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("delivery/terms.html", _terms_page)
def contract_terms(contract_id: int) -> BaseResponse:
    form = request.form
    months = form.get("return_months", "")
    kpis.set_delivery_terms(
        get_session(), user(), contract_id, return_months=int(months) if months.isdigit() else 0,
        good=form.get("good", ""), approaching=form.get("approaching", ""),
        requires_improvement=form.get("requires_improvement", ""), reason=form.get("reason", ""),
    )  # fmt: skip
    flash("The delivery terms were changed.", "success")
    return redirect(url_for("pages.contract_kpis", contract_id=contract_id))

