"""Turning one raw cell into one validated value, or into a ``CellError`` that says what to type instead."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from tenderscore.core.orgid import OrgId, OrgIdError, parse_orgid
from tenderscore.sheets.identifiers import IdentifierError, normalise_charity_number, normalise_company_number
from tenderscore.sheets.ooxml import BadNumber, CellValue, IsoDate, Package, RawCell, SpreadsheetError, coordinate
from tenderscore.sheets.quantities import QuantityError, UnitRule, parse_quantity
from tenderscore.sheets.reading import CellError

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# C0 controls but tab, LF and CR (NUL breaks PostgreSQL's JSON, ESC and BEL drive terminals) and lone surrogates
# (from Excel's _xD800_ escape: not text, cannot be encoded): never part of an answer
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # the same C0 controls, as UTF-8 bytes
_ERROR_CODE = re.compile(r"#[A-Z0-9_/!?]{1,15}")
MAX_TEXT = 32_767  # Excel's limit for one cell


class Place(NamedTuple):
    """Where a value comes from, for error messages. (A named tuple: a reading makes hundreds.)"""

    sheet: str
    row: int
    column: int
    field: str
    criterion_id: str | None = None


@dataclass
class Checker:
    """Reads cells from a package's raw cells and collects every error, in the order found."""

    package: Package
    raw: dict[tuple[str, int, int], RawCell]
    errors: list[CellError] = field(default_factory=list)

    def error(self, place: Place, message: str) -> None:
        self.errors.append(
            CellError(place.sheet, coordinate(place.row, place.column), place.criterion_id, place.field, message)
        )

    def value(self, place: Place) -> tuple[bool, CellValue, int]:
        """(usable, value, style) of the cell at ``place``. A formula is reported and is not usable: its cached
        value is the spreadsheet's calculation, never the bidder's answer."""
        found = self.raw.get((place.sheet, place.row, place.column))
        if found is None:
            return True, None, 0
        if found.formula is None:
            return self._usable(place, found)
        shown = f" (={found.formula[:40]})" if found.formula else ""
        self.error(
            place,
            f"This cell holds a formula{shown}. Type the value itself: a formula is a calculation, not your answer.",
        )
        return False, None, 0

    def _usable(self, place: Place, found: RawCell) -> tuple[bool, CellValue, int]:
        value = found.value
        if isinstance(value, BadNumber):
            what = "an infinite or undefined value" if value.undefined else f"{value.text[:30]!r}, not a usable number"
            self.error(place, f"This cell holds {what}: enter a number.")
            return False, None, 0
        if isinstance(value, str) and (control := _control_character(value)) is not None:
            self.error(
                place,
                f"This cell holds an invisible control character (U+{ord(control):04X}), which cannot be "
                "stored: retype the text, or paste it as plain text.",
            )
            return False, None, 0
        return True, value, found.style

    def is_blank(self, place: Place) -> bool:
        """True when the cell is empty (a formula is not empty: it is reported where the cell is read)."""
        return self.blank_at(place.sheet, place.row, place.column)

    def blank_at(self, sheet: str, row: int, column: int) -> bool:
        """``is_blank`` for a cell given by its coordinates."""
        found = self.raw.get((sheet, row, column))
        return found is None or (found.formula is None and blank(found.value))

    def text(self, place: Place, *, required: bool, missing: str, limit: int = MAX_TEXT) -> str | None:
        """The text in the cell exactly as typed; ``None`` when empty or invalid (an error is recorded)."""
        usable, value, _style = self.value(place)
        if isinstance(value, Decimal):
            value = format(value, "f")  # a number typed where text is asked for, e.g. a name like "1990"
        if not usable or blank(value):
            if usable and required:
                self.error(place, missing)
            return None
        if not isinstance(value, str):
            self.error(place, f"This cell holds {_describe(value)}; type text here.")
            return None
        if len(value) > limit:
            self.error(place, f"This cell holds {len(value):,} characters; at most {limit:,} are accepted.")
            return None
        return value

    def quantity(self, place: Place, rule: UnitRule, *, percent: bool = False) -> Decimal | None:
        """A number in ``rule``'s unit; ``None`` if empty or invalid. A cell shown as a percentage holds a fraction."""
        usable, value, style = self.value(place)
        if not usable:
            return None
        if isinstance(value, SpreadsheetError | IsoDate):
            self.error(place, f"This cell holds {_describe(value)}; enter a number.")
            return None
        if percent and isinstance(value, Decimal) and style in self.package.percent_styles():
            value = value * 100  # "15%" typed in Excel is stored as 0.15 with a percentage format
        try:
            return parse_quantity(value, rule)
        except QuantityError as exc:
            self.error(place, _sentence(str(exc)))
            return None

    def yes_no(self, place: Place) -> bool | None:
        """A declaration: Yes/No as typed or chosen from the list (TRUE/FALSE is accepted too)."""
        usable, value, _style = self.value(place)
        if not usable:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in ("yes", "no"):
            return value.strip().casefold() == "yes"
        shown = "nothing" if blank(value) else _describe(value)
        self.error(place, f"Choose Yes or No from the list (this cell holds {shown}).")
        return None

    def identifier(self, place: Place, *, charity: bool) -> str | None:
        """A charity or company number, normalised; ``None`` when empty or malformed."""
        usable, value, _style = self.value(place)
        if not usable or blank(value):
            return None
        typed: object = value
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            typed = int(value)  # typed into a General cell: the number, without any leading zeros
        try:
            return normalise_charity_number(typed) if charity else normalise_company_number(typed)
        except IdentifierError as exc:
            self.error(place, _sentence(str(exc)))
            return None

    def orgid(self, place: Place) -> OrgId | None:
        """An organisation identifier (``GB-CHC-1123456``), canonical; ``None`` when empty or malformed (an error
        naming the register's form of number is recorded)."""
        usable, value, _style = self.value(place)
        if not usable or blank(value):
            return None
        if not isinstance(value, str):
            shown = _describe(value)
            self.error(place, f"This cell holds {shown}; type the identifier as text, such as GB-CHC-1123456.")
            return None
        try:
            return parse_orgid(value)
        except OrgIdError as exc:
            self.error(place, _sentence(str(exc)))
            return None

    def email(self, place: Place) -> str | None:
        """The contact email, which must look like one."""
        text = self.text(place, required=True, missing="Enter a contact email address.", limit=254)
        if text is not None and not _EMAIL.fullmatch(text.strip()):
            self.error(place, f"{text.strip()!r} is not an email address; enter one such as name@example.org.")
            return None
        return text.strip() if text is not None else None


def _control_character(text: str) -> str | None:
    """The first character of ``text`` that ``_CONTROL`` matches, or ``None``. A long answer is checked in C ~5
    times faster than by the regular expression: UTF-8 holds a C0 control as that very byte, and no other character
    as one, and a lone surrogate cannot be encoded at all; the expression then finds which one it is."""
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        encoded = b"\x00"
    if len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded):
        return None
    found = _CONTROL.search(text)
    return found.group() if found is not None else None


def blank(value: object) -> bool:
    """True for no value, or text that is only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _describe(value: object) -> str:
    if isinstance(value, SpreadsheetError):
        return f"the error {value.code}" if _ERROR_CODE.fullmatch(value.code) else "an error value"
    if isinstance(value, IsoDate):
        return f"a date ({_CONTROL.sub('', value.text[:30])})"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return f"the number {value}"
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:60] + "…")
    return repr(value)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
