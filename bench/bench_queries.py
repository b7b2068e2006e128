"""How many SQL statements each page of a tender's evaluation runs, and how long it takes, at 10, 100 and 500 bids.

    python bench/bench_queries.py [--sizes 10 100 500] [--evaluators 3] [--repeat 3]

A competition is grown at each size (tests/performance/grown.py, in bulk: the workbooks are read once per kind of
bid and the other bids, scores, consensus and completions written as rows), each in a SQLite file of its own, or
in a fresh schema on the PostgreSQL server ``TENDERSCORE_BENCH_DATABASE_URL`` names. Every bid not excluded is
scored by the whole panel and moderated; one tender is being evaluated, another awarded. Each page is then
requested as the role that uses it, counting the statements the app's engine sends and timing the request (the
median of ``--repeat``). PDFs are built but not rendered (bench/bench_reports.py times WeasyPrint). Prints figures
only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, make_url, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from tenderscore import create_app  # noqa: E402
from tenderscore.db import get_engine  # noqa: E402
from tenderscore.db.engine import make_engine  # noqa: E402
from tenderscore.db.migrate import upgrade  # noqa: E402
from tenderscore.db.models import User  # noqa: E402
from tenderscore.services import accounts, reports  # noqa: E402
from tests import forms  # noqa: E402
from tests.performance.grown import PASSWORD, Grown, Size, grow  # noqa: E402

SERVER = os.environ.get("TENDERSCORE_BENCH_DATABASE_URL", "")


def pages(grown: Grown) -> list[tuple[str, str, str]]:
    """(what, role, URL) of each page measured."""
    evaluating, awarded = grown.tenders["evaluating"], grown.tenders["awarded"]
    last = grown.bids["evaluating"][-1]
    mine = grown.bids["awarded"][0]
    return [
        ("evaluation page", "officer", f"/tenders/{evaluating}/evaluation"),
        ("evaluation page", "commissioner", f"/tenders/{evaluating}/evaluation"),
        ("evaluation page, awarded", "officer", f"/tenders/{awarded}/evaluation"),
        ("API evaluation", "officer", f"/api/tenders/{evaluating}/evaluation"),
        ("score matrix .xlsx", "officer", f"/tenders/{evaluating}/score-matrix.xlsx"),
        ("API score matrix", "commissioner", f"/api/tenders/{evaluating}/score-matrix"),
        ("evaluation report .pdf (built)", "officer", f"/tenders/{evaluating}/evaluation-report.pdf"),
        ("API scoring progress", "officer", f"/api/tenders/{evaluating}/scoring-progress"),
        ("API bids", "officer", f"/api/tenders/{evaluating}/bids"),
        ("tender page", "officer", f"/tenders/{evaluating}"),
        ("tender page, open for bids", "commissioner", f"/tenders/{grown.tenders['open']}"),
        ("tender history", "officer", f"/tenders/{evaluating}/history"),
        ("moderation page", "officer", f"/tenders/{evaluating}/moderation/{last}"),
        ("API moderation", "officer", f"/api/submissions/{last}/moderation"),
        ("evaluator's bids page", "evaluator", f"/tenders/{evaluating}/bids"),
        ("API bids", "evaluator", f"/api/tenders/{evaluating}/bids"),
        ("scoring page", "evaluator", f"/submissions/{last}/score"),
        ("tender page, awarded", "bidder", f"/tenders/{awarded}"),
        # The bulk-grown award has issued no summaries (that renders every one): the officer's preview is built.
        ("assessment summary preview .pdf (built)", "officer",
         f"/tenders/{awarded}/assessment-summary.pdf?submission={mine}"),
        ("audit chain check", "officer", "/api/audit/verify"),
    ]


class Counter:
    def __init__(self, app: Flask) -> None:
        self.count = 0
        event.listen(get_engine(app), "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


def _quick_hash(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1")


def _not_rendered(_render: object) -> bytes:
    return b"%PDF-1.7 (not rendered by the bench)"


def _not_rendered_many(views: Any, **_: Any) -> Iterator[tuple[Any, Any]]:
    for view in views:
        yield view, SimpleNamespace(pdf=_not_rendered(view), pages=1, fetches=())


@contextmanager
def database(folder: Path) -> Iterator[str]:
    """A SQLite file in ``folder``, or a schema on the PostgreSQL server (dropped afterwards)."""
    if not SERVER:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(SERVER)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(SERVER).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def measured(action: Callable[[], object], counter: Counter, repeat: int) -> tuple[int, float]:
    """Statements of the first run, and the median wall time of ``repeat`` runs (ms)."""
    times, counts = [], []
    for _ in range(repeat):
        before, started = counter.count, time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
        counts.append(counter.count - before)
    return counts[0], statistics.median(times)


def bench_size(size: Size, folder: Path, repeat: int) -> dict[str, tuple[int, float]]:
    with database(folder) as url:
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": True},
                         instance_path=str(folder / "instance"))  # fmt: skip
        engine = get_engine(app)
        try:
            upgrade(engine)
            started = time.perf_counter()
            with Session(engine) as session:
                grown = grow(session, size, bulk=True)
                session.commit()
            print(f"  grew {size} in {time.perf_counter() - started:.1f} s", flush=True)
            return _measure(app, grown, repeat)
        finally:
            engine.dispose()


def _measure(app: Flask, grown: Grown, repeat: int) -> dict[str, tuple[int, float]]:
    counter = Counter(app)
    clients: dict[str, FlaskClient] = {}
    for role in ("officer", "commissioner", "evaluator", "bidder"):
        clients[role] = app.test_client()
        forms.sign_in(clients[role], grown.emails[role], PASSWORD)
    found = {}
    for what, role, url in pages(grown):

        def get(role: str = role, url: str = url) -> None:
            response = clients[role].get(url)
            assert response.status_code == 200, f"{role} GET {url}: {response.status_code}"

        found[f"{what} ({role})"] = measured(get, counter, repeat)

    def every_summary() -> None:
        with Session(get_engine(app)) as session:
            officer = session.exec(select(User).where(User.email == grown.emails["officer"])).one()
            list(reports.all_summaries(session, officer, grown.tenders["awarded"]))
            session.rollback()

    found["every assessment summary, built (officer, CLI)"] = measured(every_summary, counter, repeat)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500], help="numbers of bids")
    parser.add_argument("--evaluators", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="requests per page (the median time is printed)")
    args = parser.parse_args()
    where = make_url(SERVER).render_as_string(hide_password=True) if SERVER else "SQLite files"
    print(f"queries bench: statements and median time per request, {where}; PDFs built, not rendered")
    # Cheap password hashes (signing in checks any method alike), and no PDF rendering.
    for module, name, replacement in ((accounts, "generate_password_hash", _quick_hash), (reports, "_render",
                                      _not_rendered), (reports, "render_many", _not_rendered_many)):  # fmt: skip
        setattr(module, name, replacement)
    results = {}
    with tempfile.TemporaryDirectory() as temporary:
        for bids in args.sizes:
            folder = Path(temporary) / str(bids)
            folder.mkdir()
            results[bids] = bench_size(Size(bids, args.evaluators), folder, args.repeat)
    sizes = list(results)
    width = max(len(name) for name in results[sizes[0]])
    print(f"\n{'':<{width}}" + "".join(f"{f'{n} bids':>22}" for n in sizes))
    print(f"{'':<{width}}" + "".join(f"{'statements':>12}{'ms':>10}" for _ in sizes))
    for name in results[sizes[0]]:
        row = "".join(f"{results[n][name][0]:>12}{results[n][name][1]:>10.0f}" for n in sizes)
        print(f"{name:<{width}}{row}")
    print("\nEvery assessment summary: each issued document appends its audit event (on PostgreSQL it locks the chain,")
    print("then reads its head and inserts), so that line grows by those statements per bid; the rest is read once.")


if __name__ == "__main__":
    main()
