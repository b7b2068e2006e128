"""Tender pages: create, change or delete a draft, adjust weights, publish, extend the deadline, open, history.

Every button on the tender page is one the service would accept now; one that cannot work yet is replaced by the
reason (``tenders.next_step``). A refusal shows the tender page, or the form, again with the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.wrappers import Response as BaseResponse

from tenderscore import rubric_files
from tenderscore.core import Rubric
from tenderscore.core.ukdates import UK, uk_time
from tenderscore.db import get_session
from tenderscore.db.models import Role, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import access, award_path, documents, performance_notices
from tenderscore.services import clarifications as clarification_service
from tenderscore.services import history as history_service
from tenderscore.services import lots as lot_service
from tenderscore.services import panel as panel_service
from tenderscore.services import policies as policy_service
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import Problems, ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.ukdates import parse_uk
from tenderscore.web.views import decimal_or_none, form_page, render_form, version_from_form


def _deadline_from_form(field: str = "deadline") -> Any:
    try:
        return parse_uk(
            request.form.get(f"{field}-day", ""),
            request.form.get(f"{field}-month", ""),
            request.form.get(f"{field}-year", ""),
            request.form.get(f"{field}-time", ""),
        )
    except ValueError as exc:
        raise ServiceError(f"{field}: {exc}", field=field) from None


def clarification_deadline_from_form() -> Any:
    """The clarification deadline typed, or None when its date was left blank (it is optional)."""
    if not any(request.form.get(f"clarification_deadline-{part}", "").strip() for part in ("day", "month", "year")):
        return None
    return _deadline_from_form("clarification_deadline")


def _typed_moment(moment: Any, field: str) -> dict[str, str]:
    """A stored moment as the date input shows it, in UK time (nothing for none)."""
    if moment is None:
        return {}
    local = moment.astimezone(UK)
    return {f"{field}-day": str(local.day), f"{field}-month": str(local.month), f"{field}-year": str(local.year),
            f"{field}-time": f"{local:%H:%M}"}  # fmt: skip


# The error summary lists problems in the order of the fields on the page.
_NEW_TENDER_ORDER = (
    "reference", "title", "description", "estimated_value", "deadline", "clarification_deadline", "policy_id", "rubric"
)  # fmt: skip


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
    questions_close = problems.check(clarification_deadline_from_form)
    value = problems.check(lambda: decimal_or_none(request.form.get("estimated_value"), "estimated_value"))
    policy = request.form.get("policy_id", "")
    details: dict[str, Any] = {
        "reference": request.form.get("reference", ""),
        "title": request.form.get("title", ""),
        "description": request.form.get("description", ""),
        "policy_id": int(policy) if policy.isdigit() else None,
        "clarification_deadline": questions_close,
    }
    problems.found.extend(tender_service.tender_problems(session, deadline=deadline, **details).found)
    problems.found.sort(
        key=lambda problem: _NEW_TENDER_ORDER.index(problem[0]) if problem[0] in _NEW_TENDER_ORDER else 99
    )
    problems.raise_any()
    assert rubric is not None and deadline is not None
    tender = tender_service.create_tender(
        session, user(), rubric=rubric, deadline=deadline, estimated_value=value, **details
    )
    flash(f"Draft tender {tender.reference} created. Check the weights and thresholds, then publish.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender.id))


def _detail_context(tender_id: int) -> dict[str, Any]:
    session = get_session()
    me = user()
    tender = tender_service.get_tender(session, me, tender_id)
    rubric = tender_service.rubric_of(tender)
    context: dict[str, Any] = {
        "tender": tender,
        "rubric": rubric,
        "how": {c.id: tender_service.criterion_in_words(rubric, c) for c in rubric.criteria},
        "buyer": tender_service.buyer_name(session, tender),
        "outcome": submission_service.outcome(session, me, tender_id),
        "documents": documents.listed(session, access.visible_documents(session, me, tender_id)),
        "clarifications": clarification_service.visible(session, me, tender_id),
        "questions_close": clarification_service.closes_at(tender),
        "cannot_ask": clarification_service.refusal_to_ask(tender, utcnow()),
        "notices": performance_notices.status_for_tender(session, me, tender_id),
    }
    context.update(lots_context(session, me, tender))
    if me.role in (Role.OFFICER, Role.COMMISSIONER):
        context["step"] = tender_service.next_step(session, tender)
        context["received"] = access.bids_received(session, me, tender_id)
        context["refused"] = submission_service.refused_attempts(session, me, tender_id)
        context["panel"] = panel_service.panel(session, tender_id)
        context["path"] = award_path.path(session, me, tender_id)
    if me.role == Role.OFFICER:
        context["evaluators"] = panel_service.eligible_evaluators(session, me, tender_id)
    if me.role == Role.BIDDER:
        context["versions"] = submission_service.my_submissions(session, me, tender_id)
    if me.role == Role.EVALUATOR:
        context["assignment"] = panel_service.assignment_of(session, tender_id, id_of(me))
    return context


def lots_context(session: Any, me: Any, tender: Any) -> dict[str, Any]:
    """What the tender page shows of lots: the tender a lot belongs to, every lot of a divided tender (none of an
    undivided one, whose page looks as it always did), the rule across them, and a bidder's bids in each lot."""
    head = lot_service.head_of(session, tender)
    family = lot_service.lots_of(session, tender)
    divided = len(family) > 1
    context: dict[str, Any] = {
        "head": head,
        "is_lot": tender.lot_of_id is not None,
        "lots": family if divided else [],
        "lot_rule": lot_service.rule_of(head) if divided else None,
    }
    if divided and me.role == Role.BIDDER:
        context["lot_bids"] = {
            id_of(lot): [v for v in submission_service.my_submissions(session, me, id_of(lot)) if v.is_current]
            for lot in family
        }
    return context


@bp.get("/tenders/<int:tender_id>")
@signed_in()
def tender_detail(tender_id: int) -> Any:
    return render_form("tenders/detail.html", **_detail_context(tender_id))


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


def rubric_total(rubric: Rubric) -> Decimal:
    return sum((c.weight for c in rubric.criteria), Decimal(0))


def _typed_total(rubric: Rubric, form: ImmutableMultiDict[str, str]) -> Decimal:
    """The weights typed on the form added up (each blank or unreadable one counts as the rubric's own)."""
    total = Decimal(0)
    for c in rubric.criteria:
        try:
            total += decimal_or_none(form.get(f"weight-{c.id}"), f"weight-{c.id}") or c.weight
        except ServiceError:
            total += c.weight
    return total


def _rubric_page(tender_id: int) -> dict[str, Any]:
    tender = tender_service.get_tender(get_session(), user(), tender_id)
    rubric = tender_service.rubric_of(tender)
    return {
        "tender": tender,
        "head": lot_service.head_of(get_session(), tender),
        "rubric": rubric,
        "how": {c.id: tender_service.criterion_in_words(rubric, c) for c in rubric.criteria},
        "form": request.form,
        "total": _typed_total(rubric, request.form) if request.method == "POST" else rubric_total(rubric),
        "breaches": tender_service.breaches(get_session(), tender) if tender.status == "draft" else [],
    }


@bp.route("/tenders/<int:tender_id>/rubric", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/rubric.html", _rubric_page)
def tender_rubric(tender_id: int) -> Any:
    session = get_session()
    if request.form.get("action") == "total":  # "Add up the weights": nothing saved, the page works without scripts
        return render_form("tenders/rubric.html", **_rubric_page(tender_id))
    rubric = tender_service.rubric_of(tender_service.get_tender(session, user(), tender_id))
    edited = tender_service.with_criterion_changes(rubric, _criterion_changes(rubric))
    tender_service.update_draft(
        session,
        user(),
        tender_id,
        rubric=edited,
        expected_version=version_from_form(),
        reason=request.form.get("reason", ""),
    )
    flash("Weights and thresholds saved.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/publish")
@signed_in(Role.OFFICER)
@form_page("tenders/detail.html", _detail_context)
def tender_publish(tender_id: int) -> BaseResponse:
    tender = tender_service.publish(get_session(), user(), tender_id)
    flash(f"{tender.reference} is published. Its rubric is now frozen and bidders can respond.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/open")
@signed_in(Role.OFFICER)
@form_page("tenders/detail.html", _detail_context)
def tender_open(tender_id: int) -> BaseResponse:
    tender_service.open_bids(get_session(), user(), tender_id)
    flash("The bids are open for evaluation.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


def _draft_page(tender_id: int) -> dict[str, Any]:
    """The draft's details form: what was typed on a POST, else the draft as it stands."""
    session = get_session()
    tender = tender_service.get_tender(session, user(), tender_id)
    if tender.status != "draft":
        raise ServiceError(f"{tender.reference} is {tender.status}: only a draft's details can be changed")
    form: Any = request.form
    if request.method == "GET":
        local = tender.deadline.astimezone(UK)
        form = {
            "title": tender.title,
            "lot_title": tender.lot_title or "",
            "description": tender.description,
            "estimated_value": "" if tender.estimated_value is None else f"{tender.estimated_value:f}",
            "policy_id": str(tender.policy_id or ""),
            "deadline-day": str(local.day),
            "deadline-month": str(local.month),
            "deadline-year": str(local.year),
            "deadline-time": f"{local:%H:%M}",
            "version": str(tender.version),
            **_typed_moment(tender.clarification_deadline, "clarification_deadline"),
        }
    return {
        "tender": tender,
        "head": lot_service.head_of(session, tender),
        "policies": policy_service.list_policies(session, user()),
        "form": form,
    }


@bp.route("/tenders/<int:tender_id>/edit", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/edit.html", _draft_page)
def tender_edit(tender_id: int) -> Any:
    problems = Problems()  # what the page cannot read, with what the service refuses, at once
    deadline = questions_close = None
    policy = ""
    if tender_service.get_tender(get_session(), user(), tender_id).lot_of_id is None:  # a lot's are its tender's
        deadline = problems.check(_deadline_from_form)
        questions_close = problems.check(clarification_deadline_from_form)
        policy = request.form.get("policy_id", "")
    value = problems.check(lambda: decimal_or_none(request.form.get("estimated_value"), "estimated_value"))
    _also(problems, lambda: tender_service.update_draft(
        get_session(), user(), tender_id, expected_version=version_from_form(), title=request.form.get("title", ""),
        description=request.form.get("description", ""), deadline=deadline, estimated_value=value,
        policy_id=int(policy) if policy.isdigit() else None, reason=request.form.get("reason", ""),
        clarification_deadline=questions_close, lot_title=request.form.get("lot_title"),
    ))  # fmt: skip
    problems.raise_any()
    flash("The draft's details are saved.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


T = TypeVar("T")


def _also(problems: Problems, call: Callable[[], T]) -> T | None:
    """``call()``, adding the mistakes it reports to those the page found (one message per field: the page's first),
    so that everything wrong with the form is told at once. A refusal that is not a mistake in the form is raised."""
    seen = {field for field, _ in problems.found}
    checked = Problems()
    result = checked.check(call)
    problems.found.extend((field, words) for field, words in checked.found if field not in seen)
    return result


@bp.route("/tenders/<int:tender_id>/delete", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/delete.html", _draft_page)
def tender_delete(tender_id: int) -> Any:
    tender = tender_service.delete_draft(
        get_session(), user(), tender_id, expected_version=version_from_form(), reason=request.form.get("reason", "")
    )
    if tender.lot_of_id is not None:
        flash(f"{lot_service.lot_name(tender)} ({tender.reference}) is removed from the tender.", "success")
        return redirect(url_for("pages.tender_detail", tender_id=tender.lot_of_id))
    flash(f"The draft {tender.reference} ({tender.title}) is deleted.", "success")
    return redirect(url_for("pages.dashboard"))


def _deadline_page(tender_id: int) -> dict[str, Any]:
    session = get_session()
    tender = tender_service.get_tender(session, user(), tender_id)
    answered = [c for c in clarification_service.visible(session, user(), tender_id) if c.answered_at]
    return {
        "tender": tender,
        "step": tender_service.next_step(session, tender),
        "received": access.bids_received(session, user(), tender_id),
        "answered": answered,
        "questions_close": tender_service.clarification_deadline_of(tender),
        "form": request.form if request.method == "POST" else {"following": request.args.get("following", "")},
    }


@bp.route("/tenders/<int:tender_id>/deadline", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("tenders/deadline.html", _deadline_page)
def tender_deadline(tender_id: int) -> Any:
    problems = Problems()
    deadline = problems.check(_deadline_from_form)
    questions_close = problems.check(clarification_deadline_from_form)
    following = request.form.get("following", "")
    tender = _also(problems, lambda: tender_service.extend_deadline(
        get_session(), user(), tender_id, expected_version=version_from_form(), deadline=deadline,
        reason=request.form.get("reason", ""), clarification_deadline=questions_close,
        following=int(following) if following.isdigit() else None,
    ))  # fmt: skip
    problems.raise_any()
    assert tender is not None
    flash(f"The deadline is now {uk_time(tender.deadline)}. Every bidder has been emailed.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


@bp.get("/tenders/<int:tender_id>/history")
@signed_in()
def tender_history(tender_id: int) -> Any:
    session = get_session()
    me = user()
    chosen = [k for k in request.args.getlist("kind") if k in history_service.KINDS]
    found = history_service.tender_history(session, me, tender_id, chosen)
    tender = tender_service.get_tender(session, me, tender_id)
    return render_form("tenders/history.html", tender=tender, history=found, kinds=history_service.KINDS, chosen=chosen)


@bp.post("/tenders/<int:tender_id>/panel")
@signed_in(Role.OFFICER)
@form_page("tenders/detail.html", _detail_context)
def tender_assign(tender_id: int) -> BaseResponse:
    evaluator_id = request.form.get("evaluator_id", "")
    if not evaluator_id.isdigit():
        raise ServiceError("evaluator_id: choose an evaluator", field="evaluator_id")
    panel_service.assign_evaluator(get_session(), user(), tender_id, int(evaluator_id))
    flash("Evaluator assigned.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))
