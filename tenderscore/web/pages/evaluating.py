"""Evaluators' pages: the conflict-of-interest declaration, then independent scoring with reasons."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from tenderscore.core import CriterionKind
from tenderscore.db import get_session
from tenderscore.db.models import Role, id_of
from tenderscore.services import access
from tenderscore.services import panel as panel_service
from tenderscore.services import scoring as scoring_service
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.bid_json import response_from_json
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page, render_form, score_from_form


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
    done = scoring_service.scored_per_bid(session, me, [id_of(s) for s in visible.bids])
    rows = [
        {
            "submission": submission,
            "bidder": submission_service.bidder_name(session, submission),
            "done": done.get(id_of(submission), 0),
            "total": len(scored),
        }
        for submission in visible.bids
    ]
    conflicted = len(panel_service.conflicted_bidders(session, assignment))
    return render_form("evaluating/bids.html", tender=tender, rows=rows, conflicted=conflicted)


def _scoring_page(submission_id: int) -> dict[str, Any]:
    session = get_session()
    me = user()
    submission = access.readable_bid(session, me, submission_id)
    tender = tender_service.get_tender(session, me, submission.tender_id)
    rubric = tender_service.rubric_of(tender)
    return {
        "tender": tender,
        "rubric": rubric,
        "criteria": rubric.of_kind(CriterionKind.SCORED),
        "response": response_from_json(submission.responses, bid_id=str(submission.id), bidder=""),
        "mine": scoring_service.my_scores(session, me, submission_id),
        "submission": submission,
        "bidder": submission_service.bidder_name(session, submission),
        "form": request.form,
    }


@bp.route("/submissions/<int:submission_id>/score", methods=["GET", "POST"])
@signed_in(Role.EVALUATOR)
@form_page("evaluating/score.html", _scoring_page)
def score_bid(submission_id: int) -> Any:
    criterion_id, score, reason, version = score_from_form("a score")
    scoring_service.record_score(
        get_session(), user(), submission_id, criterion_id, score, reason, expected_version=version
    )
    flash("Score saved.", "success")
    return redirect(url_for("pages.score_bid", submission_id=submission_id) + f"#{criterion_id}")
