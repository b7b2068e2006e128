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
from tenderscore.services.errors import RecordedRefusal, ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import render_form


@bp.route("/tenders/<int:tender_id>/declaration", methods=["GET", "POST"])
@signed_in(Role.EVALUATOR)
def declaration(tender_id: int) -> Any:
    session = get_session()
    tender = tender_service.get_tender(session, user(), tender_id)
    bidders = access.bidders_to_declare(session, user(), tender_id)  # none until the bids are opened
    if request.method == "POST":
        conflicts = [
            (id_of(org), request.form.get(f"details-{org.id}", ""))
            for org in bidders
            if request.form.get(f"conflict-{org.id}")
        ]
        try:
            panel_service.declare(
                session, user(), tender_id, statement=request.form.get("statement", ""), conflicts=conflicts
            )
        except ServiceError as exc:
            return render_form("evaluating/declaration.html", exc, tender=tender, bidders=bidders, form=request.form)
        flash("Declaration recorded.", "success")
        return redirect(url_for("pages.evaluator_bids", tender_id=tender_id))
    return render_form("evaluating/declaration.html", tender=tender, bidders=bidders, form={})


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
    scored = [c for c in tender_service.rubric_of(tender).criteria if c.kind == CriterionKind.SCORED]
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


@bp.route("/submissions/<int:submission_id>/score", methods=["GET", "POST"])
@signed_in(Role.EVALUATOR)
def score_bid(submission_id: int) -> Any:
    session = get_session()
    me = user()
    submission = access.readable_bid(session, me, submission_id)
    tender = tender_service.get_tender(session, me, submission.tender_id)
    rubric = tender_service.rubric_of(tender)
    response = response_from_json(submission.responses, bid_id=str(submission.id), bidder="")
    error = None
    if request.method == "POST":
        criterion_id = request.form.get("criterion_id", "")
        raw = request.form.get(f"score-{criterion_id}", "")
        try:
            if not raw.strip().lstrip("-").isdigit():
                raise ServiceError(f"score-{criterion_id}: choose a score", field=f"score-{criterion_id}")
            version = request.form.get("version", "")
            scoring_service.record_score(
                session,
                me,
                submission_id,
                criterion_id,
                int(raw),
                request.form.get(f"reason-{criterion_id}", ""),
                expected_version=int(version) if version.isdigit() else None,
            )
            flash("Score saved.", "success")
            return redirect(url_for("pages.score_bid", submission_id=submission_id) + f"#{criterion_id}")
        except RecordedRefusal:
            raise
        except ServiceError as exc:
            error = exc
    criteria = [c for c in rubric.criteria if c.kind == CriterionKind.SCORED]
    return render_form(
        "evaluating/score.html",
        error,
        tender=tender,
        rubric=rubric,
        criteria=criteria,
        response=response,
        mine=scoring_service.my_scores(session, me, submission_id),
        submission=submission,
        bidder=submission_service.bidder_name(session, submission),
        form=request.form,
    )
