"""Rendering entry points: HTML or a view model -> PDF bytes, in a worker process, within a time limit.

Why a worker process: the time limit is a signal timer, and signals only reach a process's main thread, which a
web request thread is not. So every render is handed to a small pool of worker processes (started lazily, once;
see ``start_method``), and the worker enforces the limit in its own main thread. The caller also waits no longer
than the limit plus ``GRACE`` seconds: if the worker is stuck in C code that the timer cannot interrupt, the caller
kills the pool and raises ``RenderTimeout``. Each worker keeps one WeasyPrint ``FontConfiguration`` for all its
documents. The same worker code serves ``render_many`` (batch.py), whose pool uses every core.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import stat
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.pool import Pool
from multiprocessing.process import BaseProcess
from typing import Any

from .errors import RenderFailed, RenderTimeout
from .fetcher import FetchRecord
from .notice_views import AwardNoticeView, ContractNoticeView, PerformanceNoticeView, StandstillLetterView
from .templating import View, render_html
from .views import AssessmentSummaryView, EvaluationReportView, SelfCheckView
from .worker import PdfMeta, Rendered, render_here, render_view_here, serve, warm_up

DEFAULT_TIMEOUT = 120.0  # seconds; a 50-bidder evaluation report takes a few
# The evaluation report grows with the competition (an entry per tender in Appendix A, a row per score in it), and
# its render time with its pages, so its limit grows too: DEFAULT_TIMEOUT plus this much per tender and per score.
# It renders at 0.1 to 0.3 s a page on a shared two-core machine (bench/bench_report_pages.py) and a tender scored
# on seven criteria takes under a page: 0.1 s per row is several times what a render needs even under load, and
# still stops a render that has gone wrong (500 tenders of 7 scores: 120 + 400 s).
SECONDS_PER_ROW = 0.1
GRACE = 10.0  # how much longer the caller waits before it concludes the worker's own timer could not fire
# With one font configuration a worker still grows by about 10 kB per document (C-level caches, not the Python
# heap); replacing it after this many documents keeps its memory bounded whatever the uptime.
RENDERS_PER_WORKER = 500


def start_method() -> str:
    """``fork`` while this process has a single thread (instant, nothing re-imported); else ``forkserver``.

    Forking a process that runs other threads (a web server, or a pool's own handler threads) can copy a lock
    some thread holds and deadlock the child, so then workers come from a forkserver that preloaded WeasyPrint.
    As with any ``multiprocessing`` use, a script that renders from a forkserver must guard its entry point with
    ``if __name__ == "__main__":`` (the ``tenderscore`` command and ``flask`` do).
    """
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def new_pool(processes: int) -> Pool:
    """A pool of render workers, each warmed up (fonts loaded) before its first job."""
    pool: Pool = _context().Pool(processes, initializer=warm_up, maxtasksperchild=RENDERS_PER_WORKER)
    return pool


def _context() -> Any:  # a concrete context (typeshed's BaseContext has no Process)
    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["tenderscore.reports.worker"])
    return context


class _SharedWorker:
    """One worker process for single renders, shared by all threads of this process one render at a time.

    A plain process and a pipe rather than a pool: a job is one message each way, with no helper threads to wake,
    and the caller's thread waits on the pipe with its own deadline.
    """

    def __init__(self, grace: float = GRACE) -> None:
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None
        self._renders = 0
        self.grace = grace

    def run(self, function: Callable[..., Rendered], args: tuple[Any, ...], timeout: float) -> Rendered:
        with self._lock:
            if self._renders >= RENDERS_PER_WORKER:
                self._discard()
            pipe = self._pipe if self._process is not None and self._process.is_alive() else None
            if pipe is None:
                pipe = self._start()
            self._renders += 1
            pipe.send((function, args))
            if not pipe.poll(timeout + self.grace):
                self._discard()
                waited = timeout + self.grace
                raise RenderTimeout(f"the render did not finish within {waited:g} s; worker stopped")
            try:
                ok, value = pipe.recv()
            except EOFError:
                self._discard()
                raise RenderFailed("the render worker stopped unexpectedly; the next render starts a new one") from None
        if not ok:
            raise value
        result: Rendered = value
        return result

    def _start(self) -> Connection:
        context = _context()
        pipes: tuple[Connection, Connection] = context.Pipe()
        ours, theirs = pipes
        # A forked child inherits every descriptor, our end of the pipe included: it closes that copy first, or it
        # would never see the pipe close when this process ends without closing it (an RQ job's child ends with
        # os._exit, which runs no atexit) and would live on, holding its memory and the job's connections.
        target, args = (_serve_forked, (theirs, ours)) if context.get_start_method() == "fork" else (serve, (theirs,))
        process = context.Process(target=target, args=args, name="tenderscore-render", daemon=True)
        process.start()
        theirs.close()
        self._process, self._pipe = process, ours
        return ours

    def _discard(self) -> None:
        if self._pipe is not None:
            self._pipe.close()
        if self._process is not None:
            self._process.kill()
            self._process.join()
        self._process = self._pipe = None
        self._renders = 0

    def close(self) -> None:
        """Stop the worker process (it is started again by the next render)."""
        with self._lock:
            self._discard()


def _serve_forked(pipe: Connection, parents_end: Connection) -> None:
    """``serve`` in a forked child, once it has closed its copy of the parent's end (``_SharedWorker._start``) and
    let go of every other socket it inherited."""
    parents_end.close()
    drop_inherited_sockets(keep=pipe.fileno())
    serve(pipe)


def drop_inherited_sockets(*, keep: int) -> None:
    """Let go of the sockets a forked child inherited, all but ``keep``: the web request's client connection, the
    server's listening socket, database and Redis connections. Holding a copy keeps each open after the parent has
    closed it (a client waiting for the end of a response, a database that will not drop). Each is pointed at
    /dev/null rather than closed: the parent's objects copied into the child still own those numbers, and one
    closing its number later must not close a file this process has since opened with it. Linux (/proc) only;
    elsewhere nothing is done."""
    try:
        numbers = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for number in numbers:
            if number in (keep, null):
                continue
            try:
                if stat.S_ISSOCK(os.fstat(number).st_mode):
                    os.dup2(null, number, inheritable=False)
            except OSError:
                continue  # closed since it was listed (the listing's own descriptor)
    finally:
        os.close(null)


_shared = _SharedWorker()
atexit.register(_shared.close)


def close_renderer() -> None:
    """Stop this process's render worker, e.g. when an app shuts down or a test module ends."""
    _shared.close()


def render_pdf(
    html: str,
    *,
    title: str,
    author: str,
    subject: str = "",
    lang: str = "en-GB",
    timeout: float = DEFAULT_TIMEOUT,
    fetch_log: list[FetchRecord] | None = None,
) -> bytes:
    """Render a complete HTML document to a tagged PDF (PDF/UA-1) with this title, author, subject and language.

    Only ``data:`` URLs and the reports' own assets can be loaded; ``fetch_log``, when given, receives a record of
    every URL the render asked for. Raises ``RenderTimeout`` after ``timeout`` seconds.
    """
    rendered = _shared.run(render_here, (html, PdfMeta(title, author, subject, lang), timeout), timeout)
    if fetch_log is not None:
        fetch_log.extend(rendered.fetches)
    return rendered.pdf


def render_document(view: View, *, timeout: float = DEFAULT_TIMEOUT) -> Rendered:
    """Template and render one view model in the worker: the PDF, its page count and what it tried to fetch."""
    return _shared.run(render_view_here, (view, timeout), timeout)


def evaluation_report_timeout(view: EvaluationReportView) -> float:
    """The evaluation report's time limit: ``DEFAULT_TIMEOUT`` plus ``SECONDS_PER_ROW`` per tender and per score."""
    rows = sum(1 + len(entry.scores) for entry in view.entries)
    return DEFAULT_TIMEOUT + SECONDS_PER_ROW * rows


def evaluation_report_pdf(view: EvaluationReportView, *, timeout: float | None = None) -> bytes:
    """The tender evaluation report as PDF bytes, within ``timeout`` seconds (by default, as long as its size needs:
    ``evaluation_report_timeout``)."""
    limit = evaluation_report_timeout(view) if timeout is None else timeout
    return render_document(view, timeout=limit).pdf


def assessment_summary_pdf(view: AssessmentSummaryView, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """One supplier's assessment summary as PDF bytes."""
    return render_document(view, timeout=timeout).pdf


def self_check_pdf(view: SelfCheckView, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """A bidder's self-check report as PDF bytes."""
    return render_document(view, timeout=timeout).pdf


def award_notice_pdf(view: AwardNoticeView, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The contract award notice (s.50) as PDF bytes."""
    return render_document(view, timeout=timeout).pdf


def contract_notice_pdf(view: ContractNoticeView, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The contract details notice (s.53) as PDF bytes."""
    return render_document(view, timeout=timeout).pdf


def performance_notice_pdf(view: PerformanceNoticeView, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """A contract performance notice (s.71) as PDF bytes."""
    return render_document(view, timeout=timeout).pdf


def standstill_letter_pdf(view: StandstillLetterView, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """One unsuccessful bidder's standstill letter as PDF bytes (``render_many`` for all of them)."""
    return render_document(view, timeout=timeout).pdf


__all__ = [
    "DEFAULT_TIMEOUT",
    "assessment_summary_pdf",
    "award_notice_pdf",
    "close_renderer",
    "contract_notice_pdf",
    "evaluation_report_pdf",
    "evaluation_report_timeout",
    "performance_notice_pdf",
    "render_document",
    "render_html",
    "render_pdf",
    "self_check_pdf",
    "standstill_letter_pdf",
]
