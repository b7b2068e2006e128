"""Plain tables (the dashboards' exports) as an .xlsx workbook, a sheet each: a title, a header row, and rows of
values with number formats.

Numbers go in as numbers (Decimals written as their exact text, long fractions cut to 6 places: a spreadsheet holds
15 significant digits at most), dates as dates, texts as texts (a name starting with "=" stays a name).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tenderscore.sheets.fill import write_cell
from tenderscore.sheets.style import GBP_FORMAT, HEADER_FILL, HEADER_FONT

MONEY = GBP_FORMAT
PERCENT = '0.00"%"'  # the value is a percentage (14.4 is 14.4%)
NUMBER = "#,##0.####"
DATE = "d mmm yyyy"
WHOLE = "0"
_PLACES = Decimal("0.000001")

Cell = str | int | Decimal | date | bool | None


@dataclass(frozen=True)
class Column:
    title: str
    format: str = ""  # a number format for the column's numbers and dates
    width: int = 14


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name (at most 31 characters)
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    notes: Sequence[str] = field(default_factory=tuple)


def _value(value: Cell) -> Cell:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal) and value.as_tuple().exponent < -6:  # type: ignore[operator]
        return value.quantize(_PLACES)
    return value


def write_tables(title: str, tables: Sequence[Table]) -> bytes:
    """The tables as a workbook, each on its own sheet under ``title`` and its notes."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        write_cell(sheet, 1, 1, title)
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        for offset, note in enumerate(table.notes):
            write_cell(sheet, 2 + offset, 1, note)
        top = 3 + len(table.notes)
        for c, column in enumerate(table.columns, start=1):
            write_cell(sheet, top, c, column.title)
            cell = sheet.cell(row=top, column=c)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            sheet.column_dimensions[get_column_letter(c)].width = column.width
        for r, row in enumerate(table.rows, start=top + 1):
            for c, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
                write_cell(sheet, r, c, _value(value))  # type: ignore[arg-type]
                if column.format and isinstance(value, Decimal | int | date) and not isinstance(value, bool):
                    sheet.cell(row=r, column=c).number_format = column.format
        sheet.freeze_panes = sheet.cell(row=top + 1, column=2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


__all__ = ["DATE", "MONEY", "NUMBER", "PERCENT", "WHOLE", "Cell", "Column", "Table", "write_tables"]
