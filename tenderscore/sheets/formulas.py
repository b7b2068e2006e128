"""Formulas in a submitted workbook: only the template's own word counts and totals, exactly as it wrote them.

A formula outside the answer cells is stored with the bid and recalculated when the buyer opens it (the template
asks for a full recalculation on load), so ``=WEBSERVICE(...)``, ``=HYPERLINK(...)`` or a DDE link there would
run on the buyer's machine. Every worksheet is searched; each formula is refused, naming its sheet and cell,
unless it is one the template writes (``layout.word_count_formula``, ``layout.total_formula``) in its place, with
its text (spacing, case and ``$`` aside). A shared formula's other cells are checked as the formula they stand for.
Answer cells are left to the ``Checker``, which refuses any formula there where it reads the value.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tenderscore.sheets.cells import Checker, Place
from tenderscore.sheets.layout import (
    TOTAL_FIELDS,
    WORD_COUNT_OFFSET,
    CellKind,
    TemplateLayout,
    total_formula,
    word_count_formula,
)
from tenderscore.sheets.ooxml import Area, FormulaCell, column_letters, coordinate

_STRING = re.compile(r'("[^"]*")')
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)  # the template's few formulas, met again in every workbook
def normalise(formula: str) -> str:
    """``formula`` without its ``=``, spaces and ``$`` and in upper case, string literals aside."""
    pieces = _STRING.split(formula.strip().removeprefix("="))
    return "".join(piece if i % 2 else _SPACE.sub("", piece).replace("$", "").upper() for i, piece in enumerate(pieces))


def template_formulas(layout: TemplateLayout, areas: dict[str, Area | None]) -> dict[tuple[str, int, int], str]:
    """(sheet, row, column) -> normalised formula, for every formula the template writes, placed by the
    workbook's defined names (checked for shape before this is called)."""
    expected: dict[tuple[str, int, int], str] = {}
    for cell in layout.answers:
        area = areas[cell.name]
        if area is not None:
            ref = coordinate(area.first_row, area.first_column)
            place = (area.sheet, area.first_row, area.first_column + WORD_COUNT_OFFSET)
            expected[place] = normalise(word_count_formula(ref))
    for table in layout.tables:
        area = areas[table.name]
        if area is not None:
            column = area.first_column + table.columns.index(TOTAL_FIELDS[table.name])
            formula = total_formula(column_letters(column), area.first_row, area.last_row)
            expected[(area.sheet, area.last_row + 1, column)] = normalise(formula)
    return expected


_Places = tuple[dict[tuple[str, int, int], str], frozenset[tuple[str, int, int]]]  # (template formulas, answer cells)


def template_places(layout: TemplateLayout, areas: dict[str, Area | None]) -> _Places:
    """(``template_formulas``, every answer cell read by the reader), worked out once for a layout and an areas
    dict (the reader shares one dict between the workbooks of a template) and kept, a bounded number of them."""
    key = (id(layout), id(areas))
    found = _PLACES.get(key)
    if found is not None and found[0] is layout and found[1] is areas:
        return found[2]
    read = [areas[c.name] for c in layout.cells if c.kind != CellKind.IDENTITY] + [areas[t.name] for t in layout.tables]
    answer_cells = frozenset(  # bounded: every area's shape was checked against the template
        (area.sheet, row, column)
        for area in read
        if area is not None
        for row in range(area.first_row, area.last_row + 1)
        for column in range(area.first_column, area.last_column + 1)
    )
    places = (template_formulas(layout, areas), answer_cells)
    if len(_PLACES) >= _MAX_PLACES:
        _PLACES.pop(next(iter(_PLACES)), None)  # the oldest
    _PLACES[key] = (layout, areas, places)
    return places


_PLACES: dict[tuple[int, int], tuple[TemplateLayout, dict[str, Area | None], _Places]] = {}
_MAX_PLACES = 64


def check_formulas(checker: Checker, layout: TemplateLayout, areas: dict[str, Area | None]) -> None:
    """Record an error for every formula of the workbook that the template did not write there."""
    expected, answer_cells = template_places(layout, areas)
    masters: dict[tuple[str, str], FormulaCell] = {}
    for found in checker.package.formulas():
        text = found.text
        if found.kind == "shared":
            key = (found.sheet, found.shared_index or "")
            if text:
                masters[key] = found
            elif key in masters:
                text = _shifted(masters[key], found)
        if (found.sheet, found.row, found.column) in answer_cells:
            continue  # an answer cell: refused where it is read, with its criterion
        wanted = expected.get((found.sheet, found.row, found.column))
        if found.kind in ("normal", "shared") and wanted is not None and text and normalise(text) == wanted:
            continue
        shown = f" (={text.strip().removeprefix('=')[:60]})" if text else ""
        checker.error(
            Place(found.sheet, found.row, found.column, "formula"),
            f"This cell holds a formula{shown}; type the value itself. A response workbook holds no formulas "
            "except the template's own word counts and totals.",
        )


def _shifted(master: FormulaCell, cell: FormulaCell) -> str:
    """The formula a shared formula's other ``cell`` stands for: the master's, moved as a copy would be."""
    from openpyxl.formula.translate import Translator  # only for a shared formula: reading loads no openpyxl else

    try:
        origin = coordinate(master.row, master.column)
        moved: str = Translator("=" + master.text, origin=origin).translate_formula(coordinate(cell.row, cell.column))
        return moved.removeprefix("=")
    except Exception:  # a formula openpyxl cannot parse is not one the template wrote: refused as it stands
        return master.text
