"""The evaluation report's render time per page at 10, 100 and 500 bids: it should not grow with the competition.

    python bench/bench_report_pages.py [--sizes 10 100 500] [--repeat 3]

A competition is grown at each size (tests/performance/grown.py, in bulk, in a SQLite file of its own): the shipped
probation rubric, seven criteria scored by a panel of three, every bid not excluded scored and moderated. The
service builds the report's view model from it as it would for the officer (``services.reports.evaluation_report``,
with the render intercepted); each view is then rendered as the service renders it, in the render worker process
(``render_document``). Sizes take turns within each round, in a different order each round, so that load from other
processes falls on every size alike; the figures are medians. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from tenderscore import create_app  # noqa: E402
from tenderscore.db import get_engine  # noqa: E402
from tenderscore.db.migrate import upgrade  # noqa: E402
from tenderscore.db.models import User  # noqa: E402
from tenderscore.reports import EvaluationReportView, close_renderer, render_document  # noqa: E402
from tenderscore.reports.render import evaluation_report_timeout  # noqa: E402
from tenderscore.services import accounts, reports  # noqa: E402
from tests.performance.grown import Size, grow  # noqa: E402


def _quick_hash(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1")


def report_view(bids: int, folder: Path) -> EvaluationReportView:
    """The evaluation report's view of the tender under evaluation in a competition grown to ``bids`` bids."""
    captured: list[EvaluationReportView] = []

    def capture(view: EvaluationReportView, **_: Any) -> bytes:
        captured.append(view)
        return b"%PDF-1.7 (not rendered here)"

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": "bench"},
                     instance_path=str(folder / "instance"))  # fmt: skip
    engine = get_engine(app)
    try:
        upgrade(engine)
        with Session(engine) as session:
            grown = grow(session, Size(bids), bulk=True)
            session.commit()
            officer = session.exec(select(User).where(User.email == grown.emails["officer"])).one()
            original, reports.evaluation_report_pdf = reports.evaluation_report_pdf, capture
            try:
                reports.evaluation_report(session, officer, grown.tenders["evaluating"])
            finally:
                reports.evaluation_report_pdf = original
            session.rollback()
    finally:
        engine.dispose()
    return captured[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500], help="numbers of bids")
    parser.add_argument("--repeat", type=int, default=3, help="renders of each size (the median is printed)")
    args = parser.parse_args()
    accounts.generate_password_hash = _quick_hash  # signing up the panel stays cheap
    print(f"evaluation report pages bench: {os.cpu_count()} CPUs, median of {args.repeat} renders per size, "
          "sizes alternating", flush=True)  # fmt: skip
    views: dict[int, EvaluationReportView] = {}
    with tempfile.TemporaryDirectory() as temporary:
        for bids in args.sizes:
            folder = Path(temporary) / str(bids)
            folder.mkdir()
            started = time.perf_counter()
            views[bids] = report_view(bids, folder)
            print(f"  grew {bids} bids, built the report's view: {time.perf_counter() - started:.1f} s", flush=True)
    render_document(views[min(views)])  # start the worker and load its fonts
    times: dict[int, list[float]] = {bids: [] for bids in views}
    pages: dict[int, int] = {}
    order = list(views)
    for round_ in range(args.repeat):
        shift = round_ % len(order)
        for bids in order[shift:] + order[:shift]:
            view = views[bids]
            started = time.perf_counter()
            rendered = render_document(view, timeout=evaluation_report_timeout(view))
            times[bids].append(time.perf_counter() - started)
            pages[bids] = rendered.pages
    close_renderer()
    print(f"\n{'bids':>6}{'pages':>8}{'pages/bid':>11}{'median s':>10}{'min s':>8}{'max s':>8}{'s/page':>9}"
          f"{'limit s':>9}")  # fmt: skip
    for bids in views:
        median = statistics.median(times[bids])
        print(f"{bids:>6}{pages[bids]:>8}{pages[bids] / bids:>11.2f}{median:>10.2f}{min(times[bids]):>8.2f}"
              f"{max(times[bids]):>8.2f}{median / pages[bids]:>9.3f}{evaluation_report_timeout(views[bids]):>9.0f}")
    print("\ns/page should stay level from 10 to 500 bids; 'limit s' is the render's time limit for that report.")


if __name__ == "__main__":
    main()
