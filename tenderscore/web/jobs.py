"""Who runs background jobs: RQ workers on Redis when ``REDIS_URL`` is set, else a thread of this process.

RQ (python-rq) because it is the maintained, plain job queue for Redis that the rest of the stack already needs
(rate limits share the same server): a job is a function and its arguments, a worker is one command
(``tenderscore worker``), and a job that kills its worker (a runaway PDF) does not take the worker pool with it,
because each job runs in a forked child. The embedded default runs the very same ``services.jobs.run`` in one
background thread, so ``make run`` needs no Redis and no second process.

A job starts only after the transaction that recorded it commits (``web/transaction.py`` calls ``dispatch``), so a
worker never looks for a job that is not there yet.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from flask import Flask, current_app
from sqlmodel import Session

from tenderscore.db import get_engine
from tenderscore.reports import close_renderer
from tenderscore.services import jobs
from tenderscore.web.views import email_url

log = logging.getLogger(__name__)
_RUNNER = "tenderscore.jobs"
QUEUE = "tenderscore"
JOB_TIMEOUT = 30 * 60  # seconds a worker gives one job: the largest report renders in minutes, not half an hour


class Runner(Protocol):
    def submit(self, job_id: str) -> None: ...


class InProcess:
    """One background thread: jobs run one after another, as RQ's single worker would."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tenderscore-job")
        self.futures: dict[str, Future[None]] = {}

    def submit(self, job_id: str) -> None:
        self.futures[job_id] = self.executor.submit(run_in, self.app, job_id)

    def wait(self, job_id: str, timeout: float = 120) -> None:
        """For tests and the command line: until this job has finished (never a sleep)."""
        self.futures[job_id].result(timeout=timeout)

    def stop(self) -> None:
        """Let the job in hand finish (its sessions closed, connections back in the pool); take no more."""
        self.executor.shutdown(wait=True, cancel_futures=True)


class OnRedis:
    def __init__(self, url: str, queue: str) -> None:
        from redis import Redis
        from rq import Queue

        self.queue = Queue(queue, connection=Redis.from_url(url))

    def submit(self, job_id: str) -> None:
        self.queue.enqueue(perform, job_id, job_id=job_id, job_timeout=JOB_TIMEOUT, result_ttl=3600, failure_ttl=86400)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    queue = str(app.config.get("JOB_QUEUE") or QUEUE)
    app.extensions[_RUNNER] = OnRedis(str(url), queue) if url else InProcess(app)


def stop(app: Flask) -> None:
    """Before the app's engine is disposed (a test's end, a process's): the in-process worker finishes first."""
    found = app.extensions.get(_RUNNER)
    if isinstance(found, InProcess):
        found.stop()


def runner(app: Flask | None = None) -> Runner:
    found: Runner = (app or current_app).extensions[_RUNNER]
    return found


def dispatch(session: Session) -> None:
    """After a commit: start the jobs the committed transaction recorded. A queue that cannot be reached leaves the
    job queued (the job page says it is waiting) and is logged; the request itself has succeeded."""
    for job_id in jobs.queued(session):
        try:
            runner().submit(job_id)
        except Exception:
            log.exception("job %s could not be queued", job_id)


# --- inside an RQ worker ------------------------------------------------------------------------------------------

_worker_app: Flask | None = None


def serve_jobs(app: Flask, *, burst: bool = False) -> bool:
    """Run an RQ worker on this app's queue until stopped (or, with ``burst``, until the queue is empty)."""
    from redis import Redis
    from rq import Queue, Worker

    global _worker_app
    _worker_app = app
    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("TENDERSCORE_REDIS_URL is not set: without Redis, jobs run inside the web process")
    connection = Redis.from_url(str(url))
    queue = Queue(str(app.config.get("JOB_QUEUE") or QUEUE), connection=connection)
    return bool(Worker([queue], connection=connection).work(burst=burst, with_scheduler=False))


def perform(job_id: str) -> Any:
    """What RQ calls in the worker's forked child: the service's ``run`` on the app's database."""
    app = _worker_app
    if app is None:
        raise RuntimeError("run jobs with `tenderscore worker`, which sets up the app they need")
    get_engine(app).dispose(close=False)  # a forked child must not share the parent's pooled connections
    try:
        run_in(app, job_id)
    finally:
        close_renderer()  # RQ ends this child with os._exit (no atexit): stop the render worker it started


def run_in(app: Flask, job_id: str) -> None:
    """The job on this app's database, with its links and its email as the app writes and sends them."""
    from tenderscore.web.transaction import deliver_mail

    def tender_url(tender_id: int) -> str:
        with app.app_context():
            return email_url("pages.tender_detail", tender_id=tender_id)

    def send(session: Session) -> None:
        with app.app_context():
            deliver_mail(session)

    jobs.run(get_engine(app), job_id, tender_url=tender_url, after_commit=send)
