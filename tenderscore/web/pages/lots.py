"""Lots pages (docs/lots.md): divide a draft tender into lots, add a lot, and set the rule across its lots.

Each lot then has the tender pages of its own (/tenders/<lot id>): details, weights and thresholds, removal, and
after publication its bids, evaluation and award. What the lots share is set on the tender (services/lots.py).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from tenderscore.db import get_session
from tenderscore.db.models import Role, Tender
from tenderscore.services import lots as lot_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import Conflict, Problems, ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import decimal_or_none, form_page, version_from_form


def _draft_tender(tender_id: int) -> Tender:
    """The tender the form is about; lots are set on a draft tender, not on a lot (the service refuses either)."""
    session = get_session()
    tender = tender_service.get_tender(session, user(), tender_id)
    if tender.lot_of_id is not None:
        head = lot_service.head_of(session, tender)
        raise Conflict(f"This is {lot_service.lot_name(tender)} of {head.reference}: lots are set on the tender")
    if tender.status != "draft":
        raise Conflict(f"{tender.reference} is {tender.status}: its lots were settled when it was published")
    return tender


def _lot_page(tender_id: int) -> dict[str, Any]:
    session = get_session()
    tender = _draft_tender(tender_id)
    family = lot_service.lots_of(session, tender)
    return {
        "tender": tender,
        "lots": family,
        "dividing": len(family) == 1,
        "next_number": max(lot.lot_number for lot in family) + 1 if len(family) > 1 else 2,
        "form": request.form,
    }


@bp.route("/tenders/<int:tender_id>/lots/new", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/lot_new.html", _lot_page)
def lot_new(tender_id: int) -> Any:
    """Divide a draft tender into lots (naming lot 1 and the first further lot) or add a further lot to it."""
    problems = Problems()
    value = problems.check(lambda: decimal_or_none(request.form.get("estimated_value"), "estimated_value"))
    checked = Problems()
    lot = checked.check(
        lambda: lot_service.add_lot(
            get_session(), user(), tender_id, expected_version=version_from_form(),
            title=request.form.get("title", ""), estimated_value=value,
            first_title=request.form.get("first_title") if "first_title" in request.form else None,
        )
    )  # fmt: skip
    seen = {field for field, _ in problems.found}
    problems.found.extend((field, words) for field, words in checked.found if field not in seen)
    problems.raise_any()
    assert lot is not None
    flash(f"{lot_service.lot_name(lot)} ({lot.reference}) is added. Set its weights and thresholds.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


def _rule_page(tender_id: int) -> dict[str, Any]:
    session = get_session()
    tender = _draft_tender(tender_id)
    form: Any = request.form
    if request.method == "GET":
        form = {"lot_cap": "" if tender.lot_cap is None else str(tender.lot_cap), "lot_order": tender.lot_order}
    return {
        "tender": tender,
        "lots": lot_service.lots_of(session, tender),
        "rule": lot_service.rule_of(tender),
        "form": form,
    }


def _cap_from_form() -> int | None:
    typed = request.form.get("lot_cap", "").strip()
    if not typed:
        return None
    if not typed.isdigit():
        raise ServiceError(
            "lot_cap: enter a whole number of lots, such as 1, or leave it empty for no limit", field="lot_cap"
        )
    return int(typed)


@bp.route("/tenders/<int:tender_id>/lot-rule", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/lot_rule.html", _rule_page)
def lot_rule(tender_id: int) -> Any:
    """The most lots one bidder may win (empty: no limit) and which lots are settled first when that bites."""
    cap = _cap_from_form()
    head = lot_service.set_rule(
        get_session(), user(), tender_id, expected_version=version_from_form(), cap=cap,
        order=request.form.get("lot_order", ""),
    )  # fmt: skip
    flash(f"The rule across lots is saved. {lot_service.rule_of(head).words}", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))
