"""Background jobs: a long document asked for now, made by a worker, collected when done.

``request`` checks, at once, that the person may have the document (the same rules as downloading it directly:
``evaluation.results_for``; every summary is for the buyer's officer only), records the job and queues it to start
when the request's transaction commits. ``run`` is what a worker does with it — on Redis with RQ in production, in a
thread of the web process in the embedded default (``web/jobs.py`` decides which) — in sessions of its own: it
marks the job running, makes the document with progress written as it goes, and stores the file or why it failed.
Only the person who asked sees the job (a 404 for anyone else).
"""

from __future__ import annotations

import io
import logging
import secrets
import zipfile
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from tenderscore.core.numbers import plural
from tenderscore.core.ukdates import uk_time
from tenderscore.db.engine import reading_session
from tenderscore.db.models import Job, JobKind, JobState, Role, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit, award_path, reports
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError
from tenderscore.services.evaluation import results_for
from tenderscore.services.tenders import get_tender

log = logging.getLogger(__name__)
_QUEUE = "tenderscore_jobs"
PDF, XLSX, ZIP = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
)
TITLES = {
    JobKind.EVALUATION_REPORT: "Evaluation report",
    JobKind.SCORE_MATRIX: "Score matrix",
    JobKind.ALL_SUMMARIES: "Every assessment summary",
    JobKind.ISSUE_SUMMARIES: "Issuing the assessment summaries",
}
FAILED = "Something went wrong making this document. It has been logged for the service desk; try again later."

Progress = Callable[[int, int, str], None]


def request(session: Session, actor: User, tender_id: int, kind: object) -> Job:
    """Record a job for ``actor`` and queue it for when this transaction commits; refused at once if they may not
    have the document."""
    try:
        wanted = JobKind(str(kind))
    except ValueError:
        raise ServiceError(f"kind: choose one of {', '.join(JobKind)}", field="kind") from None
    gathered = results_for(session, actor, tender_id)
    if wanted in (JobKind.ALL_SUMMARIES, JobKind.ISSUE_SUMMARIES) and actor.role != Role.OFFICER:
        raise Forbidden("Only the buyer's officer takes every assessment summary")
    if wanted == JobKind.ISSUE_SUMMARIES:
        _, award = award_path.officer_award(session, actor, tender_id)  # refused now, not later, if out of order
        if award.summaries_sent_at is not None:
            raise Conflict(f"The assessment summaries were issued on {uk_time(award.summaries_sent_at)}")
    total = len(gathered.bids) if wanted in (JobKind.ALL_SUMMARIES, JobKind.ISSUE_SUMMARIES) else 2
    job = Job(id=secrets.token_hex(16), kind=wanted, tender_id=tender_id, requested_by_id=id_of(actor), total=total)
    session.add(job)
    session.flush()
    audit.record(session, actor, "job.requested", "job", job.id, tender_id=tender_id, after={"kind": wanted.value})
    session.info.setdefault(_QUEUE, []).append(job.id)
    return job


def queued(session: Session) -> list[str]:
    """The jobs this transaction asked for: the commit point starts them once they are committed."""
    return list(session.info.pop(_QUEUE, []))


def discard(session: Session) -> None:
    session.info.pop(_QUEUE, None)


def visible(session: Session, actor: User, job_id: str) -> Job:
    """The job, for the person who asked for it; nobody else learns it exists."""
    job = session.get(Job, job_id)
    if job is None or job.requested_by_id != actor.id:
        raise NotFound(f"No job {job_id}")
    return job


def result(session: Session, actor: User, job_id: str) -> tuple[str, bytes, str]:
    job = visible(session, actor, job_id)
    if job.state == JobState.DONE and job.result is None:
        raise NotFound(f"Job {job_id} made no file: {job.stage}")
    if job.state != JobState.DONE or job.result is None or job.filename is None:
        raise Conflict(f"The {TITLES[JobKind(job.kind)].lower()} is not ready yet ({job.stage.lower()})")
    return job.filename, job.result, job.mimetype or "application/octet-stream"


def run(
    engine: Engine,
    job_id: str,
    *,
    tender_url: Callable[[int], str] = lambda tender_id: f"/tenders/{tender_id}",
    after_commit: Callable[[Session], None] | None = None,
    now: datetime | None = None,
) -> None:
    """Do one queued job to the end. Never raises: a failure is recorded on the job, in words for the person who
    asked (a refusal's own message, or that it was logged), and the cause is logged. ``tender_url`` writes the link
    an email gives; ``after_commit`` sends the email the job's committed work queued (services/mail.py)."""
    with Session(engine) as session:
        job = session.get(Job, job_id)
        if job is None or job.state != JobState.QUEUED:
            return  # already taken by another worker, or gone
        job.state, job.started_at, job.stage = JobState.RUNNING, utcnow(), "Starting"
        session.add(job)
        session.commit()
        kind, tender_id, requester = JobKind(job.kind), job.tender_id, job.requested_by_id

    def progress(done: int, total: int, stage: str) -> None:
        _write(engine, job_id, done=done, total=total, stage=stage)

    try:
        # Read without the write lock (SQLite): progress is written from other connections while this one works,
        # and the document's audit events take the lock only at the end (audit.record -> begin_writing).
        with reading_session(engine) as session:
            actor = session.get(User, requester)
            if actor is None or not actor.active:
                raise Forbidden("The account that asked for this document is no longer active")
            if kind == JobKind.ISSUE_SUMMARIES:
                issued = award_path.issue_summaries(session, actor, tender_id, tender_url=tender_url(tender_id),
                                                    now=now, progress=progress)  # fmt: skip
                name, data, mimetype = None, None, None
                stage = f"Issued {plural(len(issued), 'assessment summary', 'assessment summaries')}: bidders emailed"
            else:
                name, data, mimetype = _make(session, actor, kind, tender_id, progress, now or utcnow())
                stage = "Ready"
            session.commit()
            if after_commit is not None:
                after_commit(session)
    except ServiceError as exc:
        _write(engine, job_id, state=JobState.FAILED, stage="Could not be made", error=exc.message,
               finished_at=utcnow())  # fmt: skip
        return
    except Exception:
        log.exception("job %s (%s for tender %s) failed", job_id, kind, tender_id)
        _write(engine, job_id, state=JobState.FAILED, stage="Could not be made", error=FAILED, finished_at=utcnow())
        return
    with Session(engine) as session:
        finished = session.get(Job, job_id)
        assert finished is not None
        finished.state, finished.stage, finished.finished_at = JobState.DONE, stage, utcnow()
        finished.filename, finished.result, finished.mimetype = name, data, mimetype
        finished.done = finished.total
        session.add(finished)
        session.commit()


def _write(engine: Engine, job_id: str, **values: object) -> None:
    with Session(engine) as session:
        session.execute(update(Job).where(col(Job.id) == job_id).values(**values))
        session.commit()


def _make(
    session: Session, actor: User, kind: JobKind, tender_id: int, progress: Progress, now: datetime
) -> tuple[str, bytes, str]:
    if kind == JobKind.EVALUATION_REPORT:
        progress(1, 2, "Gathering the evaluation and writing the report")
        name, data = reports.evaluation_report(session, actor, tender_id, now=now)
        return name, data, PDF
    if kind == JobKind.SCORE_MATRIX:
        progress(1, 2, "Writing the score matrix")
        name, data = reports.score_matrix(session, actor, tender_id)
        return name, data, XLSX
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pdf in reports.all_summaries(session, actor, tender_id, now=now, progress=progress):
            archive.writestr(name, pdf)
    tender = get_tender(session, actor, tender_id)
    return f"{tender.reference}-assessment-summaries.zip", buffer.getvalue(), ZIP
