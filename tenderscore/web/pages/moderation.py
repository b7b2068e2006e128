"""Officers' evaluation pages: results, who has finished scoring what, moderation (individual scores side by side,
consensus with a reason, the whole bid on one form) and the award."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.core import CriterionKind, Evaluation
from tenderscore.core.register import Counting
from tenderscore.core.vcse import counted_summary, partner_lines
from tenderscore.db import get_session
from tenderscore.db.models import Role, Submission, Tender, TenderStatus
from tenderscore.services import access, named_partners
from tenderscore.services import evaluation as evaluation_service
from tenderscore.services import lots as lot_service
from tenderscore.services import moderation as moderation_service
from tenderscore.services import scoring as scoring_service
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.bid_json import response_from_json
from tenderscore.services.errors import NotFound, ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.pages.evaluating import entries_from_form, scoring_items, stale_of
from tenderscore.web.views import form_page, render_form

AWARD_REASON = "Most economically advantageous tender: highest total score under the published award criteria."


def evaluation_page_context(tender_id: int) -> dict[str, Any]:
    session = get_session()
    me = user()
    gathered = evaluation_service.results_for(session, me, tender_id)
    return {
        "tender": gathered.tender,
        "rubric": gathered.rubric,
        "evaluation": gathered.evaluation,
        "award": scoring_service.award_of(session, me, tender_id),
        "progress": moderation_service.scoring_progress(session, me, tender_id) if me.role == Role.OFFICER else [],
        "award_reason": request.form.get("reason", AWARD_REASON) if request.method == "POST" else AWARD_REASON,
        "partners": {
            bid.bid_id: (partner_lines(gathered.rubric, bid), counted_summary(gathered.rubric, bid))
            for bid in gathered.bids
        },
        "counting": Counting(gathered.rubric.vcse_counting).words,
        "form": request.form,
        "lot_award": lot_award(session, gathered.tender, gathered.evaluation),
    }


def lot_award(session: Any, tender: Tender, evaluation: Evaluation) -> dict[str, Any] | None:
    """A lot of a tender with a limit on lots won: the rule, and whom it gives this lot to now (or why it cannot be
    awarded yet: services/lots.allocation refuses until every lot's evaluation is final). None for any other tender."""
    if not lot_service.divided(session, tender):
        return None
    head = lot_service.head_of(session, tender)
    found: dict[str, Any] = {"head": head, "rule": lot_service.rule_of(head), "name": lot_service.lot_name(tender)}
    if tender.status != TenderStatus.EVALUATING:
        return found
    try:
        allocation = lot_service.allocation(session, tender, own=evaluation)
    except ServiceError as exc:
        return found | {"refusal": exc.message}
    if allocation is not None:
        found["explained"] = allocation.explained(tender.lot_number)
    return found


@bp.get("/tenders/<int:tender_id>/evaluation")
@signed_in(Role.OFFICER, Role.COMMISSIONER)
def evaluation(tender_id: int) -> Any:
    return render_form("moderation/evaluation.html", **evaluation_page_context(tender_id))


def _moderated_bid(tender_id: int, submission_id: int) -> tuple[Tender, Submission]:
    """The tender and the bid the address names, if the officer may read it and it belongs to that tender."""
    session, me = get_session(), user()
    tender = tender_service.get_tender(session, me, tender_id)
    submission = access.readable_bid(session, me, submission_id)
    if submission.tender_id != tender_id:
        raise NotFound(f"No submission {submission_id} in {tender.reference}")
    return tender, submission


def _moderation_page(tender_id: int, submission_id: int, refused: ServiceError | None = None) -> dict[str, Any]:
    session = get_session()
    me = user()
    tender, submission = _moderated_bid(tender_id, submission_id)
    rubric = tender_service.rubric_of(tender)
    rows = moderation_service.moderation_rows(session, me, submission)
    response = response_from_json(submission.responses, bid_id=str(submission.id), bidder="")
    (looked_up,) = named_partners.looked_up(session, tender, [response])
    consensus = {row.criterion.id: row.consensus for row in rows if row.consensus is not None}
    items = scoring_items(rubric.of_kind(CriterionKind.SCORED), consensus, response.answers, stale_of(refused))
    return {
        "tender": tender,
        "rubric": rubric,
        "levels": list(reversed(rubric.scale.levels)),
        "submission": submission,
        "bidder": submission_service.bidder_name(session, submission),
        "moderated": list(zip(rows, items, strict=True)),
        "finished": moderation_service.finished_evaluators(session, submission_id),
        "excluded": [e.reason for e in evaluation_service.compliance_exclusions(session, tender, submission)],
        "partners": (partner_lines(rubric, looked_up), counted_summary(rubric, looked_up)),
        "evaluating": tender.status == TenderStatus.EVALUATING,
        "form": request.form,
    }


@bp.route("/tenders/<int:tender_id>/moderation/<int:submission_id>", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("moderation/moderate.html", _moderation_page, context_sees_refusal=True)
def moderate(tender_id: int, submission_id: int) -> Any:
    """Every scored criterion's consensus on one form: all saved, or none and every problem shown at once."""
    tender, _ = _moderated_bid(tender_id, submission_id)
    criteria = tender_service.rubric_of(tender).of_kind(CriterionKind.SCORED)
    scoring_service.record_consensus_sheet(get_session(), user(), submission_id, entries_from_form(criteria))
    flash("The consensus scores are saved.", "success")
    return redirect(url_for("pages.moderate", tender_id=tender_id, submission_id=submission_id))


@bp.post("/tenders/<int:tender_id>/award")
@signed_in(Role.OFFICER)
@form_page("moderation/evaluation.html", evaluation_page_context)
def award(tender_id: int) -> BaseResponse:
    """A refused award (no reason, too long, provisional results) shows the evaluation page again with the error."""
    scoring_service.award(get_session(), user(), tender_id, request.form.get("reason", ""))
    flash(
        "Awarded. The award decision is recorded. Next, issue the assessment summaries; the contract award notice "
        "that follows them starts the standstill period.",
        "success",
    )
    return redirect(url_for("pages.award_page", tender_id=tender_id))
