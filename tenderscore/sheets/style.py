"""The template's look, and the one safe way to put a value into a cell."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

TITLE_FONT = Font(name="Arial", size=14, bold=True, color="1F3864")
SUBTITLE_FONT = Font(name="Arial", size=10, italic=True, color="404040")
HEADER_FONT = Font(name="Arial", size=10, bold=True, color="FFFFFF")
BODY_FONT = Font(name="Arial", size=10)
BOLD_FONT = Font(name="Arial", size=10, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)

GBP_FORMAT = '"£"#,##0.00'
NUMBER_FORMAT = "#,##0.###"
TEXT_FORMAT = "@"


def put_text(ws: Worksheet, row: int, column: int, text: str) -> Cell:
    """Write ``text`` as text, never as a formula: openpyxl takes a leading ``=`` for one unless told."""
    cell = ws.cell(row=row, column=column)
    cell.value = text
    cell.data_type = "s"
    cell.font = BODY_FONT
    cell.alignment = WRAP_TOP
    return cell


def label(ws: Worksheet, row: int, column: int, text: str, *, bold: bool = False) -> Cell:
    """A locked, grey label cell."""
    cell = put_text(ws, row, column, text)
    cell.fill = LABEL_FILL
    cell.border = BOX
    if bold:
        cell.font = BOLD_FONT
    return cell


def answer_cell(ws: Worksheet, row: int, column: int, number_format: str = TEXT_FORMAT) -> Cell:
    """An unlocked, yellow cell for the bidder."""
    cell = ws.cell(row=row, column=column)
    cell.fill = ANSWER_FILL
    cell.border = BOX
    cell.protection = UNLOCKED
    cell.alignment = WRAP_TOP
    cell.font = BODY_FONT
    cell.number_format = number_format
    return cell


def title(ws: Worksheet, text: str, subtitle: str = "") -> None:
    """The sheet's title in A1 and a one-line explanation in A2."""
    put_text(ws, 1, 1, text).font = TITLE_FONT
    ws.cell(row=1, column=1).alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 24
    if subtitle:
        cell = put_text(ws, 2, 1, subtitle)
        cell.font = SUBTITLE_FONT
        cell.alignment = Alignment(vertical="top")


def headers(ws: Worksheet, row: int, names: list[str], widths: list[float]) -> None:
    """Column headings on ``row`` with the columns' widths; panes freeze below them."""
    for column, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = put_text(ws, row, column, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[row].height = 30
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def protect(ws: Worksheet) -> None:
    """Lock the labels; unlocked answer cells stay editable. No password: protection guides, it does not secure."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


_STAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def save_stable(wb: Workbook) -> bytes:
    """``wb`` as ``.xlsx`` bytes that depend on its content only: the save time openpyxl stamps into the
    document properties and the zip entries is removed, so the same template or demo bid has the same SHA-256."""
    saved = io.BytesIO()
    wb.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _STAMPS.sub(b"", content)
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_EPOCH), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()
