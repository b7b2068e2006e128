"""How fast a bid workbook is read and validated, next to bare python-calamine and openpyxl reading every cell.

    python bench/bench_sheets.py [--rounds N] [--wall] [--numbers]

Prints figures only; it asserts nothing about time. Three readers take the same seven demo workbooks:

- ours: ``read_workbook``, the whole path a submission takes: the guard (zip, sizes, content types,
  relationships, macros, links), every sheet parsed once, every check, the ``BidResponse``;
- python-calamine (when installed; a dev-only comparison): every cell of every sheet as Python values, nothing else;
- openpyxl read-only: every cell of every sheet as Python values, nothing else.

Fairness: each round times each reader on each workbook in turn, the readers' order rotating from round to
round, so load from other processes and the CPU's state fall on all three alike; the figure is the median over the
rounds of a reader's mean time per workbook. Time is this process's CPU time (``time.process_time``), which other
processes on a shared machine do not inflate; ``--wall`` uses the wall clock instead. ``--numbers`` prints what
calamine gives for numbers as written in a sheet, which is why it cannot stand in for the reader.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tenderscore.core.rubric import Rubric  # noqa: E402
from tenderscore.sheets import TemplateIdentity, demo_bids, read_workbook  # noqa: E402

Reader = Callable[[bytes], int]  # reads a workbook, returns how many cells it saw


def probation() -> tuple[Rubric, str]:
    """The shipped probation rubric, or the tests' copy of it if rubrics/ does not have it."""
    path = ROOT / "rubrics" / "probation-innovation-partner.yaml"
    if path.exists():
        from tenderscore.rubric_files import load_rubric_file

        return load_rubric_file(path), path.name
    from tests.sheets.fixtures import probation_rubric

    return probation_rubric(), "tests/sheets/fixtures.py"


def openpyxl_all_cells(data: bytes) -> int:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = sum(1 for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for _ in row)
    workbook.close()
    return cells


def calamine_reader() -> Reader | None:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None

    def calamine_all_cells(data: bytes) -> int:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names]
        return sum(len(row) for rows in sheets for row in rows)

    return calamine_all_cells


def measure(readers: dict[str, Reader], workbooks: list[bytes], rounds: int, wall: bool) -> dict[str, list[float]]:
    """ms per workbook, one figure per round, each reader's rounds interleaved with the others'."""
    clock = time.perf_counter if wall else time.process_time
    names = list(readers)
    figures: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        spent = dict.fromkeys(names, 0.0)
        gc.collect()
        for data in workbooks:
            for name in order:
                started = clock()
                readers[name](data)
                spent[name] += clock() - started
        for name in names:
            figures[name].append(spent[name] / len(workbooks) * 1000)
    return figures


def show_numbers() -> None:
    """What python-calamine gives for numbers as the XML holds them (a sheet written with these <v> texts)."""
    calamine = calamine_reader()
    if calamine is None:
        print("python-calamine is not installed: pip install python-calamine")
        return
    from python_calamine import CalamineWorkbook

    texts = ["0.1", "1.10", "2.50", "100", "93.59999999999999", "0.30000000000000004", "12345678901234567890",
             "0.000000000000000000001", "1E+400", "9E+999999", "NaN", "1_000", "abc"]  # fmt: skip
    print(f"\n{'number in the sheet':24} {'calamine gives':40} ours")
    for text in texts:
        data = _one_number_workbook(text)
        try:
            value: object = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[0][0]
        except Exception as exc:  # noqa: BLE001 - what calamine says is the point
            value = f"error: {exc}"[:40]
        from tenderscore.sheets.ooxml import _value

        ours = _value(None, "n", text, None)  # type: ignore[arg-type]
        print(f"{text:24} {value!s:40} {ours!s}")
    print("(calamine: floats, a whole-workbook error for one bad cell, no formulas, defined names or number formats)")


def _one_number_workbook(text: str) -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = 12345
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<v>12345</v>", f"<v>{text}</v>".encode())
            target.writestr(info, body)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds over the seven workbooks; the median is shown")
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of this process's CPU time")
    parser.add_argument("--numbers", action="store_true", help="also show what calamine gives for numbers")
    args = parser.parse_args()
    rubric, source = probation()
    tender = TemplateIdentity(
        "PRB-2026-001", "Resettlement", "Probation Region", datetime(2026, 6, 30, tzinfo=UTC), 1, "h"
    )
    demos = demo_bids(rubric, tender)
    workbooks = [demo.workbook for demo in demos]
    first = read_workbook(workbooks[0], rubric, tender)  # the excellent consortium bid: the fullest workbook
    assert first.errors == (), first.errors

    def ours(data: bytes) -> int:
        read_workbook(data, rubric, tender)
        return 0

    readers: dict[str, Reader] = {"ours": ours}
    calamine = calamine_reader()
    if calamine is not None:
        readers["calamine"] = calamine
    readers["openpyxl"] = openpyxl_all_cells
    for reader in readers.values():  # warm: imports, caches
        reader(workbooks[0])

    figures = measure(readers, workbooks, args.rounds, args.wall)
    median = {name: statistics.median(values) for name, values in figures.items()}
    sizes = ", ".join(f"{len(data) / 1024:.0f}" for data in workbooks)
    print(f"rubric: {rubric.title} [{source}]; {len(workbooks)} demo workbooks ({sizes} kB)")
    clock = "wall clock" if args.wall else "CPU time"
    print(f"median of {args.rounds} alternating rounds, {clock}, ms per workbook:")
    labels = {
        "ours": "read_workbook (guard + every sheet once + every check)",
        "calamine": "python-calamine, every cell of every sheet (values only)",
        "openpyxl": "openpyxl read-only, every cell of every sheet (values only)",
    }
    cells = {name: readers[name](workbooks[0]) for name in readers if name != "ours"}
    for name, value in median.items():
        spread = f"(rounds {min(figures[name]):.2f}-{max(figures[name]):.2f})"
        seen = f", {cells[name]} cells in workbook 1" if name in cells else ""
        print(f"  {labels[name]:62} {value:7.2f}  {spread}{seen}")
    if "calamine" in median:
        print(f"ours / calamine: {median['ours'] / median['calamine']:.2f}x")
    else:
        print("python-calamine: not installed (pip install python-calamine for the comparison)")
    print(f"ours / openpyxl: {median['ours'] / median['openpyxl']:.2f}x")
    if args.numbers:
        show_numbers()


if __name__ == "__main__":
    main()
