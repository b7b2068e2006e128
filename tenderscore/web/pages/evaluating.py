"""Evaluators' pages: the conflict-of-interest declaration, then independent scoring with reasons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from tenderscore.core import Criterion, CriterionKind
from tenderscore.db import get_session
from tenderscore.db.models import Role, Score, TenderStatus, id_of
from tenderscore.services import access
from tenderscore.services import evaluation as evaluation_service
from tenderscore.services import panel as panel_service
from tenderscore.services import scoring as scoring_service
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.bid_json import response_from_json
from tenderscore.services.errors import ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page, render_form


def _declaration_page(tender_id: int) -> dict[str, Any]:
    session = get_session()
    return {
        "tender": tender_service.get_tender(session, user(), tender_id),
        "bidders": access.bidders_to_declare(session, user(), tender_id),  # none until the bids are opened
        "form": request.form,
    }


@bp.route("/tenders/<int:tender_id>/declaration", methods=["GET", "POST"])
@signed_in(Role.EVALUATOR)
@form_page("evaluating/declaration.html", _declaration_page)
def declaration(tender_id: int) -> Any:
    session = get_session()
    bidders = access.bidders_to_declare(session, user(), tender_id)
    conflicts = [
        (id_of(org), request.form.get(f"details-{org.id}", ""))
        for org in bidders
        if request.form.get(f"conflict-{org.id}")
    ]
    panel_service.declare(session, user(), tender_id, statement=request.form.get("statement", ""), conflicts=conflicts)
    flash("Declaration recorded.", "success")
    return redirect(url_for("pages.evaluator_bids", tender_id=tender_id))


@bp.get("/tenders/<int:tender_id>/bids")
@signed_in(Role.EVALUATOR)
def evaluator_bids(tender_id: int) -> Any:
    session = get_session()
    me = user()
    tender = tender_service.get_tender(session, me, tender_id)
    assignment = panel_service.assignment_of(session, tender_id, id_of(me))
    if assignment is None or assignment.declared_at is None:
        return redirect(url_for("pages.declaration", tender_id=tender_id))
    visible = access.visible_bids(session, me, tender_id)
    scored = tender_service.rubric_of(tender).of_kind(CriterionKind.SCORED)
    progress = scoring_service.my_progress(session, me, [id_of(s) for s in visible.bids], len(scored))
    exclusions = evaluation_service.compliance_exclusions_of(session, tender, visible.bids)
    rows = [
        {
            "submission": submission,
            "bidder": visible.bidders[id_of(submission)],
            "excluded": [e.reason for e in exclusions[id_of(submission)]],
            "progress": progress[id_of(submission)],
        }
        for submission in visible.bids
    ]
    conflicted = len(panel_service.conflicted_bidders(session, assignment))
    return render_form("evaluating/bids.html", tender=tender, rows=rows, conflicted=conflicted, sealed=visible.sealed)


def _typed(form: MultiDict[str, str], criterion: Criterion, saved: Score | None) -> dict[str, str]:
    """What the form shows for one criterion: what was typed when the page comes back after a refusal, else what
    is saved."""
    if form.get("action"):
        return {
            "score": form.get(f"score-{criterion.id}", ""),
            "reason": form.get(f"reason-{criterion.id}", ""),
            "version": form.get(f"version-{criterion.id}", ""),
        }
    return {
        "score": str(saved.score) if saved else "",
        "reason": saved.reason if saved else "",
        "version": str(saved.version) if saved else "",
    }


def scoring_items(
    criteria: Sequence[Criterion],
    saved: Mapping[str, Any],
    answers: Mapping[str, str],
    stale: dict[str, dict[str, object]],
) -> list[dict[str, Any]]:
    """One entry per scored criterion for a whole-bid form (an evaluator's scores, a moderator's consensus).

    After a stale save the hidden version becomes the one now on record: the person has been shown the other
    change, and saving again replaces it deliberately."""
    items = []
    for criterion in criteria:
        record = saved.get(criterion.id)
        typed = _typed(request.form, criterion, record)
        if criterion.id in stale:
            typed["version"] = str(stale[criterion.id]["current_version"])
        items.append({"criterion": criterion, "saved": record, "answer": answers.get(criterion.id, ""), **typed})
    return items


def entries_from_form(criteria: Sequence[Criterion]) -> dict[str, scoring_service.Entry]:
    """Every criterion of a whole-bid form, as the scoring services take it: a blank criterion stays as it is."""
    entries: dict[str, scoring_service.Entry] = {}
    for criterion in criteria:
        raw = request.form.get(f"score-{criterion.id}", "").strip()
        version = request.form.get(f"version-{criterion.id}", "")
        score: object | None = int(raw) if raw.isdigit() else (raw or None)
        entries[criterion.id] = (score, request.form.get(f"reason-{criterion.id}", ""),
                                 int(version) if version.isdigit() else None)  # fmt: skip
    return entries


def stale_of(refused: ServiceError | None) -> dict[str, dict[str, object]]:
    """What a stale whole-bid save found on record, by criterion (nothing for any other refusal)."""
    return refused.stale if isinstance(refused, scoring_service.StaleScores) else {}


def _scoring_page(submission_id: int, refused: ServiceError | None = None) -> dict[str, Any]:
    session = get_session()
    me = user()
    submission = access.readable_bid(session, me, submission_id)
    tender = tender_service.get_tender(session, me, submission.tender_id)
    rubric = tender_service.rubric_of(tender)
    criteria = rubric.of_kind(CriterionKind.SCORED)
    response = response_from_json(submission.responses, bid_id=str(submission.id), bidder="")
    sheet = scoring_service.scoring_sheet(session, me, submission_id)
    return {
        "tender": tender,
        "rubric": rubric,
        "levels": list(reversed(rubric.scale.levels)),
        "criteria": criteria,
        "items": scoring_items(criteria, sheet.scores, response.answers, stale_of(refused)),
        "sheet": sheet,
        "excluded": [e.reason for e in evaluation_service.compliance_exclusions(session, tender, submission)],
        "evaluating": tender.status == TenderStatus.EVALUATING,
        "submission": submission,
        "bidder": submission_service.bidder_name(session, submission),
        "form": request.form,
    }


@bp.route("/submissions/<int:submission_id>/score", methods=["GET", "POST"])
@signed_in(Role.EVALUATOR)
@form_page("evaluating/score.html", _scoring_page, context_sees_refusal=True)
def score_bid(submission_id: int) -> Any:
    """The whole bid on one form: every scored criterion with its reason, saved as a draft or marked finished."""
    session = get_session()
    me = user()
    finishing = request.form.get("action") == "finish"
    submission = access.readable_bid(session, me, submission_id)
    criteria = tender_service.rubric_of(tender_service.get_tender(session, me, submission.tender_id)).of_kind(
        CriterionKind.SCORED
    )
    sheet = scoring_service.record_scores(session, me, submission_id, entries_from_form(criteria), finished=finishing)
    if finishing:
        flash(f"You have finished scoring {submission_service.bidder_name(session, submission)}'s bid.", "success")
        return redirect(url_for("pages.evaluator_bids", tender_id=submission.tender_id))
    scored = len(sheet.scores)
    flash(f"Your scores are saved as a draft: {scored} of {sheet.criteria} questions scored.", "success")
    return redirect(url_for("pages.score_bid", submission_id=submission_id))


@bp.post("/submissions/<int:submission_id>/score/reopen")
@signed_in(Role.EVALUATOR)
@form_page("evaluating/score.html", _scoring_page)
def reopen_scores(submission_id: int) -> Any:
    """'Change my scores': withdraw 'finished', with a reason on the record."""
    scoring_service.reopen_scoring(get_session(), user(), submission_id, request.form.get("reason", ""))
    flash("Your scores are open again. Mark the bid as finished when you have changed them.", "success")
    return redirect(url_for("pages.score_bid", submission_id=submission_id))
