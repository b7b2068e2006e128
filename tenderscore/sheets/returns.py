"""The delivery return workbook: one ``.xlsx`` per contract and reporting period, written with openpyxl and read
back with the bids' safe reader (``guard.py``, ``ooxml.py``, ``cells.py``): hostile files refused, numbers exact,
every problem a ``CellError`` naming its sheet and cell.

Every answer is a defined name: ``ret_contract_spend``, ``ret_note``, ``ret_figures`` (a row per KPI: its id,
title, target, the figure and a comment) and ``ret_spend`` (a row per VCSE partner: identifier, name, £). A very
hidden sheet names the contract and period it is for (``ret_form``, ``ret_contract``, ``ret_period``,
``ret_reference``), so a workbook for another contract or period is refused by name. The reader only takes the
values out; what they must be (a figure or a comment, spend within the contract's) is the delivery returns
service's rule, whose problems the service maps back to the cells with ``ReturnReading.cells``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tenderscore.sheets.cells import Checker, Place
from tenderscore.sheets.guard import DEFAULT_LIMITS, GuardLimits, check_archive, open_archive
from tenderscore.sheets.ooxml import Area, IsoDate, Package, SpreadsheetError, coordinate
from tenderscore.sheets.reading import CellError

FORM = "tenderscore-delivery-return-1"
SHEET = "Return"
HIDDEN = "ts_return"
FIRST_FIGURE_ROW = 12
FIGURE_COLUMNS = ("KPI id", "KPI", "Target", "Figure for the period", "Comment")
SPEND_COLUMNS = ("Identifier", "Partner's name", "Spend (£)")
SPEND_ROWS = 60
MAX_KPIS = 100
CONTRACT_SPEND = "ret_contract_spend"
NOTE = "ret_note"
FIGURES = "ret_figures"
SPEND = "ret_spend"
IDENTITY = ("ret_form", "ret_contract", "ret_period", "ret_reference")
NOT_A_RETURN = ("This is not a tenderscore delivery return workbook, or it was altered: copy your figures into a "
                "fresh copy downloaded from the period's page.")  # fmt: skip


@dataclass(frozen=True)
class ReturnIdentity:
    """The contract and period a workbook is for."""

    contract_id: int
    period: int
    reference: str  # the tender's reference
    title: str  # the contract's
    starts_on: date
    ends_on: date

    @property
    def words(self) -> str:
        return f"{self.reference} ({self.title}), period {self.period}"


@dataclass(frozen=True)
class KpiRow:
    kpi_id: int
    title: str
    target: str
    reported: bool  # the supplier reports a figure (else it is measured from VCSE spend: a comment only)
    evidence: str = ""


@dataclass(frozen=True)
class Filled:
    """What a workbook is written holding (the period's current return, to correct), as text."""

    contract_spend: str = ""
    note: str = ""
    figures: dict[int, tuple[str, str]] = field(default_factory=dict)
    spend: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ReturnReading:
    """The values a workbook holds, as text for the service to check, or the cell errors that stop it being read."""

    errors: tuple[CellError, ...]
    contract_spend: str = ""
    note: str = ""
    figures: dict[int, tuple[str, str]] = field(default_factory=dict)
    spend: list[tuple[str, str, str]] = field(default_factory=list)  # every row, blank ones too, in sheet order
    cells: dict[str, str] = field(default_factory=dict)  # the service's field -> "Return!E12"
    # The values can be checked against the return's own rules, even beside cell errors (a cell in error reads as
    # blank): false when the workbook is not a return at all, or a KPI's row cannot be told (its id cell wrong).
    readable: bool = False


# --- writing ----------------------------------------------------------------------------------------------------


def write_return(identity: ReturnIdentity, kpis: Sequence[KpiRow], filled: Filled | None = None) -> bytes:
    """The return workbook for ``identity`` with a row per KPI, holding ``filled`` if given."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    from tenderscore.sheets import style
    from tenderscore.sheets.writer import _define

    filled = filled or Filled()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    style.title(ws, f"Delivery return: {identity.reference}, period {identity.period}",
                f"{identity.title}: {identity.starts_on:%-d %B %Y} to {identity.ends_on:%-d %B %Y}. Fill in the "
                "yellow cells and upload the workbook on the period's page.")  # fmt: skip
    for letter, width in zip("ABCDEF", (30, 10, 44, 20, 20, 50), strict=True):
        ws.column_dimensions[letter].width = width
    style.label(ws, 4, 1, "Total spend on the contract in the period (£)", bold=True)
    style.answer_cell(ws, 4, 2, style.GBP_FORMAT)
    _put(ws, 4, 2, filled.contract_spend)
    style.label(ws, 5, 1, "Note to the buyer (optional)", bold=True)
    style.answer_cell(ws, 5, 2)
    _put(ws, 5, 2, filled.note)
    style.put_text(ws, 7, 1, "KPIs").font = style.BOLD_FONT
    style.put_text(ws, 8, 1, "For each KPI with a yellow figure cell: the figure for the period, or a comment saying "
                   "why it is not reported. A KPI measured from VCSE spend takes no figure.")  # fmt: skip
    for column, name in enumerate(FIGURE_COLUMNS, start=2):
        style.label(ws, FIRST_FIGURE_ROW - 1, column, name, bold=True)
    row = FIRST_FIGURE_ROW
    for kpi in kpis:
        value, comment = filled.figures.get(kpi.kpi_id, ("", ""))
        ws.cell(row=row, column=2, value=kpi.kpi_id)
        style.label(ws, row, 3, kpi.title + (f"\nEvidence: {kpi.evidence}" if kpi.evidence else ""))
        style.label(ws, row, 4, kpi.target if kpi.reported else f"{kpi.target}, from the VCSE spend below")
        if kpi.reported:
            style.answer_cell(ws, row, 5, style.NUMBER_FORMAT)
            _put(ws, row, 5, value)
        else:
            ws.cell(row=row, column=5).fill = style.LABEL_FILL  # locked and blank: no figure is typed here
        style.answer_cell(ws, row, 6)
        _put(ws, row, 6, comment)
        row += 1
    last_figure = row - 1
    spend_title = row + 1
    style.put_text(ws, spend_title, 1, "Spend with VCSE partners in the period").font = style.BOLD_FONT
    style.put_text(ws, spend_title + 1, 1, "One row per partner, by its identifier (like GB-CHC-1123456). Leave the "
                   "name blank to use the register's. Each partner is asked to confirm its figure.")  # fmt: skip
    for column, name in enumerate(SPEND_COLUMNS, start=2):
        style.label(ws, spend_title + 2, column, name, bold=True)
    first_spend = spend_title + 3
    for n in range(SPEND_ROWS):
        ident, name, amount = filled.spend[n] if n < len(filled.spend) else ("", "", "")
        for column, (text, number_format) in enumerate(
            ((ident, style.TEXT_FORMAT), (name, style.TEXT_FORMAT), (amount, style.GBP_FORMAT)), start=2
        ):
            style.answer_cell(ws, first_spend + n, column, number_format)
            _put(ws, first_spend + n, column, text)
    hidden = wb.create_sheet(HIDDEN)
    for n, (name, value) in enumerate(zip(IDENTITY, (FORM, str(identity.contract_id), str(identity.period),
                                                     identity.reference), strict=True), start=1):  # fmt: skip
        style.put_text(hidden, n, 1, name)
        style.put_text(hidden, n, 2, value)
        _define(wb, name, HIDDEN, n, 2, n, 2)
    hidden.sheet_state = "veryHidden"
    _define(wb, CONTRACT_SPEND, SHEET, 4, 2, 4, 2)
    _define(wb, NOTE, SHEET, 5, 2, 5, 2)
    if kpis:
        _define(wb, FIGURES, SHEET, FIRST_FIGURE_ROW, 2, last_figure, 6)
    _define(wb, SPEND, SHEET, first_spend, 2, first_spend + SPEND_ROWS - 1, 4)
    style.protect(ws)
    wb.security = WorkbookProtection(lockStructure=True)
    return style.save_stable(wb)


def _put(ws: object, row: int, column: int, text: str) -> None:
    """A number typed as a number (exactly: openpyxl writes a Decimal's text), anything else as text."""
    from tenderscore.sheets import style

    if not text:
        return
    try:
        number = Decimal(text)
    except ArithmeticError:
        number = None
    if number is not None and number.is_finite():
        ws.cell(row=row, column=column).value = number  # type: ignore[attr-defined]
    else:
        style.put_text(ws, row, column, text)


# --- reading ----------------------------------------------------------------------------------------------------


def read_return(data: bytes, identity: ReturnIdentity, *, limits: GuardLimits = DEFAULT_LIMITS) -> ReturnReading:
    """The values of a filled return workbook for ``identity``, or every cell error. Raises ``WorkbookRejected``
    for a file that is hostile or cannot be read at all."""
    with open_archive(data, limits) as archive:
        check_archive(archive)
        package = Package(archive)
        areas = {name: package.area(name) for name in (*IDENTITY, CONTRACT_SPEND, NOTE, FIGURES, SPEND)}
        checker = Checker(package, {})
        if not _for_identity(checker, areas, identity):
            return ReturnReading(tuple(checker.errors))
        _shapes(checker, areas)
        if checker.errors:
            return ReturnReading(tuple(checker.errors))
        checker.raw.update(package.read(areas.values()))
        read = _answer_cells(areas)
        for formula in package.formulas():
            if (formula.sheet, formula.row, formula.column) in read:
                continue  # an answer cell: reported once, where its value is read (Checker.value), as bids do
            checker.error(Place(formula.sheet, formula.row, formula.column, "formula"),
                          "This cell holds a formula. Type the value itself: the return computes nothing.")  # fmt: skip
        return _values(checker, areas)


def _answer_cells(areas: dict[str, Area | None]) -> set[tuple[str, int, int]]:
    """Every cell the reader takes a value from (bounded: each area's shape was checked)."""
    return {
        (area.sheet, row, column)
        for name in (CONTRACT_SPEND, NOTE, FIGURES, SPEND)
        if (area := areas[name]) is not None
        for row in range(area.first_row, area.last_row + 1)
        for column in range(area.first_column, area.last_column + 1)
    }


def _cell(area: Area | None, sheet: str = SHEET) -> bool:
    return area is not None and area.sheet == sheet and area.rows == 1 and area.columns == 1


def _for_identity(checker: Checker, areas: dict[str, Area | None], identity: ReturnIdentity) -> bool:
    if not all(_cell(areas[name], HIDDEN) for name in IDENTITY):
        checker.error(Place(SHEET, 1, 1, "workbook"), NOT_A_RETURN)
        return False
    checker.raw.update(checker.package.read(areas[name] for name in IDENTITY))
    form, contract, period, reference = (_text(checker, _place(areas[name], name)) for name in IDENTITY)
    if form != FORM:
        checker.error(Place(SHEET, 1, 1, "workbook"), NOT_A_RETURN)
        return False
    if (contract, period) != (str(identity.contract_id), str(identity.period)):
        checker.error(Place(SHEET, 1, 1, "workbook"),
                      f"This workbook is the return for {reference or 'another contract'}, period {period}, not for "
                      f"{identity.words}: download this period's workbook from its page and fill that in.")  # fmt: skip
        return False
    return True


def _shapes(checker: Checker, areas: dict[str, Area | None]) -> None:
    for name in (CONTRACT_SPEND, NOTE):
        if not _cell(areas[name]):
            checker.error(Place(SHEET, 1, 1, name), NOT_A_RETURN)
    for name, columns, most in ((FIGURES, len(FIGURE_COLUMNS), MAX_KPIS), (SPEND, len(SPEND_COLUMNS), SPEND_ROWS)):
        area = areas[name]
        if area is None and name == FIGURES:
            continue  # a contract with no KPIs
        if area is None or area.sheet != SHEET or area.columns != columns or area.rows > most:
            checker.error(Place(SHEET, 1, 1, name), NOT_A_RETURN)


def _place(area: Area | None, name: str, row: int = 0, column: int = 0) -> Place:
    assert area is not None
    return Place(area.sheet, area.first_row + row, area.first_column + column, name)


def _text(checker: Checker, place: Place) -> str:
    """The cell as text for the service to check ("" when empty or unusable, with the cell's error recorded)."""
    usable, value, _style = checker.value(place)
    if not usable or value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value.strip()
    what = "TRUE or FALSE" if isinstance(value, bool) else (
        f"the error {value.code}" if isinstance(value, SpreadsheetError) else
        "a date" if isinstance(value, IsoDate) else "a value that is not text or a number")  # fmt: skip
    checker.error(place, f"This cell holds {what}; type a number or text.")
    return ""


def _where(place: Place) -> str:
    return f"{place.sheet}!{coordinate(place.row, place.column)}"


def _values(checker: Checker, areas: dict[str, Area | None]) -> ReturnReading:
    spend_place, note_place = _place(areas[CONTRACT_SPEND], "contract_spend"), _place(areas[NOTE], "note")
    cells = {"contract_spend": _where(spend_place), "note": _where(note_place)}
    contract_spend, note = _text(checker, spend_place), _text(checker, note_place)
    figures: dict[int, tuple[str, str]] = {}
    table = areas[FIGURES]
    readable = True
    for row in range(table.rows if table is not None else 0):
        id_place = _place(table, "kpi_id", row, 0)
        value_place, comment_place = _place(table, "figure", row, 3), _place(table, "comment", row, 4)
        before = len(checker.errors)
        kpi = _text(checker, id_place)
        if len(checker.errors) > before:  # a formula or an error value where the KPI's id was written
            readable = False
        value, comment = _text(checker, value_place), _text(checker, comment_place)  # every cell's own errors
        if not kpi:
            continue
        if not kpi.isdigit() or int(kpi) in figures:
            checker.error(id_place, "This cell must hold the KPI's id as the workbook was written: copy your "
                          "figures into a fresh workbook.")  # fmt: skip
            readable = False
            continue
        figures[int(kpi)] = (value, comment)
        cells[f"figures.{kpi}.value"], cells[f"figures.{kpi}.comment"] = _where(value_place), _where(comment_place)
        cells[f"figures.{kpi}"] = _where(id_place)
    spend_area = areas[SPEND]
    spend: list[tuple[str, str, str]] = []
    for row in range(spend_area.rows if spend_area is not None else 0):
        places = [_place(spend_area, part, row, column) for column, part in enumerate(("identifier", "name", "amount"))]
        spend.append((_text(checker, places[0]), _text(checker, places[1]), _text(checker, places[2])))
        for part, place in zip(("identifier", "name", "amount"), places, strict=True):
            cells[f"spend.{row + 1}.{part}"] = _where(place)
    if spend_area is not None:
        cells["spend"] = _where(_place(spend_area, "spend", 0, 2))
    return ReturnReading(tuple(checker.errors), contract_spend, note, figures, spend, cells, readable)


__all__ = ["FORM", "Filled", "KpiRow", "ReturnIdentity", "ReturnReading", "read_return", "write_return"]
