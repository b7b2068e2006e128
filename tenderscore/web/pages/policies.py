"""Commissioners' policies: the minimum social-value weight and mandatory thresholds tenders must meet."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from tenderscore.core.numbers import plain
from tenderscore.core.register import Counting
from tenderscore.db import get_session
from tenderscore.db.models import Policy, Role
from tenderscore.reports.share_chart import Group, grouped_bar_svg
from tenderscore.services import policies as policy_service
from tenderscore.services import vcse_oversight as oversight
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page, version_from_form

ROWS = 4  # rows offered for mandatory commitments (one more than a policy already has, when it has more)
MAX_ROWS = 50  # rows read back from a form: more than any page offers


def _form_values() -> dict[str, Any]:
    """What the form sent, row by row as shown (blank rows too, so a problem stays on its row)."""
    commitments = []
    for i in range(MAX_ROWS):
        if f"measure_{i}" not in request.form and f"minimum_{i}" not in request.form:
            break
        commitments.append(
            {"measure": request.form.get(f"measure_{i}", "").strip(), "minimum": request.form.get(f"minimum_{i}", "")}
        )
    return {
        "name": request.form.get("name", ""),
        "min_social_value_weight": request.form.get("min_social_value_weight", ""),
        "mandatory_commitments": commitments,
        "required_criteria": [r for r in request.form.getlist("required_criteria") if r.strip()],
        "vcse_counting": request.form.get("vcse_counting", ""),
    }


COUNTING_HINTS = {
    Counting.VERIFIED: "A partner counts once a buyer has verified it against evidence, and while that lasts.",
    Counting.REGISTERED: "A partner counts once it is on the VCSE register, verified or not.",
    Counting.LISTED: "Every partner a bid lists counts, as before the register: nothing is checked.",
}


def _choices() -> dict[str, Any]:
    """What the form offers: the shipped rubrics' measures (with units) and criteria (by rubric)."""
    known = policy_service.vocabulary()
    return {
        "countings": [(c.value, c.words[:1].upper() + c.words[1:], COUNTING_HINTS[c]) for c in Counting],
        "measures": list(known.measures.values()),
        "affixes": {m.id: policy_service.UNIT_AFFIX[m.unit] for m in known.measures.values()},
        "rubrics": known.rubrics,
    }


def _rows(values: dict[str, Any]) -> int:
    return max(ROWS, len(values["mandatory_commitments"]) + (0 if request.method == "POST" else 1))


@bp.get("/policies")
@signed_in(Role.COMMISSIONER, Role.OFFICER)
def policy_list() -> str:
    policies = policy_service.list_policies(get_session(), user())
    return render_template("policies/list.html", policies=[_shown(p) for p in policies])


def _shown(policy: Policy) -> dict[str, Any]:
    """A policy as the list shows it: measures by name with their units, criteria by title."""
    return {
        "policy": policy,
        "weight": plain(policy.min_social_value_weight),
        "commitments": [
            policy_service.commitment_words(m.get("measure", ""), m.get("minimum", ""))
            for m in policy.mandatory_commitments
        ],
        "criteria": [policy_service.criterion_words(c) for c in policy.required_criteria],
        "counting": Counting(policy.vcse_counting).words,
    }


def _new_policy_page() -> dict[str, Any]:
    blank = {"name": "", "min_social_value_weight": "10", "mandatory_commitments": [], "required_criteria": [],
             "vcse_counting": Counting.VERIFIED.value}  # fmt: skip
    values = _form_values() if request.method == "POST" else blank
    return {"values": values, "policy": None, "rows": _rows(values), **_choices()}


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
        "vcse_counting": policy.vcse_counting,
        "reason": "",
    }
    values = {**_form_values(), "reason": request.form.get("reason", "")} if request.method == "POST" else stored
    return {"values": values, "policy": policy, "rows": _rows(values), **_choices()}


@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
@signed_in(Role.COMMISSIONER)
@form_page("policies/form.html", _edit_policy_page)
def policy_edit(policy_id: int) -> Any:
    policy_service.update_policy(
        get_session(),
        user(),
        policy_id,
        reason=request.form.get("reason", ""),
        expected_version=version_from_form(),
        **_form_values(),
    )
    flash("Policy updated. Tenders already published keep the thresholds they were published with.", "success")
    return redirect(url_for("pages.policy_list"))


@bp.get("/policies/<int:policy_id>/vcse")
@signed_in(Role.COMMISSIONER, Role.OFFICER)
def policy_vcse(policy_id: int) -> str:
    """The policy's VCSE share across its tenders: promised, verified, confirmed; and the partners that recur."""
    shown = oversight.policy_share(get_session(), user(), policy_id)
    minimum = next((m.minimum for m in policy_service.to_core(shown.policy).mandatory_commitments
                    if m.measure == "vcse_share"), None)  # fmt: skip
    groups = [
        Group(f"{t.tender.reference} {t.awarded.bidder}", (t.awarded.promised, t.awarded.verified, t.awarded.confirmed))
        for t in shown.awarded
        if t.awarded is not None
    ]
    chart = grouped_bar_svg(
        groups, SERIES, title=f"VCSE share of awarded contracts under {shown.policy.name}",
        line=minimum, line_label=f"Policy minimum {plain(minimum)}%" if minimum is not None else "",
    ) if groups else None  # fmt: skip
    return render_template("policies/vcse.html", shown=shown, chart=chart, minimum=minimum, series=SERIES,
                           counting=Counting(shown.policy.vcse_counting).words)  # fmt: skip


SERIES = ("Promised", "By verified partners", "By verified partners who confirmed")
