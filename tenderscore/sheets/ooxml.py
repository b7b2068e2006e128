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
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
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
class IsoDate:
    """A cell stored as an ISO 8601 date (``t="d"``)."""

    text: str


CellValue = str | Decimal | bool | SpreadsheetError | IsoDate | None


@dataclass(frozen=True)
class RawCell:
    """A cell as stored: its value (a formula's cached value included), its formula if any, its style index."""

    value: CellValue
    formula: str | None = None  # the formula's text ("" for a shared or array formula's other cells)
    style: int = 0


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
            elif kind == "definedName" and element.get("localSheetId") is None:
                self.names[element.get("name", "").casefold()] = element.text or ""
        self._strings_part = next((t for k, t in targets.values() if k.endswith("/sharedStrings")), None)
        self._styles_part = next((t for k, t in targets.values() if k.endswith("/styles")), None)
        self._strings: list[str] | None = None
        self._percent_styles: frozenset[int] | None = None

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
            self._percent_styles = frozenset() if self._styles_part is None else _percent(self._xml(self._styles_part))
        return self._percent_styles

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
            for (row, column), cell in _read_sheet(self, part, wanted).items():
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


def _percent(root: Element) -> frozenset[int]:
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for element in root:
        kind = _local(element.tag)
        if kind == "numFmts":
            custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in element}
        elif kind == "cellXfs":
            xfs = [int(xf.get("numFmtId", "0")) for xf in element]
    percent_formats = {i for i, code in custom.items() if "%" in _QUOTED.sub("", code)}
    return frozenset(i for i, fmt in enumerate(xfs) if fmt in PERCENT_BUILTIN or fmt in percent_formats)


def _read_sheet(package: Package, part: str, wanted: list[Area]) -> dict[tuple[int, int], RawCell]:
    rows = {r for area in wanted for r in range(area.first_row, area.last_row + 1)}
    last = max(rows, default=0)
    cells: dict[tuple[int, int], RawCell] = {}
    formula_areas: list[Area] = []
    row = 0
    local: dict[str, str] = {}
    try:
        with package.open(part) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                tag = element.tag
                kind = local.get(tag) or local.setdefault(tag, _local(tag))
                if kind == "f":
                    _note_formula_range(element, formula_areas)
                elif kind == "row":
                    number = int(element.get("r") or row + 1)
                    if not row < number <= MAX_ROWS:
                        raise ValueError(f"row {number} out of order")
                    row = number
                    if row in rows:
                        _read_row(package, element, row, wanted, cells)
                    element.clear()
                    if row >= last:
                        break  # rows come in order and an array formula starts at its top-left cell: done
    except (DefusedXmlException, SyntaxError, ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookRejected(f"The workbook is damaged or unsafe: its part {part} cannot be read.") from exc
    for area in formula_areas:  # the other cells of an array formula's range hold only values
        for key, cell in cells.items():
            if area.contains(*key) and cell.formula is None:
                cells[key] = RawCell(cell.value, "", cell.style)
    return cells


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
    try:
        number = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise ValueError(f"bad number {raw!r}") from exc
    if number.is_finite() and len(number.as_tuple().digits) > EXCEL_DIGITS:
        # a binary double written out in full (93.6 as "93.59999999999999"): Excel keeps and shows 15 significant
        # digits, so what the bidder typed is the value rounded to 15, trailing zeros dropped
        number = _EXCEL.plus(number).normalize(_EXCEL)
    return number
