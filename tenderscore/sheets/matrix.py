"""The score matrix an officer downloads: one row per bid, points per criterion, section sub-totals, total, rank.

Gather data -> rows -> file. Every text cell is written as text, so a bidder called "=HYPERLINK(...)" stays a name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tenderscore.core import Evaluation, Rubric
from tenderscore.sheets.fill import write_cell

_HEADER = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1D3557")


def matrix_rows(rubric: Rubric, evaluation: Evaluation) -> list[list[object]]:
    """The matrix as rows of plain values; numbers stay Decimal (exact), texts stay texts."""
    criteria = rubric.criteria
    header: list[object] = ["Rank", "Bidder", "Compliant"]
    header += [f"{c.title} ({c.weight})" for c in criteria]
    header += [f"{s.title} total" for s in rubric.sections] + ["Total", "Exclusion reasons", "Flags"]
    rows: list[list[object]] = [header]
    for result in evaluation.results:
        row: list[object] = [
            result.rank if result.rank is not None else "excluded",
            result.bidder,
            "yes" if result.compliant else "no",
        ]
        row += [result.points.get(c.id, Decimal(0)) for c in criteria]
        row += [result.section_points.get(s.id, Decimal(0)) for s in rubric.sections]
        row += [
            result.total,
            "; ".join(e.reason for e in result.exclusions),
            "; ".join(f.message for f in result.flags),
        ]
        rows.append(row)
    return rows


def write_matrix(rubric: Rubric, evaluation: Evaluation, title: str, notes: Sequence[str] = ()) -> bytes:
    """The matrix as an .xlsx workbook; a provisional evaluation says so in its first line."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Score matrix"
    status = "PROVISIONAL: consensus scores are missing" if evaluation.provisional else "Final"
    write_cell(sheet, 1, 1, f"{title}: {status}")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for offset, note in enumerate(notes):
        write_cell(sheet, 2 + offset, 1, note)
    first = 3 + len(notes)
    for r, row in enumerate(matrix_rows(rubric, evaluation)):
        for c, value in enumerate(row, start=1):
            # Decimals go in as numbers for sorting and sums; openpyxl writes their exact text.
            write_cell(sheet, first + r, c, value)  # type: ignore[arg-type]
            cell = sheet.cell(row=first + r, column=c)
            if r == 0:
                cell.font, cell.fill = _HEADER, _HEADER_FILL
            elif isinstance(value, Decimal):
                cell.number_format = "0.00"
    for c in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 14 if c != 2 else 32
    sheet.freeze_panes = sheet.cell(row=first + 1, column=3)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
