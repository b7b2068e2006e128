"""Documents: the evaluation report and assessment summaries (PDF), and the score matrix (.xlsx)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import reports as report_service
from tenderscore.services import scoring as scoring_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import Unprocessable
from tenderscore.sheets.matrix import write_matrix
from tenderscore.web.api.schemas import SummaryArgs
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import PDF, XLSX, commit, download

blp = Blueprint("documents", __name__, url_prefix="/api/tenders", description="Reports and the score matrix")


@blp.route("/<int:tender_id>/evaluation-report")
class EvaluationReport(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, content_type=PDF)
    def get(self, tender_id: int) -> Response:
        name, pdf = report_service.evaluation_report(get_session(), user(), tender_id)
        commit()  # issuing a report is itself an audit event
        return download(name, pdf, PDF)


@blp.route("/<int:tender_id>/assessment-summary")
class AssessmentSummary(MethodView):
    @signed_in(Role.BIDDER, Role.OFFICER)
    @blp.arguments(SummaryArgs, location="query")
    @blp.response(200, content_type=PDF)
    def get(self, args: dict[str, Any], tender_id: int) -> Response:
        """A bidder's own summary after the award; an officer names the bid with ``submission_id``."""
        if user().role == Role.OFFICER and args["submission_id"] is None:
            raise Unprocessable("submission_id: name the bid whose summary you want", field="submission_id")
        name, pdf = report_service.assessment_summary(get_session(), user(), tender_id, args["submission_id"])
        commit()
        return download(name, pdf, PDF)


@blp.route("/<int:tender_id>/score-matrix")
class ScoreMatrix(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, content_type=XLSX)
    def get(self, tender_id: int) -> Response:
        session = get_session()
        tender = tender_service.get_tender(session, user(), tender_id)
        result = scoring_service.evaluation(session, user(), tender_id)
        data = write_matrix(tender_service.rubric_of(tender), result, f"{tender.reference} {tender.title}")
        return download(f"{tender.reference}-score-matrix.xlsx", data, XLSX)
