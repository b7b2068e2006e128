"""Reports bench: our overhead over bare WeasyPrint, parallel rendering, and memory over 1,000 documents.

Prints figures only; nothing here asserts a time. Run from the checkout: ``.venv/bin/python bench/bench_reports.py``
(``--documents 300`` for a shorter memory run). Each "ours" figure is the whole path the service takes: building
the view model from core objects, Jinja, and the PDF/UA render in a worker process with the asset-only fetcher.
"WeasyPrint alone" renders the same HTML with the same PDF options in this process, with WeasyPrint's defaults.
Timings alternate between the two, document by document, so load from other processes falls on both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import weasyprint  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from tenderscore.reports import (  # noqa: E402
    AssessmentSummaryView,
    build_assessment_summary,
    build_evaluation_report,
    close_renderer,
    render_document,
    render_html,
    render_many,
)
from tenderscore.reports.worker import PDF_OPTIONS, render_view_here  # noqa: E402
from tests.reports.demo_data import DemoTender, demo_tender  # noqa: E402

MARKS = (100, 500, 1000)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def summary_for(demo: DemoTender, bid_id: str) -> AssessmentSummaryView:
    return build_assessment_summary(
        demo.rubric, demo.evaluation, demo.responses, bid_id=bid_id, tender=demo.tender,
        consensus=demo.consensus, generated_at=demo.generated_at,
    )


def summaries(demo: DemoTender) -> list[AssessmentSummaryView]:
    return [summary_for(demo, r.bid_id) for r in demo.evaluation.results]


def bench_evaluation_report(repeats: int = 3) -> None:
    demo = demo_tender(50)

    def ours() -> bytes:
        view = build_evaluation_report(
            demo.rubric, demo.evaluation, demo.responses, tender=demo.tender, panel=demo.panel,
            consensus=demo.consensus, sensitivity=demo.sensitivity, chain_head=demo.chain_head,
            generated_at=demo.generated_at,
        )
        return render_document(view).pdf

    html = render_html(build_evaluation_report(
        demo.rubric, demo.evaluation, demo.responses, tender=demo.tender, panel=demo.panel,
        consensus=demo.consensus, sensitivity=demo.sensitivity, chain_head=demo.chain_head,
        generated_at=demo.generated_at,
    ))
    document = HTML(string=html).render(**PDF_OPTIONS)
    ours()  # start the worker and load its fonts
    mine, bare = [], []
    for repeat in range(repeats):
        if repeat % 2:
            bare.append(timed(lambda: HTML(string=html).write_pdf(**PDF_OPTIONS)))
        mine.append(timed(ours))
        if not repeat % 2:
            bare.append(timed(lambda: HTML(string=html).write_pdf(**PDF_OPTIONS)))
    ratio = statistics.median(mine) / statistics.median(bare)
    print(f"50-bidder evaluation report ({len(document.pages)} pages, median of {repeats}):")
    print(f"  ours {statistics.median(mine):6.2f} s | WeasyPrint alone {statistics.median(bare):6.2f} s | "
          f"{ratio:.2f}x (target <= 1.15x)")


def bench_summaries(demo: DemoTender, views: list[AssessmentSummaryView]) -> None:
    htmls = [render_html(view) for view in views]
    mine = bare = 0.0
    for index, (view, html) in enumerate(zip(views, htmls, strict=True)):
        if index % 2:  # alternate which goes first, so neither gains from the other's warm caches
            bare += timed(lambda h=html: HTML(string=h).write_pdf(**PDF_OPTIONS))
        mine += timed(lambda b=view.bid_id: render_document(summary_for(demo, b)))
        if not index % 2:
            bare += timed(lambda h=html: HTML(string=h).write_pdf(**PDF_OPTIONS))
    print(f"{len(views)} assessment summaries, one at a time:")
    print(f"  ours {mine:6.2f} s | WeasyPrint alone {bare:6.2f} s | {mine / bare:.2f}x (target <= 1.15x)")


def bench_parallel(views: list[AssessmentSummaryView], rounds: int = 3) -> None:
    """Two worker processes against one, under the same conditions (fresh workers both, start-up included),
    alternating, medians: not a fresh worker against this large parent process, whose heap slows it down."""
    close_renderer()
    one, two = [], []
    for _ in range(rounds):
        one.append(timed(lambda: list(render_many(views, workers=1))))
        two.append(timed(lambda: list(render_many(views, workers=2))))
    single, pair = statistics.median(one), statistics.median(two)
    print(f"{len(views)} assessment summaries, render_many with 2 worker processes against 1 (medians of {rounds}):")
    print(f"  {pair:6.2f} s | one worker {single:6.2f} s | {pair / single:.2f}x (2 cores: 0.50x at best)")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_run(kind: str, documents: int) -> None:
    """Child process: render ``documents`` summaries one by one and print RSS at each mark as JSON."""
    views = summaries(demo_tender(100, with_sensitivity=False))
    htmls = [render_html(view) for view in views]
    marks = {m for m in MARKS if m <= documents} | {documents}
    seen = {}
    for n in range(1, documents + 1):
        if kind == "ours":
            render_view_here(views[n % len(views)], 120)  # the worker's code: one FontConfiguration per process
        else:
            # what WeasyPrint does when given no font configuration: a new one for every document
            HTML(string=htmls[n % len(htmls)]).write_pdf(font_config=FontConfiguration(), **PDF_OPTIONS)
        if n in marks:
            seen[n] = rss_mb()
    print(json.dumps(seen))


def bench_memory(documents: int) -> None:
    runs = {
        kind: subprocess.Popen([sys.executable, __file__, "--memory", kind, "--documents", str(documents)],
                               stdout=subprocess.PIPE, text=True)
        for kind in ("ours", "default")
    }
    results = {kind: {int(k): v for k, v in json.loads(run.communicate()[0]).items()} for kind, run in runs.items()}
    marks = sorted(results["ours"])
    print("RSS after N assessment summaries in one process (two such processes ran side by side):")
    print("  " + " " * 40 + "".join(f"{f'N={m}':>11}" for m in marks))
    labels = {"ours": "one FontConfiguration per process (ours)", "default": "a new FontConfiguration per document"}
    for kind, label in labels.items():
        row = results[kind]
        first, last = row[marks[0]], row[marks[-1]]
        growth = (last - first) / (marks[-1] - marks[0]) if len(marks) > 1 else 0.0
        print(f"  {label:<40}" + "".join(f"{row[m]:8.1f} MB" for m in marks)
              + f"   {growth * 1024:+.0f} kB per document after N={marks[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000, help="summaries in each memory run")
    parser.add_argument("--no-memory", action="store_true", help="print the timings only")
    parser.add_argument("--memory", choices=("ours", "default"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        memory_run(args.memory, args.documents)
        return
    print(f"reports bench: WeasyPrint {weasyprint.__version__}, {os.cpu_count()} CPUs, PDF/UA-1 tagging on")
    bench_evaluation_report()
    demo = demo_tender(100, with_sensitivity=False)
    views = summaries(demo)
    bench_summaries(demo, views)
    bench_parallel(views)
    close_renderer()
    if not args.no_memory:
        bench_memory(args.documents)


if __name__ == "__main__":
    main()
