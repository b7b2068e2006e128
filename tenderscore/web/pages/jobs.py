"""Long documents made in the background: ask for one, watch its progress (the page refreshes itself, no
JavaScript needed), download it when it is ready."""

from __future__ import annotations

from flask import Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.db import get_session
from tenderscore.db.models import JobKind, Role
from tenderscore.services import jobs
from tenderscore.services import tenders as tender_service
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.pages.moderation import evaluation_page_context
from tenderscore.web.views import download, form_page, render_form


@bp.post("/tenders/<int:tender_id>/jobs")
@signed_in(Role.OFFICER, Role.COMMISSIONER)
@form_page("moderation/evaluation.html", evaluation_page_context)
def request_job(tender_id: int) -> BaseResponse:
    job = jobs.request(get_session(), user(), tender_id, request.form.get("kind", ""))
    return redirect(url_for("pages.job", job_id=job.id))


@bp.get("/jobs/<job_id>")
@signed_in()
def job(job_id: str) -> Response:
    session = get_session()
    found = jobs.visible(session, user(), job_id)
    tender = tender_service.get_tender(session, user(), found.tender_id)
    response = render_form("jobs/job.html", job=found, tender=tender, title=jobs.TITLES[JobKind(found.kind)])
    return response


@bp.get("/jobs/<job_id>/download")
@signed_in()
def job_download(job_id: str) -> Response:
    return download(*jobs.result(get_session(), user(), job_id))
