"""Commissioners' policies: the minimum social-value weight and mandatory thresholds tenders must meet."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import policies as policy_service
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page

ROWS = 4  # blank rows offered for mandatory commitments


def _form_values() -> dict[str, Any]:
    commitments = []
    for i in range(ROWS):
        measure = request.form.get(f"measure_{i}", "").strip()
        minimum = request.form.get(f"minimum_{i}", "").strip()
        if measure or minimum:
            commitments.append({"measure": measure, "minimum": minimum})
    required = [r for r in request.form.get("required_criteria", "").replace(",", "\n").splitlines() if r.strip()]
    return {
        "name": request.form.get("name", ""),
        "min_social_value_weight": request.form.get("min_social_value_weight", ""),
        "mandatory_commitments": commitments,
        "required_criteria": required,
    }


@bp.get("/policies")
@signed_in(Role.COMMISSIONER, Role.OFFICER)
def policy_list() -> str:
    return render_template("policies/list.html", policies=policy_service.list_policies(get_session(), user()))


def _new_policy_page() -> dict[str, Any]:
    blank = {"name": "", "min_social_value_weight": "10", "mandatory_commitments": [], "required_criteria": []}
    return {"values": _form_values() if request.method == "POST" else blank, "policy": None, "rows": ROWS}


@bp.route("/policies/new", methods=["GET", "POST"])
@signed_in(Role.COMMISSIONER)
@form_page("policies/form.html", _new_policy_page)
def policy_new() -> Any:
    policy = policy_service.create_policy(get_session(), user(), **_form_values())
    flash(f"Policy “{policy.name}” saved.", "success")
    return redirect(url_for("pages.policy_list"))


def _edit_policy_page(policy_id: int) -> dict[str, Any]:
    policy = policy_service.get_policy(get_session(), user(), policy_id)
    stored = {
        "name": policy.name,
        "min_social_value_weight": str(policy.min_social_value_weight),
        "mandatory_commitments": policy.mandatory_commitments,
        "required_criteria": policy.required_criteria,
    }
    return {"values": _form_values() if request.method == "POST" else stored, "policy": policy, "rows": ROWS}


@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
@signed_in(Role.COMMISSIONER)
@form_page("policies/form.html", _edit_policy_page)
def policy_edit(policy_id: int) -> Any:
    policy_service.update_policy(
        get_session(),
        user(),
        policy_id,
        reason=request.form.get("reason", ""),
        expected_version=int(request.form.get("version", "0") or 0),
        **_form_values(),
    )
    flash("Policy updated. Tenders already published keep the thresholds they were published with.", "success")
    return redirect(url_for("pages.policy_list"))
