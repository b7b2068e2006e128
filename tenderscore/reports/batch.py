"""Many documents at once: a pool of worker processes (both cores by default), each reusing one font configuration.

Results come back in the order given, one at a time, so the caller can write each PDF to disk as it arrives and
memory stays bounded however many documents there are.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from functools import partial
from typing import TypeVar

from .errors import RenderTimeout
from .notice_views import AwardNoticeView, ContractNoticeView, PerformanceNoticeView, StandstillLetterView
from .render import DEFAULT_TIMEOUT, GRACE, new_pool
from .views import AssessmentSummaryView, EvaluationReportView, SelfCheckView
from .worker import Rendered, render_view_here

V = TypeVar(
    "V",
    EvaluationReportView,
    AssessmentSummaryView,
    SelfCheckView,
    AwardNoticeView,
    ContractNoticeView,
    StandstillLetterView,
    PerformanceNoticeView,
)


def render_many(
    documents: Iterable[V], *, workers: int = 2, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[tuple[V, Rendered]]:
    """Render each view model to PDF in ``workers`` processes; yield ``(view, rendered)`` in the order given.

    Each document has its own ``timeout`` (enforced in the worker); a worker that stops answering is killed along
    with the pool and ``RenderTimeout`` is raised. Closing the iterator early stops the workers.
    """
    views = list(documents)
    if not views:
        return
    pool = new_pool(max(1, min(workers, len(views))))
    try:
        results = pool.imap(partial(render_view_here, timeout=timeout), views)
        for view in views:
            try:
                rendered: Rendered = results.next(timeout + GRACE)
            except multiprocessing.TimeoutError:
                raise RenderTimeout(f"a render did not finish within {timeout + GRACE:g} s; workers stopped") from None
            yield view, rendered
        pool.close()
    finally:
        pool.terminate()
        pool.join()
