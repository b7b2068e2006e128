"""A small, strict reader of the parts of an ``.xlsx`` the response reader needs, on defusedxml.

Why not openpyxl or python-calamine for reading: openpyxl's read-only load alone costs more than this whole reader
(it parses every style into objects), and calamine, though fastest at values, does not report formulas, defined
names or number formats, which the checks need; a pass over the XML for those gives the values too (see
``bench/bench_sheets.py``). Numbers are taken from the XML text straight into ``Decimal``, so no float is ever
involved. Any namespace is accepted (transitional or strict), and so are cells without an ``r`` attribute.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from tenderscore.sheets.guard import WorkbookRejected

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_AREA = re.compile(
    r"(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!]+))!"
    r"\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>[0-9]{1,7})(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>[0-9]{1,7}))?"
)
_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,6})?")
_UNSIGNED = re.compile(r"[0-9]{1,9}")
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


@dataclass(frozen=True)
class RawCell:
    """A cell as stored: its value (a formula's cached value included), its formula if any, its style index."""

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
    return bool(_COMPUTES.search(_STRING.sub("", formula)))


def unescape(text: str) -> str:
    """Undo Excel's ``_xHHHH_`` escapes of characters XML cannot hold."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class Package:
    """An open, guarded ``.xlsx``: its sheets, defined names, shared strings and percentage styles."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
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
        self._formulas: dict[str, list[FormulaCell]] = {}  # sheet -> its formula cells, once the sheet is read

    def _xml(self, part: str) -> Element:
        try:
            root: Element = fromstring(self._archive.read(part))
            return root
        except KeyError as exc:
            raise WorkbookRejected(f"The workbook is damaged: its part {part} is missing.") from exc
        except (DefusedXmlException, SyntaxError, ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
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

    def formulas(self) -> list[FormulaCell]:
        """Every formula cell of every worksheet, in sheet then document order. Each sheet is read once, whole:
        the guard bounds its size. Raises ``WorkbookRejected`` for a formula outside the cells (a data validation
        or conditional format) that computes anything."""
        for sheet, part in self.sheets.items():
            if sheet not in self._formulas:
                _read_sheet(self, sheet, part, [])
        return [formula for sheet in self.sheets for formula in self._formulas.get(sheet, ())]

    def read(self, areas: Iterable[Area | None]) -> dict[tuple[str, int, int], RawCell]:
        """Every non-empty cell inside ``areas``, keyed by (sheet, row, column). Nothing outside is kept.

        The caller bounds the areas (the reader checks every named area's shape against the template first)."""
        by_sheet: dict[str, list[Area]] = {}
        for area in areas:
            if area is not None:
                by_sheet.setdefault(area.sheet, []).append(area)
        cells: dict[tuple[str, int, int], RawCell] = {}
        for sheet, wanted in by_sheet.items():
            part = self.sheets.get(sheet)
            if part is None:
                continue
            for (row, column), cell in _read_sheet(self, sheet, part, wanted).items():
                cells[(sheet, row, column)] = cell
        return cells

    def open(self, part: str) -> IO[bytes]:
        try:
            return self._archive.open(part)
        except KeyError as exc:
            raise WorkbookRejected(f"The workbook is damaged: its part {part} is missing.") from exc


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
    if not _UNSIGNED.fullmatch(text.strip()):
        raise WorkbookRejected(
            f"The workbook is damaged: its styles part {part} holds {attribute}={text[:20]!r}, which is not a "
            "whole number. Save it again from your spreadsheet program, or copy your answers into a fresh template."
        )
    return int(text)


def _percent(root: Element, part: str) -> frozenset[int]:
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for element in root.iter():
        for attribute in STYLE_INDEXES.intersection(element.keys()):
            _index(element, attribute, part)  # every index checked, used or not: Excel would not open it
    for element in root:
        kind = _local(element.tag)
        if kind == "numFmts":
            custom = {_index(f, "numFmtId", part): f.get("formatCode", "") for f in element}
        elif kind == "cellXfs":
            xfs = [_index(xf, "numFmtId", part) for xf in element]
    percent_formats = {i for i, code in custom.items() if "%" in _QUOTED.sub("", code)}
    return frozenset(i for i, fmt in enumerate(xfs) if fmt in PERCENT_BUILTIN or fmt in percent_formats)


def _read_sheet(package: Package, sheet: str, part: str, wanted: list[Area]) -> dict[tuple[int, int], RawCell]:
    """The cells of ``part`` inside ``wanted``; notes every formula cell of the sheet in ``package._formulas``.

    The whole sheet is read (the guard bounds its size), but only the rows holding a wanted cell or a formula
    are looked into."""
    rows = {r for area in wanted for r in range(area.first_row, area.last_row + 1)}
    cells: dict[tuple[int, int], RawCell] = {}
    formula_areas: list[Area] = []
    formulas: list[FormulaCell] = []
    row = 0
    in_row = False  # an <f> was seen in the row being read
    after_cells = False  # past <sheetData>: data validations, conditional formats, extensions
    local: dict[str, str] = {}
    try:
        with package.open(part) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                tag = element.tag
                kind = local.get(tag) or local.setdefault(tag, _local(tag))
                if kind == "f":
                    if after_cells:
                        _check_rule_formula(element, part)
                    else:
                        in_row = True
                        _note_formula_range(element, formula_areas)
                elif kind == "row":
                    number = int(element.get("r") or row + 1)
                    if not row < number <= MAX_ROWS:
                        raise ValueError(f"row {number} out of order")
                    row = number
                    if row in rows:
                        _read_row(package, element, row, wanted, cells)
                    if in_row:
                        _row_formulas(element, sheet, row, formulas)
                        in_row = False
                    element.clear()
                elif kind == "sheetData":
                    if in_row:
                        raise ValueError("a formula outside any row")
                    after_cells = True
                elif kind in ("formula", "formula1", "formula2"):
                    _check_rule_formula(element, part)
    except WorkbookRejected:
        raise
    except (DefusedXmlException, SyntaxError, ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookRejected(f"The workbook is damaged or unsafe: its part {part} cannot be read.") from exc
    package._formulas[sheet] = formulas
    for area in formula_areas:  # the other cells of an array formula's range hold only values
        for key, cell in cells.items():
            if area.contains(*key) and cell.formula is None:
                cells[key] = RawCell(cell.value, "", cell.style)
    return cells


def _check_rule_formula(element: Element, part: str) -> None:
    """A formula of a data validation, conditional format or extension must not compute anything."""
    text = element.text or ""
    if computes(text):
        raise WorkbookRejected(
            f"The workbook's part {part} holds a formula in a data validation or conditional format "
            f"({text[:60]}): a response workbook computes nothing. Copy your answers into a fresh template."
        )


def _row_formulas(element: Element, sheet: str, row: int, formulas: list[FormulaCell]) -> None:
    column = 0
    for child in element:
        if _local(child.tag) != "c":
            continue
        _found_row, column = _position(child.get("r"), row, column)
        for f in child:
            if _local(f.tag) == "f":
                kind = f.get("t", "normal")
                formulas.append(FormulaCell(sheet, row, column, f.text or "", kind, f.get("si")))


def _note_formula_range(element: Element, formula_areas: list[Area]) -> None:
    reference = element.get("ref")
    if reference and element.get("t") != "shared":  # a shared formula's other cells carry their own <f>
        area = parse_area(f"x!{reference}")
        if area is not None:
            formula_areas.append(area)


def _read_row(
    package: Package, element: Element, row: int, wanted: list[Area], cells: dict[tuple[int, int], RawCell]
) -> None:
    column = 0
    for child in element:
        if _local(child.tag) != "c":
            continue
        found_row, column = _position(child.get("r"), row, column)
        if found_row != row:
            raise ValueError(f"cell {child.get('r')} is not in row {row}")
        if any(area.contains(row, column) for area in wanted):
            cells[(row, column)] = _cell(package, child)


def _position(reference: str | None, row: int, column: int) -> tuple[int, int]:
    if reference is None:
        found_row, found_column = row, column + 1
    else:
        match = _COORDINATE.fullmatch(reference)
        if not match:
            raise ValueError(f"bad cell reference {reference!r}")
        found_row, found_column = int(match.group(2)), column_number(match.group(1))
    if not column < found_column <= MAX_COLUMNS:
        raise ValueError(f"cell {reference} out of order")
    return found_row, found_column


def _cell(package: Package, element: Element) -> RawCell:
    kind = element.get("t", "n")
    raw: str | None = None
    inline: Element | None = None
    formula: str | None = None
    for child in element:
        tag = _local(child.tag)
        if tag == "v":
            raw = child.text
        elif tag == "is":
            inline = child
        elif tag == "f":
            formula = child.text or ""
    style = int(element.get("s") or 0)
    return RawCell(_value(package, kind, raw, inline), formula, style)


def _value(package: Package, kind: str, raw: str | None, inline: Element | None) -> CellValue:
    if kind == "inlineStr":
        return _text_of(inline) if inline is not None else None
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
