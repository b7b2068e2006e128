"""The buyer's side of the bids: the list once opened, a bid's content, and its workbook, all behind the seal."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role, Submission, id_of
from tenderscore.services import access
from tenderscore.services import submissions as service
from tenderscore.web.api.schemas import BidContentOut, BidListOut
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import XLSX, download

blp = Blueprint("submissions", __name__, url_prefix="/api", description="Bids, for the buyer's team once opened")


def bid_facts(submission: Submission, bidder: str) -> dict[str, Any]:
    return {
        "id": submission.id,
        "tender_id": submission.tender_id,
        "bidder_org_id": submission.bidder_org_id,
        "bidder": bidder,
        "version": submission.version,
        "filename": submission.filename,
        "size_bytes": submission.size_bytes,
        "sha256": submission.sha256,
        "received_at": submission.received_at,
    }


@blp.route("/tenders/<int:tender_id>/bids")
class Bids(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER, Role.EVALUATOR)
    @blp.response(200, BidListOut)
    def get(self, tender_id: int) -> dict[str, Any]:
        session = get_session()
        visible = access.visible_bids(session, user(), tender_id)
        return {"sealed": visible.sealed, "received": visible.received,
                "bids": [bid_facts(s, visible.bidders[id_of(s)]) for s in visible.bids]}  # fmt: skip


@blp.route("/submissions/<int:submission_id>")
class BidContent(MethodView):
    @signed_in(Role.OFFICER, Role.EVALUATOR)
    @blp.response(200, BidContentOut)
    def get(self, submission_id: int) -> dict[str, Any]:
        session = get_session()
        submission = access.readable_bid(session, user(), submission_id)
        return {**bid_facts(submission, service.bidder_name(session, submission)), "responses": submission.responses}


@blp.route("/submissions/<int:submission_id>/workbook")
class BidWorkbook(MethodView):
    @signed_in(Role.OFFICER, Role.EVALUATOR, Role.BIDDER)
    @blp.response(200, content_type=XLSX)
    def get(self, submission_id: int) -> Response:
        """The workbook exactly as it was received (the bidder may always fetch their own)."""
        return download(*access.bid_workbook(get_session(), user(), submission_id), XLSX)
