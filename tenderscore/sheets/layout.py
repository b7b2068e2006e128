"""Where every answer lives in a response template: sheet names, defined names, table shapes.

The writer places cells where this layout says; the reader and the filler find them through the workbook's
*defined names*, never by position, so a workbook re-saved by another program (which may move styles, widths and
strings around) still reads the same. The layout is a pure function of the rubric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from tenderscore.core.rubric import CriterionKind, Rubric

INSTRUCTIONS = "Instructions"
BIDDER = "Bidder details"
QUALITY = "Quality"
DECLARATIONS = "Declarations"
COMMITMENTS = "Commitments"
PRICING = "Pricing"
PARTNERS = "VCSE partners"
HIDDEN = "_tenderscore"

PRICE_LINES = 20  # rows of the pricing table
PARTNER_ROWS = 30  # rows of the VCSE partners table
HEADER_ROW = 4  # the column headings of every answer sheet; the first answer is on the row below

PRICE_TABLE = "price_lines"
PARTNER_TABLE = "vcse_partners"
PRICE_COLUMNS = ("description", "amount_gbp")
PARTNER_COLUMNS = ("name", "identifier", "value_gbp", "pathway", "role")
# The template's form: which columns its tables have. It is written to the hidden sheet and checked on reading, so a
# workbook of an earlier form is refused with a clear message instead of being read column by column into the wrong
# fields. Form 2 names each VCSE partner by its org-id identifier with its role (form 1: charity and company number).
TEMPLATE_FORM = 2
FORM_NAME = "ts_template_form"

_NAME_SAFE = re.compile(r"[^A-Za-z0-9_]")

# The only formulas a response template holds: a word count right of each answer, and a total under the column
# of each table named here. The writer writes them and the reader allows them, and nothing else, from these.
TOTAL_FIELDS = {PRICE_TABLE: "amount_gbp", PARTNER_TABLE: "value_gbp"}
WORD_COUNT_OFFSET = 1  # columns right of the answer


def word_count_formula(ref: str) -> str:
    """The template's word count of the answer at ``ref`` (e.g. ``G5``), as a formula with its ``=``."""
    flat = f'TRIM(SUBSTITUTE({ref},CHAR(10)," "))'
    return f'=IF(LEN({flat})=0,0,LEN({flat})-LEN(SUBSTITUTE({flat}," ",""))+1)'


def total_formula(column: str, first_row: int, last_row: int) -> str:
    """The template's convenience total of ``column`` (letters) over a table's rows, with its ``=``."""
    return f"=SUM({column}{first_row}:{column}{last_row})"


class CellKind(StrEnum):
    """What an answer cell holds, which decides how the reader validates it."""

    TEXT = "text"
    DECLARATION = "declaration"
    NUMBER = "number"
    IDENTITY = "identity"


@dataclass(frozen=True)
class TemplateIdentity:
    """What ties a response template to one published tender; written to the hidden sheet and checked on reading."""

    tender_reference: str
    title: str
    buyer: str
    deadline: datetime  # aware, UTC
    template_version: int
    rubric_hash: str


@dataclass(frozen=True)
class AnswerCell:
    """One named cell a bidder fills in (or, for identity cells, that the template fills)."""

    name: str  # the workbook's defined name
    sheet: str
    row: int
    column: int
    field: str  # e.g. "answer", "declaration", "commitment", "organisation_name"
    kind: CellKind
    criterion_id: str | None = None
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    """A fixed-size table a bidder fills row by row; its defined name covers exactly these rows and columns."""

    name: str
    sheet: str
    first_row: int
    first_column: int
    rows: int
    columns: tuple[str, ...]


@dataclass(frozen=True)
class TemplateLayout:
    """Every named cell and table of one rubric's response template."""

    identity: tuple[AnswerCell, ...]
    bidder: tuple[AnswerCell, ...]
    answers: tuple[AnswerCell, ...]
    declarations: tuple[AnswerCell, ...]
    commitments: tuple[AnswerCell, ...]
    pricing: TableSpec | None
    partners: TableSpec

    @cached_property  # a layout is read many times per workbook: worked out once
    def cells(self) -> tuple[AnswerCell, ...]:
        return self.identity + self.bidder + self.answers + self.declarations + self.commitments

    @cached_property
    def tables(self) -> tuple[TableSpec, ...]:
        return ((self.pricing,) if self.pricing else ()) + (self.partners,)


# (field, label, required, column-B note) of the bidder details sheet, in order
BIDDER_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("organisation_name", "Organisation name (the lead bidder)", True),
    ("company_number", "Company number (Companies House, 8 characters)", False),
    ("charity_number", "Charity number, if a registered charity", False),
    ("contact_name", "Contact name", True),
    ("email", "Contact email", True),
    ("address", "Registered address", True),
)

IDENTITY_FIELDS: tuple[tuple[str, str], ...] = (
    ("tender_reference", "ts_tender_reference"),
    ("template_version", "ts_template_version"),
    ("rubric_hash", "ts_rubric_hash"),
    ("template_form", FORM_NAME),  # absent from form 1 templates: the reader says so rather than "not a template"
)


def name_part(criterion_id: str) -> str:
    """The part of a defined name that stands for a criterion id (Excel names allow letters, digits, ``_``)."""
    return _NAME_SAFE.sub("_", criterion_id)


def needs_pricing(rubric: Rubric) -> bool:
    """A pricing sheet is issued when price is scored or a VCSE share must be checked against it."""
    return bool(rubric.of_kind(CriterionKind.PRICE)) or rubric.vcse_criterion is not None


def _criterion_cells(
    rubric: Rubric, kind: CriterionKind, sheet: str, prefix: str, column: int, field: str, cell_kind: CellKind
) -> tuple[AnswerCell, ...]:
    return tuple(
        AnswerCell(f"{prefix}_{name_part(c.id)}", sheet, HEADER_ROW + 1 + i, column, field, cell_kind, c.id)
        for i, c in enumerate(rubric.of_kind(kind))
    )


def template_layout(rubric: Rubric) -> TemplateLayout:
    """The layout of ``rubric``'s response template. Raises ``ValueError`` if two criteria map to one name.

    A rubric is a frozen value and a published tender's is one object per process (``services.tenders.rubric_of``),
    so the layout is made once per rubric object and kept (a bounded number of them, each with its rubric, so an
    object's id is never reused while its layout is kept)."""
    found = _LAYOUTS.get(id(rubric))
    if found is not None and found[0] is rubric:
        return found[1]
    layout = _make_layout(rubric)
    if len(_LAYOUTS) >= _MAX_LAYOUTS:
        _LAYOUTS.pop(next(iter(_LAYOUTS)), None)  # the oldest
    _LAYOUTS[id(rubric)] = (rubric, layout)
    return layout


_LAYOUTS: dict[int, tuple[Rubric, TemplateLayout]] = {}
_MAX_LAYOUTS = 32


def _make_layout(rubric: Rubric) -> TemplateLayout:
    identity = tuple(
        AnswerCell(name, HIDDEN, i + 1, 2, field, CellKind.IDENTITY) for i, (field, name) in enumerate(IDENTITY_FIELDS)
    )
    bidder = tuple(
        AnswerCell(f"bidder_{field}", BIDDER, HEADER_ROW + 1 + i, 2, field, CellKind.TEXT, None, required)
        for i, (field, _label, required) in enumerate(BIDDER_FIELDS)
    )
    layout = TemplateLayout(
        identity=identity,
        bidder=bidder,
        answers=_criterion_cells(rubric, CriterionKind.SCORED, QUALITY, "ans", 7, "answer", CellKind.TEXT),
        declarations=_criterion_cells(
            rubric, CriterionKind.PASS_FAIL, DECLARATIONS, "decl", 5, "declaration", CellKind.DECLARATION
        ),
        commitments=_criterion_cells(
            rubric, CriterionKind.COMMITMENT, COMMITMENTS, "commit", 7, "commitment", CellKind.NUMBER
        ),
        pricing=(
            TableSpec(PRICE_TABLE, PRICING, HEADER_ROW + 1, 2, PRICE_LINES, PRICE_COLUMNS)
            if needs_pricing(rubric)
            else None
        ),
        partners=TableSpec(PARTNER_TABLE, PARTNERS, HEADER_ROW + 1, 2, PARTNER_ROWS, PARTNER_COLUMNS),
    )
    _check_unique(layout)
    return layout


def _check_unique(layout: TemplateLayout) -> None:
    seen: dict[str, str] = {}
    for name in [c.name for c in layout.cells] + [t.name for t in layout.tables]:
        key = name.casefold()  # Excel's names are case-insensitive
        if key in seen:
            raise ValueError(f"criterion ids give the same defined name twice: {seen[key]!r} and {name!r}")
        seen[key] = name
