"""Documents: the evaluation report and assessment summaries (PDF), and the score matrix (.xlsx)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import reports as report_service
from tenderscore.web.api.schemas import SummaryArgs
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import PDF, XLSX, download

blp = Blueprint("documents", __name__, url_prefix="/api/tenders", description="Reports and the score matrix")


@blp.route("/<int:tender_id>/evaluation-report")
class EvaluationReport(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, content_type=PDF)
    def get(self, tender_id: int) -> Response:
        return download(*report_service.evaluation_report(get_session(), user(), tender_id), PDF)


@blp.route("/<int:tender_id>/assessment-summary")
class AssessmentSummary(MethodView):
    @signed_in(Role.BIDDER, Role.OFFICER)
    @blp.arguments(SummaryArgs, location="query")
    @blp.response(200, content_type=PDF)
    def get(self, args: dict[str, Any], tender_id: int) -> Response:
        """A bidder's own summary after the award; an officer names the bid with ``submission_id``."""
        summary = report_service.assessment_summary(get_session(), user(), tender_id, args["submission_id"])
        return download(*summary, PDF)


@blp.route("/<int:tender_id>/score-matrix")
class ScoreMatrix(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, content_type=XLSX)
    def get(self, tender_id: int) -> Response:
        return download(*report_service.score_matrix(get_session(), user(), tender_id), XLSX)
