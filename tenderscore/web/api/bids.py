"""Bidding: the response template, the self-check (nothing stored), submissions and receipts."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session, reads_only
from tenderscore.db.models import Role, Submission
from tenderscore.services import submissions as service
from tenderscore.services.errors import ServiceError
from tenderscore.web.api.schemas import SelfCheckOut, SubmissionOut, UploadIn
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import XLSX, confirmation_link, download

blp = Blueprint("bids", __name__, url_prefix="/api/tenders", description="Bidding")


def _workbook(files: dict[str, Any]) -> tuple[str, bytes]:
    upload = files.get("workbook")
    if upload is None or not upload.filename:
        raise ServiceError("workbook: send the workbook as multipart/form-data field 'workbook'", field="workbook")
    return upload.filename, upload.read()


@blp.route("/<int:tender_id>/template")
class Template(MethodView):
    @signed_in(Role.BIDDER, Role.OFFICER)
    @blp.response(200, content_type=XLSX)
    def get(self, tender_id: int) -> Response:
        name, data = service.response_template(get_session(), user(), tender_id)
        return download(name, data, XLSX)


@blp.route("/<int:tender_id>/self-check")
class SelfCheck(MethodView):
    @reads_only  # stores nothing: never waits for, or holds, SQLite's write lock
    @signed_in(Role.BIDDER)
    @blp.arguments(UploadIn, location="files")
    @blp.response(200, SelfCheckOut)
    def post(self, files: dict[str, Any], tender_id: int) -> Any:
        _, data = _workbook(files)
        return service.check_workbook(get_session(), user(), tender_id, data)


@blp.route("/<int:tender_id>/submissions")
class Submissions(MethodView):
    @signed_in(Role.BIDDER)
    @blp.response(200, SubmissionOut(many=True))
    def get(self, tender_id: int) -> list[Submission]:
        return service.my_submissions(get_session(), user(), tender_id)

    @signed_in(Role.BIDDER)
    @blp.arguments(UploadIn, location="files")
    @blp.response(201, SubmissionOut)
    def post(self, files: dict[str, Any], tender_id: int) -> Submission | None:
        filename, data = _workbook(files)
        session = get_session()
        receipt = service.submit(session, user(), tender_id, filename, data, confirmation_link=confirmation_link)
        return session.get(Submission, receipt.submission_id)
