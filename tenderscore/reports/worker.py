"""What runs inside a render worker process: HTML -> PDF with our fetcher, one font configuration, a time limit.

Every render runs in a worker process's main thread (see ``render.py``), which is what makes the time limit
reliable wherever the caller is (a web request thread, a CLI, a process pool): the limit is an interval timer
(``signal.setitimer``) whose handler raises an exception derived from ``BaseException``, so WeasyPrint's own
``except Exception`` blocks cannot swallow it, and the timer re-fires every second until the render has stopped.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import FrameType

import pydyf
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .errors import RenderFailed, RenderTimeout, ReportError
from .fetcher import ASSETS, AssetFetcher, FetchRecord
from .templating import View, render_html

# PDF/UA-1 works with WeasyPrint 70 here: it tags the structure (headings, tables, lists, figures), sets /Lang,
# /MarkInfo, the /StructTreeRoot and the pdfuaid XMP part, and makes viewers show the title.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}

# While a document renders, every box of every page stays alive until the PDF is written, so each full pass of the
# garbage collector walks the whole document so far: their cost grew with the square of its length (a 393-page
# evaluation report spent a quarter of its render in them). During a render the youngest generation is collected
# every 100,000 allocations instead of 700, which still frees short-lived cycles, and the older ones hardly ever.
RENDER_GC_THRESHOLDS = (100_000, 50, 1000)

_font_config: FontConfiguration | None = None


_PYDYF_PAGE_REFERENCES = getattr(pydyf.PDF, "page_references", None)  # pydyf's own property


def _pages_so_far(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's own ``PDF.page_references``: a reference to every page, built afresh from the page tree."""
    assert isinstance(_PYDYF_PAGE_REFERENCES, property) and _PYDYF_PAGE_REFERENCES.fget is not None
    pages: tuple[bytes, ...] = _PYDYF_PAGE_REFERENCES.fget(pdf)
    return pages


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """``PDF.page_references``, built once per page count instead of once per call.

    WeasyPrint 70 tags a PDF by asking for ``pdf.page_references[page_number]`` once per structure element, and
    pydyf builds the whole tuple again on every call: elements x pages, quadratic in the document's length (and
    the garbage it leaves sets off collections). Pages are only ever appended (``PDF.add_page``), so the tuple is
    kept with the page list and length it was built for.
    """
    kids = pdf.pages["Kids"]
    cached: tuple[int, int, tuple[bytes, ...]] | None = getattr(pdf, "_tenderscore_page_references", None)
    if cached is None or cached[:2] != (id(kids), len(kids)):
        cached = (id(kids), len(kids), _pages_so_far(pdf))
        pdf._tenderscore_page_references = cached
    return cached[2]


if isinstance(_PYDYF_PAGE_REFERENCES, property):  # a later pydyf without it simply goes unmemoised
    pydyf.PDF.page_references = property(_page_references)


@dataclass(frozen=True)
class PdfMeta:
    """Metadata written into the PDF's info dictionary and XMP, whatever the HTML says."""

    title: str
    author: str
    subject: str = ""
    lang: str = "en-GB"


@dataclass(frozen=True)
class Rendered:
    """A finished PDF, its page count and every URL the render asked for."""

    pdf: bytes
    pages: int
    fetches: tuple[FetchRecord, ...]


class _Deadline(BaseException):
    """Raised by the timer; a BaseException so that no ``except Exception`` on the way can swallow it."""


def font_config() -> FontConfiguration:
    """This process's one font configuration: a new one per document leaks about 0.2 MB each time."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def warm_up() -> None:
    """Worker start: set aside what was inherited from the parent, and load fonts before the first job arrives.

    A forked worker inherits its parent's whole heap (a web app's, or a batch's rendered documents). ``gc.freeze``
    moves those objects out of the collector's reach, so that every collection during a render does not walk
    them again (and copy their pages); without it a worker forked after a large render was 20% slower.
    """
    gc.freeze()
    font_config()


def serve(pipe: Connection) -> None:
    """A render worker's loop: run each ``(function, args)`` received, send back ``(True, result)`` or
    ``(False, error)``, and stop when the other end closes the pipe."""
    warm_up()
    while True:
        try:
            function, args = pipe.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, object] = (True, function(*args))
        except Exception as error:  # every failure goes back to the caller, as a picklable ReportError
            failure = error if isinstance(error, ReportError) else RenderFailed(f"{type(error).__name__}: {error}")
            reply = (False, failure)
        pipe.send(reply)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``RenderTimeout`` if the block runs longer than ``seconds``. Main thread only (signals)."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("time_limit needs the main thread; call render_pdf(), which runs in a worker process")

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Deadline

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    except _Deadline:
        raise RenderTimeout(f"the render took longer than its limit of {seconds:g} s and was stopped") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage at ``RENDER_GC_THRESHOLDS`` in the block, at the thresholds set before it afterwards."""
    previous = gc.get_threshold()
    gc.set_threshold(*RENDER_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def render_here(html: str, meta: PdfMeta, timeout: float) -> Rendered:
    """Render ``html`` to a tagged PDF in this process, within ``timeout`` seconds."""
    fetcher = AssetFetcher()
    try:
        with time_limit(timeout), fewer_collections():
            document = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher).render(
                font_config=font_config(), **PDF_OPTIONS
            )
            document.metadata.title = meta.title
            document.metadata.authors = [meta.author]
            document.metadata.description = meta.subject or None
            document.metadata.lang = meta.lang
            document.metadata.generator = "tenderscore"
            pdf = document.write_pdf(**PDF_OPTIONS)
    except ReportError:
        raise
    except Exception as error:
        raise RenderFailed(f"'{meta.title}' could not be rendered: {type(error).__name__}: {error}") from error
    return Rendered(pdf, len(document.pages), tuple(fetcher.records))


def render_view_here(view: View, timeout: float) -> Rendered:
    """Template and render one view model in this process."""
    meta = PdfMeta(view.meta.title, view.meta.author, view.meta.subject, view.meta.lang)
    return render_here(render_html(view), meta, timeout)
