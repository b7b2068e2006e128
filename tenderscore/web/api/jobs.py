"""Background jobs: ask for a long document, follow its state, download it when done."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from tenderscore.db import get_session
from tenderscore.db.models import Job, JobKind, Role
from tenderscore.services import jobs
from tenderscore.web.api.schemas import StrictSchema
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import download

blp = Blueprint("jobs", __name__, url_prefix="/api", description="Background jobs (long documents)")


class JobIn(StrictSchema):
    kind = fields.Str(required=True, validate=validate.OneOf([k.value for k in JobKind]))


class JobOut(StrictSchema):
    id = fields.Str()
    kind = fields.Str()
    tender_id = fields.Int()
    state = fields.Str(metadata={"description": "queued, running, done or failed"})
    done = fields.Int()
    total = fields.Int()
    stage = fields.Str(metadata={"description": "what it is doing, in words"})
    error = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    download_url = fields.Str(allow_none=True, metadata={"description": "once done"})


def _out(job: Job) -> dict[str, Any]:
    fields_ = {name: getattr(job, name) for name in JobOut._declared_fields if name != "download_url"}
    ready = job.state == "done" and job.filename is not None
    fields_["download_url"] = url_for("jobs.JobDownload", job_id=job.id) if ready else None
    return fields_


@blp.route("/tenders/<int:tender_id>/jobs")
class Jobs(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.arguments(JobIn)
    @blp.response(202, JobOut)
    def post(self, data: dict[str, Any], tender_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Ask for the evaluation report, the score matrix or every assessment summary (a ZIP) to be made in the
        background; follow the job at its Location."""
        job = jobs.request(get_session(), user(), tender_id, data["kind"])
        return _out(job), 202, {"Location": url_for("jobs.JobResource", job_id=job.id)}


@blp.route("/jobs/<job_id>")
class JobResource(MethodView):
    @signed_in()
    @blp.response(200, JobOut)
    def get(self, job_id: str) -> dict[str, Any]:
        """A job you asked for: its state, progress and, when done, where to download the document."""
        return _out(jobs.visible(get_session(), user(), job_id))


@blp.route("/jobs/<job_id>/download")
class JobDownload(MethodView):
    @signed_in()
    @blp.response(200, content_type="application/octet-stream")
    def get(self, job_id: str) -> Response:
        """The document a finished job made (409 while it is still being made)."""
        return download(*jobs.result(get_session(), user(), job_id))
