"""Officers' evaluation pages: results, moderation (individual scores side by side, consensus with a reason), award."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import access
from tenderscore.services import evaluation as evaluation_service
from tenderscore.services import scoring as scoring_service
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.bid_json import response_from_json
from tenderscore.services.errors import NotFound
from tenderscore.services.moderation import moderation_rows
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page, render_form, score_from_form


@bp.get("/tenders/<int:tender_id>/evaluation")
@signed_in(Role.OFFICER, Role.COMMISSIONER)
def evaluation(tender_id: int) -> Any:
    session = get_session()
    gathered = evaluation_service.results_for(session, user(), tender_id)
    return render_form(
        "moderation/evaluation.html", tender=gathered.tender, rubric=gathered.rubric, evaluation=gathered.evaluation
    )


def _moderation_page(tender_id: int, submission_id: int) -> dict[str, Any]:
    session = get_session()
    me = user()
    tender = tender_service.get_tender(session, me, tender_id)
    submission = access.readable_bid(session, me, submission_id)
    if submission.tender_id != tender_id:
        raise NotFound(f"No submission {submission_id} in {tender.reference}")
    return {
        "tender": tender,
        "rubric": tender_service.rubric_of(tender),
        "submission": submission,
        "bidder": submission_service.bidder_name(session, submission),
        "response": response_from_json(submission.responses, bid_id=str(submission.id), bidder=""),
        "rows": moderation_rows(session, me, submission),
        "form": request.form,
    }


@bp.route("/tenders/<int:tender_id>/moderation/<int:submission_id>", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("moderation/moderate.html", _moderation_page)
def moderate(tender_id: int, submission_id: int) -> Any:
    criterion_id, score, reason, version = score_from_form("the consensus score")
    scoring_service.record_consensus(
        get_session(), user(), submission_id, criterion_id, score, reason, expected_version=version
    )
    flash("Consensus recorded.", "success")
    return redirect(url_for("pages.moderate", tender_id=tender_id, submission_id=submission_id) + f"#{criterion_id}")


@bp.post("/tenders/<int:tender_id>/award")
@signed_in(Role.OFFICER)
def award(tender_id: int) -> BaseResponse:
    record = scoring_service.award(get_session(), user(), tender_id, request.form.get("reason", ""))
    flash(
        f"Awarded. The award decision is recorded (award {record.id}); the standstill period starts when the "
        "assessment summaries and the contract award notice are issued.",
        "success",
    )
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))
