"""A small, strict reader of the parts of an ``.xlsx`` the response reader needs, on expat with no DTD (``safexml``).

Each worksheet is parsed once, streamed: the cells inside the areas the caller wants (``Package.want``) are kept
with their values, and every formula of the sheet is noted, in the same pass. Nothing else is kept, whatever the
file claims about its size. The small parts (workbook, relationships, styles, shared strings) are parsed into trees.

Why not openpyxl or python-calamine for reading: openpyxl's read-only load alone costs more than this whole reader
(it parses every style into objects); calamine, though fastest at values, does not report formulas, defined names
or number formats, which the checks need, and it gives numbers as floats (``1.10`` comes back as ``1.1``,
``12345678901234567890`` as ``1.2345678901234567e+19``) and refuses a whole workbook for one bad number without
naming its cell. A pass over the XML for those gives the values too (see ``bench/bench_sheets.py``). Numbers are
taken from the XML text straight into ``Decimal``, so no float is ever involved. Any namespace is accepted
(transitional or strict), and so are cells without an ``r`` attribute.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import lru_cache
from typing import NamedTuple
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException

from tenderscore.sheets import safexml
from tenderscore.sheets.guard import Archive, WorkbookRejected

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"  # expat names: uri}local
_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_AREA = re.compile(
    r"(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!]+))!"
    r"\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>[0-9]{1,7})(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>[0-9]{1,7}))?"
)
_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,6})?")
_STRING = re.compile(r'"[^"]*"|\'(?:[^\']|\'\')*\'')  # string literals and quoted sheet names
# what computes or reaches outside: a function call (WEBSERVICE(...), HYPERLINK(...)), a DDE link
# (=cmd|'/c calc'!A1) or an external reference ([1]Sheet1!A1)
_COMPUTES = re.compile(r"[(|\[]")
MAX_NUMBER_TEXT = 100  # a binary double written out exactly takes at most ~770 digits; programs write <= 24
MAX_EXPONENT = 400  # doubles reach 1.8e308 and 4.9e-324; beyond is not a spreadsheet number
STYLE_INDEXES = frozenset({"numFmtId", "fontId", "fillId", "borderId", "xfId", "count", "builtinId", "iLevel"})
PERCENT_BUILTIN = frozenset({9, 10})
EXCEL_DIGITS = 15
MAX_ROWS = 1_048_576  # Excel's limits; a file that claims more is damaged
MAX_COLUMNS = 16_384
_EXCEL = Context(prec=EXCEL_DIGITS, rounding=ROUND_HALF_EVEN)
_new_tuple = tuple.__new__


@dataclass(frozen=True)
class SpreadsheetError:
    """A cell that holds an error value such as ``#N/A``."""

    code: str


@dataclass(frozen=True)
class BadNumber:
    """A numeric cell whose stored text is not a finite decimal of sane size (``NaN``, ``1E+999999``, ``abc``)."""

    text: str

    @property
    def undefined(self) -> bool:
        """True for NaN and infinities, which some programs store for a calculation gone wrong."""
        return self.text.strip().lstrip("+-").lower() in ("nan", "snan", "inf", "infinity")


@dataclass(frozen=True)
class IsoDate:
    """A cell stored as an ISO 8601 date (``t="d"``)."""

    text: str


CellValue = str | Decimal | bool | SpreadsheetError | IsoDate | BadNumber | None


class RawCell(NamedTuple):
    """A cell as stored: its value (a formula's cached value included), its formula if any, its style index.
    (A named tuple: a workbook has hundreds, and a frozen dataclass takes twice as long to make.)"""

    value: CellValue
    formula: str | None = None  # the formula's text ("" for a shared or array formula's other cells)
    style: int = 0


@dataclass(frozen=True)
class FormulaCell:
    """A cell of a worksheet that holds a formula (``<f>``), wherever it is."""

    sheet: str
    row: int
    column: int
    text: str  # "" for a shared formula's other cells
    kind: str  # "normal", "shared", "array" or "dataTable"
    shared_index: str | None = None


@dataclass(frozen=True)
class Area:
    """A rectangle of one sheet, 1-based and inclusive."""

    sheet: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int

    @property
    def rows(self) -> int:
        return self.last_row - self.first_row + 1

    @property
    def columns(self) -> int:
        return self.last_column - self.first_column + 1

    def contains(self, row: int, column: int) -> bool:
        return self.first_row <= row <= self.last_row and self.first_column <= column <= self.last_column


def column_number(letters: str) -> int:
    """``"G"`` -> 7."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """7 -> ``"G"``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def coordinate(row: int, column: int) -> str:
    """(5, 7) -> ``"G5"``."""
    return f"{column_letters(column)}{row}"


def parse_area(text: str) -> Area | None:
    """A defined name's formula such as ``'VCSE partners'!$B$5:$F$34`` as an ``Area``; ``None`` if not one."""
    return _parse_area(text) if len(text) <= _MAX_REMEMBERED_AREA else _parse_area.__wrapped__(text)


_MAX_REMEMBERED_AREA = 200  # characters: a template's names are short; a longer text is parsed, not remembered


@lru_cache(maxsize=4096)  # the template's ~100 names, met again in every workbook made from it
def _parse_area(text: str) -> Area | None:
    match = _AREA.fullmatch(text.strip())
    if not match:
        return None
    sheet = match["quoted"].replace("''", "'") if match["quoted"] else match["plain"]
    r1, c1 = int(match["r1"]), column_number(match["c1"])
    r2, c2 = (int(match["r2"]), column_number(match["c2"])) if match["r2"] else (r1, c1)
    return Area(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def computes(formula: str) -> bool:
    """True when ``formula`` calls a function, holds a DDE link or refers to another workbook (string literals
    aside): what a defined name, a data validation or a conditional format of a response template never does."""
    return _COMPUTES.search(formula) is not None and _COMPUTES.search(_STRING.sub("", formula)) is not None


def unescape(text: str) -> str:
    """Undo Excel's ``_xHHHH_`` escapes of characters XML cannot hold."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class Package:
    """An open, guarded ``.xlsx``: its sheets, defined names, shared strings and percentage styles.

    Every worksheet is parsed at most once. Say which cells will be read (``want``) before reading any of a sheet:
    a sheet asked for cells it was not scanned for is parsed again (correct, but what the reader never does)."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        workbook_part = self._main_part()
        targets = self._relationships(workbook_part)
        root = self._xml(workbook_part)
        self.sheets: dict[str, str] = {}
        self.names: dict[str, str] = {}  # casefolded name -> formula text
        for element in root.iter():
            kind = _local(element.tag)
            if kind == "sheet":
                rel = element.get(_REL) or element.get(_REL_STRICT) or ""
                if rel in targets:
                    self.sheets[element.get("name", "")] = targets[rel][1]
            elif kind == "definedName":
                if computes(element.text or ""):
                    raise WorkbookRejected(
                        f"The workbook's part {workbook_part} defines the name {element.get('name', '')[:40]!r} as "
                        f"a calculation ({(element.text or '')[:60]}): a response workbook computes nothing. Copy "
                        "your answers into a fresh template."
                    )
                if element.get("localSheetId") is None:
                    self.names[element.get("name", "").casefold()] = element.text or ""
        self._strings_part = next((t for k, t in targets.values() if k.endswith("/sharedStrings")), None)
        self._styles_part = next((t for k, t in targets.values() if k.endswith("/styles")), None)
        self._strings: list[str] | None = None
        self._percent_styles: frozenset[int] | None = None
        self._wanted: dict[str, set[Area]] = {}  # sheet -> the areas whose cells are kept when it is scanned
        self._scanned: dict[str, frozenset[Area]] = {}  # sheet -> the areas it was scanned for
        self._cells: dict[str, dict[tuple[int, int], RawCell]] = {}  # sheet -> kept cells, once scanned
        self._formulas: dict[str, list[FormulaCell]] = {}  # sheet -> its formula cells, once scanned

    def _xml(self, part: str) -> Element:
        try:
            return self._archive.tree(part)
        except KeyError as exc:
            raise WorkbookRejected(f"The workbook is damaged: its part {part} is missing.") from exc
        except _DAMAGED as exc:
            raise WorkbookRejected(f"The workbook is damaged or unsafe: its part {part} cannot be read.") from exc

    def _main_part(self) -> str:
        for kind, target in self._relationships("").values():
            if kind.endswith("/officeDocument"):
                return target
        raise WorkbookRejected("This file is not an Excel workbook (it names no workbook part).")

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part name) of ``part`` ("" for the package)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self._archive.NameToInfo:
            return {}
        found: dict[str, tuple[str, str]] = {}
        for element in self._xml(rels):
            target = element.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[element.get("Id", "")] = (element.get("Type", ""), posixpath.normpath(resolved))
        return found

    def area(self, name: str) -> Area | None:
        """Where the defined name ``name`` points, or ``None`` if it is missing or not a plain area."""
        formula = self.names.get(name.casefold())
        return parse_area(formula) if formula else None

    def shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = [] if self._strings_part is None else _read_strings(self._xml(self._strings_part))
        return self._strings

    def percent_styles(self) -> frozenset[int]:
        """Indexes of cell styles whose number format shows a percentage (so the stored value is a fraction)."""
        if self._percent_styles is None:
            part = self._styles_part
            self._percent_styles = frozenset() if part is None else _percent(self._xml(part), part)
        return self._percent_styles

    def want(self, areas: Iterable[Area | None]) -> None:
        """Keep the cells of ``areas`` when their sheets are scanned. The caller bounds the areas (the reader checks
        every named area's shape against the template first)."""
        for area in areas:
            if area is not None:
                self._wanted.setdefault(area.sheet, set()).add(area)

    def formulas(self) -> list[FormulaCell]:
        """Every formula cell of every worksheet, in sheet then document order. Each sheet not read yet is read
        once, whole: the guard bounds its size. Raises ``WorkbookRejected`` for a formula outside the cells (a data
        validation or conditional format) that computes anything."""
        for sheet in self.sheets:
            if sheet not in self._scanned:
                self._scan(sheet)
        return [formula for sheet in self.sheets for formula in self._formulas.get(sheet, ())]

    def read(self, areas: Iterable[Area | None]) -> dict[tuple[str, int, int], RawCell]:
        """Every cell (``<c>`` element) inside ``areas`` that holds a value or a formula, keyed by (sheet, row,
        column); an empty one reads as a missing one (``Checker``). Nothing outside is kept.

        Each sheet is scanned once for all the areas wanted of it (``want``), these included."""
        asked = [area for area in areas if area is not None and area.sheet in self.sheets]
        self.want(asked)
        cells: dict[tuple[str, int, int], RawCell] = {}
        for area in asked:
            sheet = area.sheet
            scanned = self._scanned.get(sheet)
            if scanned is None or area not in scanned:
                self._scan(sheet)
            kept = self._cells[sheet]
            for row in range(area.first_row, area.last_row + 1):
                for column in range(area.first_column, area.last_column + 1):
                    cell = kept.get((row, column))
                    if cell is not None:
                        cells[(sheet, row, column)] = cell
        return cells

    def _scan(self, sheet: str) -> None:
        wanted = frozenset(self._wanted.get(sheet, ()))
        part = self.sheets[sheet]
        try:
            data = self._archive.part(part)
        except KeyError as exc:
            raise WorkbookRejected(f"The workbook is damaged: its part {part} is missing.") from exc
        except _DAMAGED as exc:
            raise WorkbookRejected(f"The workbook is damaged or unsafe: its part {part} cannot be read.") from exc
        try:
            self._cells[sheet], self._formulas[sheet] = _scan_sheet(self, sheet, part, data, wanted)
        except WorkbookRejected:
            raise
        except _DAMAGED as exc:
            raise WorkbookRejected(f"The workbook is damaged or unsafe: its part {part} cannot be read.") from exc
        self._scanned[sheet] = wanted


# what a part that cannot be parsed raises: expat's errors, defusedxml's refusals, a bad zip member, and the
# ValueError the sheet scanner raises for what is not a worksheet (rows or cells out of order, bad references)
_DAMAGED = (
    safexml.ExpatError, DefusedXmlException, SyntaxError, ValueError, zipfile.BadZipFile, OSError, EOFError,
    zlib.error,  # a member whose deflate stream is corrupt (zipfile lets zlib's error through)
)


def _read_strings(root: Element) -> list[str]:
    return [_text_of(si) for si in root if _local(si.tag) == "si"]


def _text_of(element: Element) -> str:
    """The text of a string item or inline string: its ``t`` and rich-text runs, without phonetic hints."""
    parts: list[str] = []
    for child in element:
        kind = _local(child.tag)
        if kind == "t":
            parts.append(child.text or "")
        elif kind == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return unescape("".join(parts))


def _index(element: Element, attribute: str, part: str) -> int:
    """A style index attribute as an int (0 when absent); ``WorkbookRejected`` naming ``part`` for anything else."""
    text = element.get(attribute)
    if text is None:
        return 0
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):  # [0-9]{1,9}, without a regex
        raise WorkbookRejected(
            f"The workbook is damaged: its styles part {part} holds {attribute}={text[:20]!r}, which is not a "
            "whole number. Save it again from your spreadsheet program, or copy your answers into a fresh template."
        )
    return int(text)


def _percent(root: Element, part: str) -> frozenset[int]:
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for element in root.iter():
        attributes = element.attrib
        if attributes and not STYLE_INDEXES.isdisjoint(attributes):
            for attribute in attributes:
                if attribute in STYLE_INDEXES:
                    _index(element, attribute, part)  # every index checked, used or not: Excel would not open it
    for element in root:
        kind = _local(element.tag)
        if kind == "numFmts":
            custom = {_index(f, "numFmtId", part): f.get("formatCode", "") for f in element}
        elif kind == "cellXfs":
            xfs = [_index(xf, "numFmtId", part) for xf in element]
    percent_formats = {i for i, code in custom.items() if "%" in _QUOTED.sub("", code)}
    return frozenset(i for i, fmt in enumerate(xfs) if fmt in PERCENT_BUILTIN or fmt in percent_formats)


# Elements of a worksheet the scanner looks at, by local name; the others (row and column formats, views, merged
# cells, page setup, extensions...) are parsed, for well-formedness, and passed over.
_CELL, _TEXT, _VALUE, _INLINE, _ROW, _FORMULA, _RULE, _PHONETIC, _SHEET_DATA = range(1, 10)
_KINDS = {
    "c": _CELL,
    "v": _VALUE,
    "row": _ROW,
    "is": _INLINE,
    "t": _TEXT,
    "f": _FORMULA,
    "rPh": _PHONETIC,
    "sheetData": _SHEET_DATA,
    "formula": _RULE,  # a conditional format's
    "formula1": _RULE,  # a data validation's
    "formula2": _RULE,
}
# the same by expat name in the two main namespaces (and none), so a sheet's common elements are known from the start
_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_EXPAT_KINDS = {f"{uri}{safexml.NAMESPACE_SEPARATOR}{name}": kind for uri in _MAIN for name, kind in _KINDS.items()}
_EXPAT_KINDS.update(_KINDS)
# cell reference -> (row, column), learnt from every sheet read ("G5" -> (5, 7)): the same few hundred references come
# in every workbook of a template; only references of the form A1 are kept, and a bounded number of them
_REFERENCES: dict[str, tuple[int, int]] = {}
_MAX_REFERENCES = 65_536


def _scan_sheet(
    package: Package, sheet: str, part: str, data: bytes, wanted: frozenset[Area]
) -> tuple[dict[tuple[int, int], RawCell], list[FormulaCell]]:
    """One streamed pass over the worksheet ``part``: (the cells inside ``wanted``, every formula cell).

    Rows and the cells of each row must come in order and within Excel's limits; a formula (``<f>``) must be in a
    cell, or past the cells (an extension's conditional format or data validation), where it must compute nothing.
    Raises ``ValueError`` for a part that is not a worksheet, ``WorkbookRejected`` for a computing rule.

    The handlers run for every element (~1,300 in a filled template): each does the least it can, the commonest
    elements first, and a cell outside ``wanted`` is only placed (its order checked), its text never joined."""
    wanted_columns: dict[int, set[int]] = {}  # row -> the columns wanted in it
    for area in wanted:
        span = range(area.first_column, area.last_column + 1)
        for number in range(area.first_row, area.last_row + 1):
            wanted_columns.setdefault(number, set()).update(span)
    cells: dict[tuple[int, int], RawCell] = {}
    empty: list[tuple[int, int, int]] = []  # (row, column, style) of the kept cells with no value and no formula
    formulas: list[FormulaCell] = []
    formula_areas: list[Area] = []
    kinds = dict(_EXPAT_KINDS)  # expat name (uri}local) -> kind, 0 for the rest; learnt as met
    text: list[str] = []  # character data since the last element that holds text began
    # where the scan is: the handlers below change these (nonlocal)
    row = 0  # the current row number
    row_columns: set[int] | None = None  # wanted columns of the current row
    column = 0  # the current (or last) cell's column
    in_cell = False
    keep = False  # the current cell is kept
    cell_type = "n"
    cell_style = "0"
    value: str | None = None  # the current cell's <v>, if kept
    inline: list[str] | None = None  # the current cell's <is> runs
    formula: str | None = None  # the current cell's <f> text
    formula_attributes: dict[str, str] = {}
    phonetic = False  # inside <rPh>: a reading hint, not text
    in_cells = False  # inside <sheetData>: where rows and cells are (a "c" or "row" elsewhere is not one)
    after_cells = False  # past </sheetData>

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, row_columns, column, in_cell, keep, cell_type, cell_style, value, inline, formula
        nonlocal formula_attributes, phonetic, in_cells
        kind = kinds.get(name)
        if kind is None:
            kind = kinds[name] = _KINDS.get(name.rpartition(safexml.NAMESPACE_SEPARATOR)[2], 0)
        if kind == _CELL:
            if not in_cells:
                return  # not a cell: a "c" outside <sheetData>
            reference = attributes.get("r")
            if reference is None:
                found_column = column + 1
            else:
                place = _REFERENCES.get(reference) or _reference(reference)
                if place[0] != row:
                    raise ValueError(f"cell {reference} is not in row {row}")
                found_column = place[1]
            if not column < found_column <= MAX_COLUMNS or row == 0:
                raise ValueError(f"cell {reference} out of order")
            column = found_column
            in_cell = True
            keep = row_columns is not None and column in row_columns
            cell_type = attributes.get("t", "n")
            cell_style = attributes.get("s") or "0"
            value = inline = formula = None
        elif kind == _TEXT or kind == _VALUE or kind == _RULE:
            text.clear()
        elif kind == _INLINE:
            inline = []
        elif kind == _ROW:
            if not in_cells:
                return
            number = int(attributes.get("r") or row + 1)
            if not row < number <= MAX_ROWS:
                raise ValueError(f"row {number} out of order")
            row, column, in_cell = number, 0, False
            row_columns = wanted_columns.get(row)
            text.clear()
        elif kind == _FORMULA:
            if not in_cell and not after_cells:
                raise ValueError("a formula outside any cell")
            formula_attributes = attributes
            text.clear()
        elif kind == _PHONETIC:
            phonetic = True
        elif kind == _SHEET_DATA:
            if in_cells or after_cells:
                raise ValueError("a second sheetData")  # cells where no reader looks for them
            in_cells = True

    def end(name: str) -> None:
        nonlocal in_cell, value, formula, phonetic, in_cells, after_cells
        kind = kinds[name]
        if kind == _CELL:
            if not in_cell:
                return  # not a cell: a "c" outside <sheetData>
            in_cell = False
            if keep:
                if cell_type == "inlineStr":
                    found: CellValue = unescape("".join(inline)) if inline is not None else None
                else:
                    found = None if value is None else _value(package, cell_type, value, None)
                if found is None and formula is None:
                    empty.append((row, column, int(cell_style)))  # most cells of a table: nothing to keep
                else:  # RawCell(found, formula, style) without the named tuple's Python-level __new__
                    cells[(row, column)] = _new_tuple(RawCell, (found, formula, int(cell_style)))
        elif kind == _TEXT:
            if keep and inline is not None and not phonetic:  # a cell not kept: its text is never joined
                inline.append("".join(text))
        elif kind == _VALUE:
            if keep:
                value = "".join(text) or None
        elif kind == _FORMULA:
            written = "".join(text)
            if not in_cell:
                _check_rule_formula(written, part)
                return
            formula = written
            formula_kind = formula_attributes.get("t", "normal")
            formulas.append(FormulaCell(sheet, row, column, written, formula_kind, formula_attributes.get("si")))
            reference = formula_attributes.get("ref")
            if reference and formula_kind != "shared":  # a shared formula's other cells carry their own <f>
                area = parse_area(f"x!{reference}")
                if area is not None:
                    formula_areas.append(area)
        elif kind == _RULE:
            _check_rule_formula("".join(text), part)
        elif kind == _PHONETIC:
            phonetic = False
        elif kind == _SHEET_DATA:
            in_cells, after_cells = False, True

    expat = safexml.parser()
    expat.StartElementHandler = start
    expat.EndElementHandler = end
    expat.CharacterDataHandler = text.append
    expat.Parse(data, True)
    for area in formula_areas:  # the other cells of an array formula's range hold only values
        for key, cell in cells.items():
            if area.contains(*key) and cell.formula is None:
                cells[key] = RawCell(cell.value, "", cell.style)
        for number, place, style in empty:  # an empty one too (its value was not calculated yet)
            if area.contains(number, place):
                cells[(number, place)] = RawCell(None, "", style)
    return cells, formulas


def _reference(reference: str) -> tuple[int, int]:
    """(row, column) of the cell reference ``reference`` ("AB12" -> (12, 28)), learnt in ``_REFERENCES``. Raises
    ``ValueError`` for anything else."""
    match = _COORDINATE.fullmatch(reference)
    if match is None:
        raise ValueError(f"bad cell reference {reference!r}")
    place = (int(match.group(2)), column_number(match.group(1)))
    if len(_REFERENCES) >= _MAX_REFERENCES:
        _REFERENCES.clear()
    _REFERENCES[reference] = place
    return place


def _unescaped(runs: list[str] | None) -> str | None:
    return unescape("".join(runs)) if runs is not None else None


def _check_rule_formula(text: str, part: str) -> None:
    """A formula of a data validation, conditional format or extension must not compute anything."""
    if computes(text):
        raise WorkbookRejected(
            f"The workbook's part {part} holds a formula in a data validation or conditional format "
            f"({text[:60]}): a response workbook computes nothing. Copy your answers into a fresh template."
        )


def _value(package: Package, kind: str, raw: str | None, inline: str | None) -> CellValue:
    if kind == "inlineStr":
        return inline
    if raw is None:
        return None
    if kind == "s":
        strings = package.shared_strings()
        index = int(raw)
        if not 0 <= index < len(strings):
            raise ValueError("shared string index out of range")
        return strings[index]
    if kind == "str":
        return unescape(raw)
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "e":
        return SpreadsheetError(raw)
    if kind == "d":
        return IsoDate(raw)
    text = raw.strip()
    if len(text) > MAX_NUMBER_TEXT or not _NUMBER.fullmatch(text):
        return BadNumber(raw[:MAX_NUMBER_TEXT])  # NaN, Infinity, "1_000", "abc": the bidder is told which cell
    number = Decimal(text)
    if abs(number.adjusted()) > MAX_EXPONENT:
        return BadNumber(text)  # 9E+999999 would overflow any arithmetic on it
    if len(number.as_tuple().digits) > EXCEL_DIGITS:
        # a binary double written out in full (93.6 as "93.59999999999999"): Excel keeps and shows 15 significant
        # digits, so what the bidder typed is the value rounded to 15, trailing zeros dropped
        number = _EXCEL.plus(number).normalize(_EXCEL)
    return number
