"""Downloads: the evaluation report, assessment summaries, the self-check report and the score matrix."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from tenderscore.db import get_session, reads_only
from tenderscore.db.models import Role
from tenderscore.services import reports as report_service
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.pages.bidding import carried
from tenderscore.web.views import PDF, XLSX, download, form_page


@bp.get("/tenders/<int:tender_id>/evaluation-report.pdf")
@signed_in(Role.OFFICER, Role.COMMISSIONER)
def evaluation_report(tender_id: int) -> Response:
    return download(*report_service.evaluation_report(get_session(), user(), tender_id), PDF)


@bp.get("/tenders/<int:tender_id>/assessment-summary.pdf")
@signed_in(Role.BIDDER, Role.OFFICER)
def assessment_summary(tender_id: int) -> Response:
    submission = request.args.get("submission", type=int)
    return download(*report_service.assessment_summary(get_session(), user(), tender_id, submission), PDF)


@bp.get("/tenders/<int:tender_id>/score-matrix.xlsx")
@signed_in(Role.OFFICER, Role.COMMISSIONER)
def score_matrix(tender_id: int) -> Response:
    return download(*report_service.score_matrix(get_session(), user(), tender_id), XLSX)


def _self_check_page(tender_id: int) -> dict[str, Any]:
    return {"tender": tender_service.get_tender(get_session(), user(), tender_id), "result": None}


@bp.post("/tenders/<int:tender_id>/self-check.pdf")
@reads_only  # the check's PDF is not kept or recorded, unlike the buyer's reports
@signed_in(Role.BIDDER)
@form_page("bidding/self_check.html", _self_check_page)
def self_check_pdf(tender_id: int) -> Response:
    """The check as a PDF: of a file chosen now, or of the one just checked (carried by the result page)."""
    session = get_session()
    filename, data = carried(tender_id)
    result = submission_service.check_workbook(session, user(), tender_id, data)
    name, pdf = report_service.self_check_report(session, user(), tender_id, result, file_name=filename)
    return download(name, pdf, PDF)
