"""The buyer's side of the bids: the list once opened, a bid's content, and its workbook, all behind the seal."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlmodel import Session

from tenderscore.db import get_session
from tenderscore.db.models import Role, Submission, TenderStatus, User, id_of
from tenderscore.services import panel as panel_service
from tenderscore.services import scoring as scoring_service
from tenderscore.services import submissions as service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import Forbidden
from tenderscore.web.api.schemas import BidContentOut, BidListOut
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import XLSX, download

blp = Blueprint("submissions", __name__, url_prefix="/api", description="Bids, for the buyer's team once opened")
OPENED = (TenderStatus.EVALUATING, TenderStatus.AWARDED)


def bid_facts(session: Session, submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.id,
        "tender_id": submission.tender_id,
        "bidder_org_id": submission.bidder_org_id,
        "bidder": service.bidder_name(session, submission),
        "version": submission.version,
        "filename": submission.filename,
        "size_bytes": submission.size_bytes,
        "sha256": submission.sha256,
        "received_at": submission.received_at,
    }


def readable(session: Session, actor: User, submission_id: int) -> Submission:
    """The bid, if ``actor`` may read it now: sealed bids are refused (and logged), evaluators need a clean
    declaration and no conflict with its bidder."""
    submission = service.open_submission(session, actor, submission_id)
    if actor.role == Role.EVALUATOR:
        panel_service.require_evaluator_access(session, actor, submission)
    return submission


@blp.route("/tenders/<int:tender_id>/bids")
class Bids(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER, Role.EVALUATOR)
    @blp.response(200, BidListOut)
    def get(self, tender_id: int) -> dict[str, Any]:
        session, actor = get_session(), user()
        tender = tender_service.get_tender(session, actor, tender_id)
        sealed = tender.status not in OPENED
        current = [] if sealed else scoring_service.current_submissions(session, tender_id)
        received = None
        if actor.role == Role.EVALUATOR:
            assignment = panel_service.assignment_of(session, tender_id, id_of(actor))
            if assignment is None or assignment.declared_at is None:
                raise Forbidden("Declare any conflict of interest before you see the bids")
            conflicted = panel_service.conflicted_bidders(session, assignment)
            current = [s for s in current if s.bidder_org_id not in conflicted]
        else:
            received = service.count_received(session, actor, tender_id)
            if actor.role == Role.COMMISSIONER:
                current = []  # commissioners see the results, not the bids
        return {"sealed": sealed, "received": received, "bids": [bid_facts(session, s) for s in current]}


@blp.route("/submissions/<int:submission_id>")
class BidContent(MethodView):
    @signed_in(Role.OFFICER, Role.EVALUATOR)
    @blp.response(200, BidContentOut)
    def get(self, submission_id: int) -> dict[str, Any]:
        session = get_session()
        submission = readable(session, user(), submission_id)
        return {**bid_facts(session, submission), "responses": submission.responses}


@blp.route("/submissions/<int:submission_id>/workbook")
class BidWorkbook(MethodView):
    @signed_in(Role.OFFICER, Role.EVALUATOR, Role.BIDDER)
    @blp.response(200, content_type=XLSX)
    def get(self, submission_id: int) -> Response:
        """The workbook exactly as it was received (the bidder may always fetch their own)."""
        submission = readable(get_session(), user(), submission_id)
        return download(submission.filename, submission.workbook, XLSX)
