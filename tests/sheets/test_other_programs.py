"""Workbooks saved by other spreadsheet programs read the same as ours; our reader agrees with openpyxl."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import (
    TemplateIdentity,
    WorkbookRejected,
    demo_bids,
    guard_workbook,
    read_workbook,
    template_layout,
)
from tenderscore.sheets.ooxml import Package, parse_area
from tenderscore.sheets.reading import WorkbookReading
from tests.sheets.xlsx_tools import as_other_program, parts, rewrite, sheet_part

Read = Callable[[bytes], WorkbookReading]
Fill = Callable[..., bytes]


@pytest.mark.parametrize("prefixed", [False, True], ids=["excel-like", "sdk-prefixed"])
def test_resaved_workbook_reads_the_same(read: Read, fill: Fill, prefixed: bool) -> None:
    ours = fill()
    theirs = as_other_program(ours, prefixed=prefixed)
    assert b"inlineStr" not in b"".join(v for k, v in parts(theirs).items() if k.startswith("xl/worksheets/"))
    assert b"v>0</" in parts(theirs)["xl/worksheets/sheet6.xml"]  # the pricing total has a cached value now

    assert read(theirs) == read(ours)
    assert read(ours).errors == ()


def test_resaved_rich_text_reads_without_phonetic_hints(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    # the first shared string is the Instructions title, stored as two rich-text runs and a phonetic hint
    data = as_other_program(fill())
    from tenderscore.sheets.guard import open_archive

    with open_archive(data) as archive:
        strings = Package(archive).shared_strings()
    assert strings[0].startswith("Response template: ") and "ふりがな" not in strings[0]


def test_carriage_return_escapes_are_undone(read: Read, fill: Fill) -> None:
    reading = read(as_other_program(fill(answers={"q1": "line\r\nnext", "q2": "b", "q3_drugs": "c"})))
    assert reading.response is not None and reading.response.answers["q1"] == "line\r\nnext"


def _openpyxl_values(data: bytes, rubric: Rubric) -> dict[tuple[str, int, int], object]:
    """Every cell of every named area, as openpyxl (the reference reader) sees it."""
    wb = load_workbook(io.BytesIO(data))
    values: dict[tuple[str, int, int], object] = {}
    layout = template_layout(rubric)
    for name in [c.name for c in layout.cells] + [t.name for t in layout.tables]:
        area = parse_area(wb.defined_names[name].attr_text)
        assert area is not None
        for row in range(area.first_row, area.last_row + 1):
            for column in range(area.first_column, area.last_column + 1):
                value = wb[area.sheet].cell(row=row, column=column).value
                if value is not None:
                    values[(area.sheet, row, column)] = value
    return values


def _ours(data: bytes, rubric: Rubric) -> dict[tuple[str, int, int], object]:
    from tenderscore.sheets.guard import open_archive

    with open_archive(data) as archive:
        package = Package(archive)
        layout = template_layout(rubric)
        areas = [package.area(c.name) for c in layout.cells] + [package.area(t.name) for t in layout.tables]
        raw = package.read(areas)
    values = {key: ("=" + cell.formula if cell.formula is not None else cell.value) for key, cell in raw.items()}
    return {key: value for key, value in values.items() if value is not None}


def _comparable(value: object) -> object:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(repr(value)).normalize()
    if isinstance(value, Decimal):
        return value.normalize()
    return value


@pytest.mark.parametrize("resaved", [False, True], ids=["ours", "resaved"])
def test_our_cell_reader_agrees_with_openpyxl_on_every_demo_bid(
    rubric: Rubric, tender: TemplateIdentity, resaved: bool
) -> None:
    for demo in demo_bids(rubric, tender):
        data = as_other_program(demo.workbook) if resaved else demo.workbook
        reference = {k: _comparable(v) for k, v in _openpyxl_values(data, rubric).items()}
        ours = {k: _comparable(v) for k, v in _ours(data, rubric).items()}
        assert ours == reference, demo.name


def test_every_demo_bid_reads_the_same_resaved(rubric: Rubric, tender: TemplateIdentity) -> None:
    for demo in demo_bids(rubric, tender):
        first = read_workbook(demo.workbook, rubric, tender, bid_id="x")
        again = read_workbook(as_other_program(demo.workbook), rubric, tender, bid_id="x")
        assert first == again, demo.name


def test_cells_without_references_are_placed_in_order(read: Read, fill: Fill) -> None:
    ours = fill()
    part = sheet_part(ours, "Commitments")
    stripped = rewrite(ours, lambda n, c: re.sub(rb'<c r="[A-Z]+\d+"', b"<c", c) if n == part else c)
    assert b'<c r="G5"' not in parts(stripped)[part]
    assert read(stripped) == read(ours)


def test_rows_out_of_order_are_refused(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    ours = fill()
    part = sheet_part(ours, "Commitments")
    shuffled = rewrite(ours, lambda n, c: c.replace(b'<row r="6"', b'<row r="2"', 1) if n == part else c)
    with pytest.raises(WorkbookRejected, match="damaged"):
        read_workbook(shuffled, rubric, tender)


def test_oversized_xml_part_is_refused(fill: Fill) -> None:
    big = rewrite(fill(), lambda n, c: c + b" " * (9 * 1024 * 1024) if n == "xl/styles.xml" else c)
    with pytest.raises(WorkbookRejected, match="too large once decompressed"):
        guard_workbook(big)
