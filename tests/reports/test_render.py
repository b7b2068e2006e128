"""Rendering: metadata, the time limit in a worker process, renders from threads, many documents at once."""

from __future__ import annotations

import gc
import io
import socket
import threading
import time
from typing import Any

import pydyf
import pytest
from pypdf import PdfReader

from tenderscore.reports import RenderFailed, RenderTimeout, render, render_many, render_pdf
from tenderscore.reports.render import DEFAULT_TIMEOUT, SECONDS_PER_ROW, _SharedWorker, evaluation_report_timeout
from tenderscore.reports.worker import (
    RENDER_GC_THRESHOLDS,
    PdfMeta,
    _pages_so_far,
    fewer_collections,
    font_config,
    render_here,
    time_limit,
)

from .conftest import pdf_text, summary_view
from .demo_data import DemoTender
from .helpers import die, fail_badly, ignore_the_timer_and_sleep

HTML = '<!DOCTYPE html><html lang="fr"><head><title>Not this title</title><meta name="author" content="Nor this">' \
       "</head><body><h1>Heading</h1><p>Paragraph £1,000 – “quoted”.</p></body></html>"


def test_metadata_comes_from_the_caller_not_the_html() -> None:
    pdf = render_pdf(HTML, title="Tender evaluation report", author="A Council", subject="About this")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert (reader.metadata.title, reader.metadata.author, reader.metadata.subject) == (
        "Tender evaluation report", "A Council", "About this")
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "Paragraph £1,000 – “quoted”." in pdf_text(pdf)


def _slow_html(rows: int) -> str:
    body = "".join(f"<tr><td>{i}</td><td>{'word ' * 40}</td></tr>" for i in range(rows))
    return f'<html lang="en-GB"><body><table>{body}</table></body></html>'


def test_a_render_past_its_time_limit_is_stopped_and_the_next_one_works() -> None:
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="limit of 0.3 s"):
        render_pdf(_slow_html(4000), title="slow", author="t", timeout=0.3)
    assert time.monotonic() - started < 8
    assert render_pdf(HTML, title="after", author="t").startswith(b"%PDF-")


def test_a_worker_the_timer_cannot_reach_is_killed() -> None:
    worker = _SharedWorker(grace=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(RenderTimeout, match="worker stopped"):
            worker.run(ignore_the_timer_and_sleep, (30,), 0.5)
        assert time.monotonic() - started < 10
    finally:
        worker.close()


def test_a_crashed_worker_is_reported_and_replaced() -> None:
    worker = _SharedWorker()
    try:
        with pytest.raises(RenderFailed, match="stopped unexpectedly"):
            worker.run(die, (), 5)
        with pytest.raises(RenderFailed, match="Unpicklable: cannot cross a process boundary"):
            worker.run(fail_badly, (), 5)
        assert worker.run(render_here, (HTML, PdfMeta("again", "t"), 30), 30).pdf.startswith(b"%PDF-")
    finally:
        worker.close()


def test_a_worker_is_replaced_after_its_share_of_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "RENDERS_PER_WORKER", 2)
    worker = _SharedWorker()
    try:
        pids = []
        for _ in range(3):
            worker.run(render_here, (HTML, PdfMeta("recycle", "t"), 30), 30)
            assert worker._process is not None
            pids.append(worker._process.pid)
        assert pids[0] == pids[1] != pids[2]
    finally:
        worker.close()


def test_a_forked_worker_keeps_no_socket_or_pipe_end_of_its_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A render worker forked while this process holds a socket (a web request's client connection, a database's)
    lets go of it: once this process closes its end, the other end sees the connection close. And the worker ends
    when this process's end of its pipe closes, even if this process never stops it (an RQ job ends with
    os._exit)."""
    monkeypatch.setattr(render, "start_method", lambda: "fork")  # as in a gunicorn worker or an RQ job
    client, peer = socket.socketpair()
    worker = _SharedWorker()
    try:
        assert worker.run(render_here, (HTML, PdfMeta("sockets", "t"), 30), 30).pdf.startswith(b"%PDF-")
        client.close()
        peer.settimeout(10)
        assert peer.recv(1) == b""  # nobody else holds the client's end
        process, pipe = worker._process, worker._pipe
        assert process is not None and pipe is not None
        pipe.close()  # as when this process ends without closing anything
        process.join(10)
        assert process.exitcode == 0
    finally:
        worker._pipe = None
        worker.close()
        peer.close()


def test_renders_from_other_threads_as_in_a_web_server() -> None:
    results: list[bytes] = []

    def request() -> None:
        results.append(render_pdf(HTML, title="from a thread", author="t", timeout=30))

    threads = [threading.Thread(target=request) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 3 and all(pdf.startswith(b"%PDF-") for pdf in results)


def test_in_process_rendering_needs_the_main_thread() -> None:
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            with time_limit(1):
                pass
        except RuntimeError as error:
            errors.append(error)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    assert errors and "main thread" in str(errors[0])


def test_one_font_configuration_per_process() -> None:
    first = font_config()
    render_here(HTML, PdfMeta("a", "b"), 30)
    render_here(HTML, PdfMeta("a", "b"), 30)
    assert font_config() is first


def test_render_many_yields_each_document_in_order(final: DemoTender) -> None:
    views = [summary_view(final, bid_id) for bid_id in ("B001", "B002", "B003", "B004", "B005")]
    results = list(render_many(views, workers=2, timeout=60))
    assert [view.bidder for view, _ in results] == [view.bidder for view in views]
    for view, rendered in results:
        text = " ".join(pdf_text(rendered.pdf).split())
        assert f"To {view.bidder}" in text
        assert rendered.fetches == ()


def test_render_many_of_nothing() -> None:
    assert list(render_many([])) == []


def test_page_references_are_pydyfs_own_built_once_per_page_count() -> None:
    """WeasyPrint asks for every page's reference once per tagged element; the memo answers what pydyf would."""
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == _pages_so_far(pdf) and len(first) == 3
    assert pdf.page_references is first  # not rebuilt while no page is added
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == _pages_so_far(pdf) and len(pdf.page_references) == 4


def test_a_render_collects_garbage_less_often_and_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    with fewer_collections():
        seen.append(gc.get_threshold())
    assert seen == [RENDER_GC_THRESHOLDS] and gc.get_threshold() == before
    render_here(HTML, PdfMeta("a", "b"), 30)
    assert gc.get_threshold() == before


def test_the_evaluation_report_time_limit_grows_with_its_rows(final: DemoTender) -> None:
    from .conftest import evaluation_view
    from .demo_data import demo_tender

    small = evaluation_view(final)
    large = evaluation_view(demo_tender(50))
    assert evaluation_report_timeout(small) == pytest.approx(DEFAULT_TIMEOUT + SECONDS_PER_ROW * 5 * (1 + 4))
    assert evaluation_report_timeout(large) == pytest.approx(DEFAULT_TIMEOUT + SECONDS_PER_ROW * 50 * (1 + 4))
