"""Bidders' pages: the response template, the instant self-check, submission and receipts, the summary."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import access
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import XLSX, download, form_page, render_form


def _uploaded() -> tuple[str, bytes]:
    upload = request.files.get("workbook")
    if upload is None or not upload.filename:
        raise ServiceError("workbook: choose your completed response workbook (.xlsx)", field="workbook")
    return upload.filename, upload.read()


@bp.get("/tenders/<int:tender_id>/template.xlsx")
@signed_in(Role.BIDDER, Role.OFFICER)
def response_template(tender_id: int) -> Response:
    name, data = submission_service.response_template(get_session(), user(), tender_id)
    return download(name, data, XLSX)


def _bidding_page(tender_id: int) -> dict[str, Any]:
    return {"tender": tender_service.get_tender(get_session(), user(), tender_id), "result": None}


@bp.route("/tenders/<int:tender_id>/self-check", methods=["GET", "POST"])
@signed_in(Role.BIDDER)
@form_page("bidding/self_check.html", _bidding_page)
def self_check(tender_id: int) -> Any:
    filename, data = _uploaded()
    result = submission_service.check_workbook(get_session(), user(), tender_id, data)
    page: dict[str, Any] = {**_bidding_page(tender_id), "result": result, "filename": filename}
    return render_form("bidding/self_check.html", **page)


@bp.route("/tenders/<int:tender_id>/submit", methods=["GET", "POST"])
@signed_in(Role.BIDDER)
@form_page("bidding/submit.html", _bidding_page)
def submit(tender_id: int) -> Any:
    filename, data = _uploaded()
    receipt = submission_service.submit(get_session(), user(), tender_id, filename, data)
    flash(f"Bid received: version {receipt.version}, SHA-256 {receipt.sha256}.", "success")
    return redirect(url_for("pages.tender_detail", tender_id=tender_id))


@bp.get("/submissions/<int:submission_id>/workbook.xlsx")
@signed_in()
def submission_workbook(submission_id: int) -> Response:
    return download(*access.bid_workbook(get_session(), user(), submission_id), XLSX)
