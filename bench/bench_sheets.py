"""How fast a bid workbook is read and validated, next to openpyxl's bare read-only load of the same file.

    python bench/bench_sheets.py [--repeat N]

Prints figures only; it asserts nothing about time. The reader's own path (guard + defusedxml cell reader +
every check) is compared with ``openpyxl.load_workbook(read_only=True)``, which reads no cell at all, and with the
alternatives it was chosen over: openpyxl reading the named cells, and python-calamine (when installed), which
gives values but no formulas, defined names or number formats.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tenderscore.core.rubric import Rubric  # noqa: E402
from tenderscore.sheets import TemplateIdentity, demo_bids, guard_workbook, read_workbook  # noqa: E402
from tenderscore.sheets.layout import template_layout  # noqa: E402


def probation() -> tuple[Rubric, str]:
    """The shipped probation rubric, or the tests' copy of it until rubrics/ ships one."""
    path = ROOT / "rubrics" / "probation-innovation-partner.yaml"
    if path.exists():
        from tenderscore.rubric_files import load_rubric_file  # type: ignore[import-not-found,unused-ignore]

        return load_rubric_file(path), path.name
    from tests.sheets.fixtures import probation_rubric

    return probation_rubric(), "tests/sheets/fixtures.py (no rubrics/*.yaml yet)"


def best(run: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def openpyxl_named_cells(data: bytes, rubric: Rubric) -> dict[tuple[str, int, int], object]:
    """The alternative: openpyxl read-only, iterating the rows of every named area (formulas visible)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    layout = template_layout(rubric)
    values: dict[tuple[str, int, int], object] = {}
    last = max([c.row for c in layout.cells] + [t.first_row + t.rows for t in layout.tables])
    for sheet in {c.sheet for c in layout.cells} | {t.sheet for t in layout.tables}:
        for row in wb[sheet].iter_rows(min_row=1, max_row=last, max_col=8):
            for cell in row:
                if cell.value is not None:
                    values[(sheet, cell.row, cell.column)] = (cell.value, cell.data_type)
    wb.close()
    return values


def calamine_values(data: bytes) -> object:
    from python_calamine import CalamineWorkbook  # type: ignore[import-not-found,unused-ignore]

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="runs per figure; the best is shown")
    args = parser.parse_args()
    rubric, source = probation()
    tender = TemplateIdentity(
        "PRB-2026-001", "Resettlement", "Probation Region", datetime(2026, 6, 30, tzinfo=UTC), 1, "h"
    )
    demos = demo_bids(rubric, tender)
    data = demos[0].workbook  # the excellent consortium bid: the fullest workbook
    reading = read_workbook(data, rubric, tender)
    assert reading.errors == (), reading.errors

    bare = best(lambda: openpyxl.load_workbook(io.BytesIO(data), read_only=True).close(), args.repeat)
    ours = best(lambda: read_workbook(data, rubric, tender), args.repeat)
    print(f"rubric: {rubric.title} [{source}]; workbook: {demos[0].name}, {len(data):,} bytes")
    print(f"openpyxl.load_workbook(read_only=True) alone : {bare:7.2f} ms")
    print(f"read_workbook (guard + read + every check)   : {ours:7.2f} ms   ratio {ours / bare:.2f} (target <= 1.5)")
    guard = best(lambda: guard_workbook(data), args.repeat)
    named = best(lambda: openpyxl_named_cells(data, rubric), args.repeat)
    print(f"  of which guard_workbook                    : {guard:7.2f} ms")
    print(f"alternative: openpyxl read-only named cells  : {named:7.2f} ms   (values only, before any check)")
    try:
        calamine = best(lambda: calamine_values(data), args.repeat)
        print(f"alternative: python-calamine values only     : {calamine:7.2f} ms   (no formulas, names or formats)")
    except ImportError:
        print("alternative: python-calamine                 : not installed")

    batch = [demos[i % len(demos)].workbook for i in range(200)]
    start = time.perf_counter()
    for workbook in batch:
        read_workbook(workbook, rubric, tender)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    for workbook in batch:
        openpyxl.load_workbook(io.BytesIO(workbook), read_only=True).close()
    bare_batch = time.perf_counter() - start
    print(f"200 workbooks read and validated             : {elapsed:7.2f} s  ({elapsed / 200 * 1000:.2f} ms each)")
    print(f"200 workbooks, openpyxl bare read-only load  : {bare_batch:7.2f} s")


if __name__ == "__main__":
    main()
