"""Small helpers every page module uses: downloads, forms shown again with their errors, and service errors."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, has_request_context, render_template, request, send_file, url_for
from jinja2 import pass_context

from tenderscore.core import kpi_words
from tenderscore.core.award import ends_in_words
from tenderscore.core.numbers import money, plain, quantity
from tenderscore.core.rubric import Unit
from tenderscore.core.ukdates import uk_date, uk_time
from tenderscore.db import get_session
from tenderscore.services import lots, mail, spend_answers
from tenderscore.services.errors import Invalid, RecordedRefusal, ServiceError
from tenderscore.web.errors import error_response, roll_back

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
F = TypeVar("F", bound=Callable[..., Any])


def email_url(endpoint: str, **values: Any) -> str:
    """A full link for an email: SERVICE_URL (where people reach the service), else the address this request came
    to. Outside a request (a background job) it needs only the app in context."""
    configured = str(current_app.config.get("SERVICE_URL") or "")
    if has_request_context():
        return (configured or request.host_url).rstrip("/") + url_for(endpoint, **values)
    with current_app.test_request_context():
        return (configured or "http://localhost").rstrip("/") + url_for(endpoint, **values)


def confirmation_link(confirmation_id: int) -> str:
    """A partner's request page as a full link, for the email asking it to confirm (services/confirmations.Link)."""
    return email_url("pages.partner_confirmation", confirmation_id=confirmation_id)


def spend_link(spend_id: int) -> str:
    """A partner's page for a spend line of a delivery return, as a full link (services/delivery_returns.Link)."""
    return email_url("pages.partner_spend_line", spend_id=spend_id)


def download(name: str, data: bytes, mimetype: str) -> Response:
    """Bytes the user saves as a file (a workbook, a report); ``name`` is offered as the file name."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def settle_refusal(exc: ServiceError) -> None:
    """After a refusal: undo whatever the attempt flushed, but keep a ``RecordedRefusal``'s record of the attempt.

    The one deliberate exception to web/transaction.py's rule (an error response commits nothing).
    """
    if isinstance(exc, RecordedRefusal):
        mail.discard(get_session())  # a refusal announces nothing
        get_session().commit()
    else:
        roll_back()


def form_page(
    template: str, context: Callable[..., dict[str, Any]], *, context_sees_refusal: bool = False
) -> Callable[[F], F]:
    """A page with a form. GET shows ``template`` with ``context(**view_args)``. The view handles the POST and returns
    its success (usually a redirect); when a service refuses it, the same page is shown again with the GOV.UK error
    summary, over the record as it stands (the attempt undone, a refusal's record kept) and with the values typed.
    With ``context_sees_refusal`` the context is also given ``refused=`` the refusal (a stale save says what is
    now on record).
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            if request.method == "GET":
                return render_form(template, **context(**kwargs))
            try:
                return view(**kwargs)
            except ServiceError as exc:
                settle_refusal(exc)
                seen = {"refused": exc} if context_sees_refusal else {}
                return render_form(template, exc, **context(**kwargs, **seen))

        return cast(F, wrapped)

    return decorator


# Where an error about a field links to when that field's first input has another id (GOV.UK: link to the input).
ANCHORS = {
    "deadline": "deadline-day",
    "clarification_deadline": "clarification_deadline-day",
    "rubric": "rubric-select",
    "starts_on": "starts_on-day",
    "ends_on": "ends_on-day",
    "signed_on": "signed_on-day",
    "lapses_on": "lapses_on-day",
}


def render_form(template: str, error: ServiceError | None = None, status: int = 200, **context: Any) -> Response:
    """A form page. With an error, the GOV.UK error summary lists every problem in plain words, each linked to its
    field; ``field_errors`` gives each field its own message to show above it (the template's inputs keep the
    values typed, from ``form``)."""
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if error is not None:
        problems = error.problems
        lines: list[tuple[str | None, str]] = problems
        if len(problems) == 1 and not isinstance(error, Invalid) and isinstance(error.details, list) and error.details:
            lines = [(problems[0][0], str(d)) for d in error.details]  # e.g. each cell of a workbook with errors
        for field, text in lines:
            errors.append({"text": text, "href": f"#{ANCHORS.get(field, field)}" if field else "#main-content"})
        for field, words in problems:
            if field:
                field_errors.setdefault(field, words)
        status = error.status
    page = render_template(
        template, errors=errors, field_errors=field_errors, error_field=getattr(error, "field", None), **context
    )
    response = Response(page)
    response.status_code = status
    return response


def version_from_form() -> int:
    """The version of the record the person read (a hidden field); anything else means the page is not ours."""
    version = request.form.get("version", "").strip()
    if not version.isdigit():
        raise ServiceError("version: this page is out of date; reload it and make your change again", field="version")
    return int(version)


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
    settle_refusal(exc)
    extra: dict[str, Any] = {}
    if exc.field:
        extra["field"] = exc.field
    if exc.details is not None:
        extra["details"] = exc.details
    return error_response(exc.status, _titles.get(exc.status, "Bad Request"), exc.message, extra)


_titles = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Content"}


def kpi_figure(value: Decimal | None, unit: str) -> str:
    """A KPI's figure in its unit (``core.kpi_words.figure``); blank for none."""
    return "" if value is None else kpi_words.figure(value, unit or "")


def _term(kpi: Any, name: str) -> Any:
    return kpi.get(name) if isinstance(kpi, Mapping) else getattr(kpi, name)


def kpi_target(kpi: Any) -> str:
    """A KPI's target with its unit and direction, from the KPI or a variation's record of its terms."""
    value = _term(kpi, "target_value")
    return kpi_words.target(None if value in (None, "") else Decimal(str(value)), _term(kpi, "unit") or "",
                            _term(kpi, "direction") or "at_least", _term(kpi, "target") or "")  # fmt: skip


def kpi_achieved(shown: Any) -> str:
    """What a KPI's period achieved of its target, in words (a ``delivery.KpiPeriod``)."""
    return kpi_words.achieved(shown.kpi.target_value, shown.delivered, shown.kpi.direction)


@pass_context
def error_message(context: Any, field: str) -> dict[str, str] | None:
    """For a Design System macro's ``errorMessage``: the field's own message on a form shown again, else nothing."""
    words = (context.get("field_errors") or {}).get(field)
    return {"text": words} if words else None


def init_app(app: Flask) -> None:
    app.jinja_env.globals["error_message"] = error_message
    app.register_error_handler(ServiceError, _service_error)
    app.jinja_env.filters["titled"] = lots.caption  # a tender's title, naming the lot when it is divided
    app.jinja_env.filters["uk_time"] = uk_time
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["money"] = money  # exact: "£1,250,000", "£99.50"
    app.jinja_env.filters["amount"] = lambda value, unit: quantity(value, Unit(unit)) if unit else plain(value)
    app.jinja_env.filters["period_end"] = ends_in_words  # "midnight at the end of 11 December 2026"
    app.jinja_env.filters["kpi_figure"] = kpi_figure  # "90%", "1 complaint", "121 people a year"
    app.jinja_env.filters["kpi_target"] = kpi_target  # "90%", "at most 5 complaints"
    app.jinja_env.filters["kpi_achieved"] = kpi_achieved  # "90.91%", "beyond the target"
    app.jinja_env.filters["spend_answers"] = spend_answers.answered  # spend lines by the partners' answers
