"""Bidders' pages: the response template, the instant self-check, check-then-confirm submission, receipts.

Neither the self-check nor the check before a submission stores the workbook. To reach the next step (the PDF of
the check just run, or the confirmation of the bid) without choosing the file again, the page carries the workbook
itself in the form, base64-encoded, with a signed seal naming the tender, the bidder and the file's SHA-256, valid
for an hour. Nothing is kept on the server between the two requests, and the next step reads the same bytes
again (the service checks them in full; the seal only proves they are the bytes the bidder was shown a check of).

A field in a form is bounded by Flask's MAX_FORM_MEMORY_SIZE (500 kB by default), so a workbook is carried only if
its base64 fits (about 370 kB; a filled-in template is about 22 kB, one with long answers rarely 200 kB). A larger
one is not carried: the next step asks for the same file again and refuses a different one (by its SHA-256).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from flask import Response, current_app, redirect, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tenderscore.core.numbers import plural
from tenderscore.db import get_session, reads_only
from tenderscore.db.models import Role, id_of
from tenderscore.services import access
from tenderscore.services import submissions as submission_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import ServiceError, Unprocessable
from tenderscore.sheets import SelfCheckResult
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import XLSX, confirmation_link, download, form_page, render_form

SEAL_MAX_AGE = 3600  # seconds: a check older than this is run again rather than confirmed
_SALT = "tenderscore.carried-workbook"


def _uploaded() -> tuple[str, bytes]:
    upload = request.files.get("workbook")
    if upload is None or not upload.filename:
        raise ServiceError("workbook: choose your completed response workbook (.xlsx)", field="workbook")
    return upload.filename, upload.read()


def carry_limit() -> int:
    """The largest workbook carried in a form field (its base64 must fit Flask's limit on a field)."""
    field_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000
    return int(field_limit) * 3 // 4 - 4096


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def carry(tender_id: int, filename: str, data: bytes) -> dict[str, str]:
    """The hidden fields that take this workbook to the next step: the seal always, the bytes when they fit."""
    digest = hashlib.sha256(data).hexdigest()
    seal = _serializer().dumps({"tender": tender_id, "user": id_of(user()), "sha256": digest, "name": filename})
    carried = base64.b64encode(data).decode("ascii") if len(data) <= carry_limit() else ""
    return {"workbook_seal": seal, "workbook_data": carried, "workbook_name": filename, "sha256": digest}


def carried(tender_id: int) -> tuple[str, bytes]:
    """The workbook the bidder checked a moment ago: carried in the form, or chosen again when it was too big."""
    seal = request.form.get("workbook_seal", "")
    if not seal:
        return _uploaded()
    try:
        sealed = _serializer().loads(seal, max_age=SEAL_MAX_AGE)
    except SignatureExpired:
        raise ServiceError(
            "workbook: that check is more than an hour old; choose your workbook and check it again", field="workbook"
        ) from None
    except BadSignature:
        raise ServiceError("workbook: choose your workbook and check it again", field="workbook") from None
    if sealed.get("tender") != tender_id or sealed.get("user") != id_of(user()):
        raise ServiceError("workbook: choose your workbook and check it again", field="workbook")
    if request.form.get("workbook_data"):
        try:
            name, data = str(sealed.get("name", "")), base64.b64decode(request.form["workbook_data"], validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError("workbook: choose your workbook and check it again", field="workbook") from None
    else:
        name, data = _uploaded()
    if hashlib.sha256(data).hexdigest() != sealed.get("sha256"):
        raise ServiceError(
            "workbook: this is not the file you checked; choose the same file, or check this one first",
            field="workbook",
        )
    return name, data


@bp.get("/tenders/<int:tender_id>/template.xlsx")
@signed_in(Role.BIDDER, Role.OFFICER)
def response_template(tender_id: int) -> Response:
    name, data = submission_service.response_template(get_session(), user(), tender_id)
    return download(name, data, XLSX)


def _bidding_page(tender_id: int) -> dict[str, Any]:
    return {"tender": tender_service.get_tender(get_session(), user(), tender_id), "result": None}


@bp.route("/tenders/<int:tender_id>/self-check", methods=["GET", "POST"])
@reads_only  # the check stores nothing: it never waits for, or holds, SQLite's write lock
@signed_in(Role.BIDDER)
@form_page("bidding/self_check.html", _bidding_page)
def self_check(tender_id: int) -> Any:
    filename, data = _uploaded()
    result = submission_service.check_workbook(get_session(), user(), tender_id, data)
    page: dict[str, Any] = {**_bidding_page(tender_id), "result": result, "filename": filename}
    return render_form("bidding/self_check.html", carried=carry(tender_id, filename, data), **page)


def _blocking(result: SelfCheckResult) -> ServiceError | None:
    """A workbook that cannot be submitted as it is: the file refused, or cells to fix (each one listed)."""
    if result.rejected:
        return Unprocessable(f"workbook: {result.rejected}", field="workbook")
    if result.errors:
        count = len(result.errors)
        return Unprocessable(
            f"workbook: your workbook has {plural(count, 'problem')} to fix; nothing was submitted",
            field="workbook",
            details=[f"{e.where}: {e.message}" for e in result.errors],
        )
    return None


@bp.route("/tenders/<int:tender_id>/submit", methods=["GET", "POST"])
@reads_only  # step 1 only checks; the confirmation below writes
@signed_in(Role.BIDDER)
@form_page("bidding/submit.html", _bidding_page)
def submit(tender_id: int) -> Any:
    """Step 1: check the workbook as the submission will (nothing stored); step 2 is the confirmation below."""
    filename, data = _uploaded()
    result = submission_service.check_workbook(get_session(), user(), tender_id, data)
    page: dict[str, Any] = {**_bidding_page(tender_id), "result": result, "filename": filename}
    blocking = _blocking(result)
    if blocking is not None:
        return render_form("bidding/submit.html", blocking, **page)
    return render_form("bidding/submit.html", carried=carry(tender_id, filename, data), confirm=True, **page)


@bp.post("/tenders/<int:tender_id>/submit/confirm")
@signed_in(Role.BIDDER)
@form_page("bidding/submit.html", _bidding_page)
def submit_confirm(tender_id: int) -> Any:
    """Step 2: the bidder has seen the check; the same bytes are submitted (and checked again, in full)."""
    filename, data = carried(tender_id)
    receipt = submission_service.submit(
        get_session(), user(), tender_id, filename, data, confirmation_link=confirmation_link
    )
    return redirect(url_for("pages.submission_receipt", submission_id=receipt.submission_id))


@bp.get("/submissions/<int:submission_id>/receipt")
@signed_in(Role.BIDDER)
def submission_receipt(submission_id: int) -> Any:
    session = get_session()
    submission = submission_service.my_submission(session, user(), submission_id)
    tender = tender_service.get_tender(session, user(), submission.tender_id)
    return render_form("bidding/receipt.html", tender=tender, submission=submission)


@bp.get("/submissions/<int:submission_id>/workbook.xlsx")
@signed_in()
def submission_workbook(submission_id: int) -> Response:
    return download(*access.bid_workbook(get_session(), user(), submission_id), XLSX)
