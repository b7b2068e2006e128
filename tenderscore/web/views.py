"""Small helpers every page module uses: downloads, forms shown again with their errors, and service errors."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask, Response, render_template, send_file

from tenderscore.db import get_session
from tenderscore.services.errors import RecordedRefusal, ServiceError
from tenderscore.web.errors import error_response, roll_back
from tenderscore.web.ukdates import uk_time

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(name: str, data: bytes, mimetype: str) -> Response:
    """Bytes the user saves as a file (a workbook, a report); ``name`` is offered as the file name."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def render_form(template: str, error: ServiceError | None = None, status: int = 200, **context: Any) -> Response:
    """A form page; with an error, the GOV.UK error summary links to the field it names."""
    errors = []
    if error is not None:
        roll_back()  # the form is shown again over the record as it stands: whatever the attempt flushed is undone
        details = error.details if isinstance(error.details, list) else []
        messages = [str(d) for d in details] or [error.message]
        errors = [{"text": m, "href": f"#{error.field}" if error.field else "#main-content"} for m in messages]
        status = error.status
    response = Response(render_template(template, errors=errors, error_field=getattr(error, "field", None), **context))
    response.status_code = status
    return response


def decimal_or_none(text: str | None, field: str) -> Decimal | None:
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace(",", "").replace("£", "").rstrip("%")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ServiceError(f"{field}: enter a number", field=field) from None
    if not value.is_finite():
        raise ServiceError(f"{field}: enter a number", field=field)
    return value


def _service_error(exc: ServiceError) -> Response:
    if isinstance(exc, RecordedRefusal):
        get_session().commit()  # the deliberate exception to web/transaction.py: the refused attempt stays on record
    else:
        roll_back()
    extra: dict[str, Any] = {}
    if exc.field:
        extra["field"] = exc.field
    if exc.details is not None:
        extra["details"] = exc.details
    return error_response(exc.status, _titles.get(exc.status, "Bad Request"), exc.message, extra)


_titles = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Content"}


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, _service_error)
    app.jinja_env.filters["uk_time"] = uk_time
