"""Officers' tender pages: create from a rubric, adjust weights and thresholds, publish, open, assign the panel."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore import rubric_files
from tenderscore.core import Rubric
from tenderscore.db import get_session
from tenderscore.db.models import Role, id_of
from tenderscore.services import access
from tenderscore.services import panel as panel_service
from tenderscore.services import policies as policy_service
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import Problems, ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.ukdates import parse_uk
from tenderscore.web.views import decimal_or_none, form_page


def _deadline_from_form() -> Any:
    try:
        return parse_uk(
            request.form.get("deadline-day", ""),
            request.form.get("deadline-month", ""),
            request.form.get("deadline-year", ""),
            request.form.get("deadline-time", ""),
        )
    except ValueError as exc:
        raise ServiceError(f"deadline: {exc}", field="deadline") from None


def _new_tender_context() -> dict[str, Any]:
    return {
        "rubrics": sorted(rubric_files.shipped_rubrics()),
        "policies": policy_service.list_policies(get_session(), user()),
        "form": request.form,
    }


@bp.route("/tenders/new", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/new.html", _new_tender_context)
def tender_new() -> Any:
    session = get_session()
    upload = request.files.get("rubric_file")
    yaml_text = upload.read().decode("utf-8", errors="replace") if upload and upload.filename else None
    problems = Problems()  # every mistake on the form at once: what the page reads, then what the service checks
    rubric = problems.check(lambda: tender_service.load_rubric_source(request.form.get("rubric", ""), yaml_text))
    deadline = problems.check(_deadline_from_form)
    value = problems.check(lambda: decimal_or_none(request.form.get("estimated_value"), "estimated_value"))
    policy = request.form.get("policy_id", "")
    details: dict[str, Any] = {
        "reference": request.form.get("reference", ""),
        "title": request.form.get("title", ""),
        "description": request.form.get("description", ""),
        "policy_id": int(policy) if policy.isdigit() else None,
    }
    problems.found.extend(tender_service.tender_problems(session, deadline=deadline, **details).found)
    problems.raise_any()
    assert rubric is not None and deadline is not None
    tender = tender_service.create_tender(
        session, user(), rubric=rubric, deadline=deadline, estimated_value=value, **details
    )
    flash(f"Draft tender {tender.reference} created. Check the weights and thresholds, then publish.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender.id))


@bp.get("/tenders/<int:tender_id>")
@signed_in()
def tender_detail(tender_id: int) -> str:
    session = get_session()
    me = user()
    tender = tender_service.get_tender(session, me, tender_id)
    context: dict[str, Any] = {
        "tender": tender,
        "rubric": tender_service.rubric_of(tender),
        "buyer": tender_service.buyer_name(session, tender),
    }
    if me.role in (Role.OFFICER, Role.COMMISSIONER):
        context["breaches"] = tender_service.breaches(session, tender)
        context["received"] = access.visible_bids(session, me, tender_id).received
        context["panel"] = panel_service.panel(session, tender_id)
    if me.role == Role.OFFICER:
        context["evaluators"] = panel_service.eligible_evaluators(session, me, tender_id)
    if me.role == Role.BIDDER:
        context["versions"] = submission_service.my_submissions(session, me, tender_id)
    if me.role == Role.EVALUATOR:
        context["assignment"] = panel_service.assignment_of(session, tender_id, id_of(me))
    return render_template("tenders/detail.html", **context)


def _criterion_changes(rubric: Rubric) -> dict[str, dict[str, Any]]:
    """The weights and thresholds typed on the form, per criterion."""
    changes: dict[str, dict[str, Any]] = {}
    for c in rubric.criteria:
        typed: dict[str, Any] = {}
        weight = decimal_or_none(request.form.get(f"weight-{c.id}"), f"weight-{c.id}")
        if weight is not None:
            typed["weight"] = weight
        if c.mandatory_minimum is not None or request.form.get(f"mandatory-{c.id}"):
            typed["mandatory_minimum"] = decimal_or_none(request.form.get(f"mandatory-{c.id}"), f"mandatory-{c.id}")
        minimum = request.form.get(f"minimum-{c.id}")
        if minimum is not None:
            typed["minimum"] = int(minimum) if minimum.strip().isdigit() else None
        changes[c.id] = typed
    return changes


def _rubric_page(tender_id: int) -> dict[str, Any]:
    tender = tender_service.get_tender(get_session(), user(), tender_id)
    return {"tender": tender, "rubric": tender_service.rubric_of(tender), "form": request.form}


@bp.route("/tenders/<int:tender_id>/rubric", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/rubric.html", _rubric_page)
def tender_rubric(tender_id: int) -> Any:
    session = get_session()
    rubric = tender_service.rubric_of(tender_service.get_tender(session, user(), tender_id))
    edited = tender_service.with_criterion_changes(rubric, _criterion_changes(rubric))
    tender_service.update_draft(
        session,
        user(),
        tender_id,
        rubric=edited,
        expected_version=int(request.form.get("version", "0") or 0),
        reason=request.form.get("reason", ""),
    )
    flash("Weights and thresholds saved.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/publish")
@signed_in(Role.OFFICER)
def tender_publish(tender_id: int) -> BaseResponse:
    tender = tender_service.publish(get_session(), user(), tender_id)
    flash(
        f"{tender.reference} is published. Its rubric is now frozen (hash {(tender.rubric_hash or '')[:12]}…).",
        "success",
    )
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/open")
@signed_in(Role.OFFICER)
def tender_open(tender_id: int) -> BaseResponse:
    tender_service.open_bids(get_session(), user(), tender_id)
    flash("The bids are open for evaluation.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/panel")
@signed_in(Role.OFFICER)
def tender_assign(tender_id: int) -> BaseResponse:
    evaluator_id = request.form.get("evaluator_id", "")
    if not evaluator_id.isdigit():
        raise ServiceError("evaluator_id: choose an evaluator", field="evaluator_id")
    panel_service.assign_evaluator(get_session(), user(), tender_id, int(evaluator_id))
    flash("Evaluator assigned.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))
