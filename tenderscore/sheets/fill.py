"""Filling a response template in code, by defined name: the demo bids and the tests use it.

Values are written as a bidder's spreadsheet program would store them: text as text (a leading ``=`` included),
numbers as numbers. Invalid values can be written on purpose, to test the reader; ``Formula`` writes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.sheets.layout import BIDDER_FIELDS, PARTNER_COLUMNS, PARTNER_TABLE, PRICE_TABLE, name_part
from tenderscore.sheets.style import save_stable


@dataclass(frozen=True)
class Formula:
    """A formula to write into a cell, e.g. ``Formula("=SUM(1,2)")``: what a bidder must not do."""

    text: str


CellInput = str | int | float | Decimal | bool | Formula | None


@dataclass(frozen=True)
class PartnerRow:
    """One row of the VCSE partners table as typed (any cell may be left ``None``)."""

    name: CellInput = None
    identifier: CellInput = None  # org-id, e.g. "GB-CHC-1123456"
    value_gbp: CellInput = None
    pathway: CellInput = None
    role: CellInput = None


@dataclass(frozen=True)
class FilledBid:
    """What a bidder types into a template. Keys are criterion ids; ``bidder`` keys are ``BIDDER_FIELDS`` names."""

    bidder: Mapping[str, CellInput] = field(default_factory=dict)
    answers: Mapping[str, CellInput] = field(default_factory=dict)
    declarations: Mapping[str, CellInput] = field(default_factory=dict)  # True/False are written "Yes"/"No"
    commitments: Mapping[str, CellInput] = field(default_factory=dict)
    price_lines: Sequence[tuple[CellInput, CellInput]] = ()  # (description, amount £)
    partners: Sequence[PartnerRow] = ()
    cells: Mapping[str, CellInput] = field(default_factory=dict)  # defined name -> value, written last


def fill_template(template: bytes, filled: FilledBid) -> bytes:
    """``template`` with ``filled`` written into its named cells; raises ``KeyError`` for an unknown name."""
    wb = load_workbook(io.BytesIO(template))
    values: dict[str, CellInput] = {}
    values.update({f"bidder_{k}": v for k, v in filled.bidder.items() if k in dict(_bidder_keys())})
    values.update({f"ans_{name_part(k)}": v for k, v in filled.answers.items()})
    values.update({f"decl_{name_part(k)}": _yes_no(v) for k, v in filled.declarations.items()})
    values.update({f"commit_{name_part(k)}": v for k, v in filled.commitments.items()})
    for name, value in values.items():
        ws, row, column = _named_cell(wb, name)
        write_cell(ws, row, column, value)
    _fill_table(wb, PRICE_TABLE, [list(line) for line in filled.price_lines])
    _fill_table(
        wb,
        PARTNER_TABLE,
        [[getattr(p, column) for column in PARTNER_COLUMNS] for p in filled.partners],
    )
    for name, value in filled.cells.items():
        ws, row, column = _named_cell(wb, name)
        write_cell(ws, row, column, value)
    return save_stable(wb)


def _bidder_keys() -> list[tuple[str, str]]:
    return [(key, text) for key, text, _required in BIDDER_FIELDS]


def _yes_no(value: CellInput) -> CellInput:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def write_cell(ws: Worksheet, row: int, column: int, value: CellInput) -> None:
    """Store ``value`` as a spreadsheet program would: text stays text even when it starts with ``=``."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Formula):
        cell.value = value.text
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value


def _named_range(wb: Workbook, name: str) -> tuple[Worksheet, tuple[int, int, int, int]]:
    defined = wb.defined_names[name]
    ((sheet, ref),) = list(defined.destinations)
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    assert min_col is not None and min_row is not None and max_col is not None and max_row is not None
    return wb[sheet], (min_row, min_col, max_row, max_col)


def _named_cell(wb: Workbook, name: str) -> tuple[Worksheet, int, int]:
    ws, (row, column, _last_row, _last_column) = _named_range(wb, name)
    return ws, row, column


def _fill_table(wb: Workbook, name: str, rows: list[list[CellInput]]) -> None:
    if not rows:
        return
    ws, (first_row, first_column, last_row, _last_column) = _named_range(wb, name)
    if len(rows) > last_row - first_row + 1:
        raise ValueError(f"{name} has {last_row - first_row + 1} rows; {len(rows)} given")
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            if value is not None:
                write_cell(ws, first_row + i, first_column + j, value)
