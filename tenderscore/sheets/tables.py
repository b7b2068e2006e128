"""The two tables of a response: pricing lines and VCSE partners, and the check that ties them together.

Totals are computed here from the rows, never read from the sheet's total cells: a file written by a script
caches no total (or a zero), and a cached value can be edited to say anything.
"""

from __future__ import annotations

from decimal import Decimal

from tenderscore.core.orgid import OrgId
from tenderscore.core.responses import VcsePartner
from tenderscore.core.rubric import Rubric
from tenderscore.core.vcse import vcse_share, vcse_share_disagreement
from tenderscore.sheets.cells import Checker, Place, blank
from tenderscore.sheets.layout import TableSpec, TemplateLayout
from tenderscore.sheets.ooxml import Area, coordinate
from tenderscore.sheets.quantities import GBP_RULE

MAX_TOTAL = Decimal(10) ** 12
MAX_ROLE = 300  # characters: a role is a line the partner confirms, not an answer


def table_place(table: TableSpec, areas: dict[str, Area | None], row: int, field: str) -> Place:
    """The place of ``field`` on 0-based ``row`` of ``table``, where the workbook's defined name puts it."""
    area = areas[table.name]
    assert area is not None  # the reader checked every table's shape first
    return Place(area.sheet, area.first_row + row, area.first_column + table.columns.index(field), field)


def _rows(table: TableSpec, areas: dict[str, Area | None]) -> range:
    area = areas[table.name]
    assert area is not None
    return range(min(area.rows, table.rows))  # never more than the template defines


def _blank_row(checker: Checker, table: TableSpec, areas: dict[str, Area | None], row: int) -> bool:
    """True when every cell of 0-based ``row`` of ``table`` is blank (``Checker.is_blank``), as most rows of a table
    are: a quick way past the row before its places are worked out."""
    area = areas[table.name]
    assert area is not None
    sheet, number, raw = area.sheet, area.first_row + row, checker.raw
    for column in range(area.first_column, area.last_column + 1):  # Checker.blank_at, without a call per cell
        found = raw.get((sheet, number, column))
        if found is not None and (found.formula is not None or not blank(found.value)):
            return False
    return True


def read_pricing(checker: Checker, table: TableSpec, areas: dict[str, Area | None]) -> Decimal | None:
    """The total price: the sum of the pricing lines. ``None`` if any line is wrong or none is filled in."""
    before = len(checker.errors)
    total = Decimal(0)
    lines = 0
    for row in _rows(table, areas):
        if _blank_row(checker, table, areas, row):
            continue
        description = table_place(table, areas, row, "description")
        amount = table_place(table, areas, row, "amount_gbp")
        if checker.is_blank(description) and checker.is_blank(amount):
            continue
        lines += 1
        text = checker.text(description, required=True, missing="Describe what this line prices.", limit=500)
        value = checker.quantity(amount, GBP_RULE)
        if value is None and checker.is_blank(amount):
            checker.error(amount, f"Enter the amount in £ for '{(text or '').strip()}' (0 if it is included).")
        total += value or 0
    first = table_place(table, areas, 0, "amount_gbp")
    if lines == 0:
        checker.error(first, "Enter your price: at least one line with its amount in £.")
    elif len(checker.errors) == before and total <= 0:
        checker.error(first, "Your total price is £0: enter the amount of each line.")
    elif total > MAX_TOTAL:
        checker.error(first, f"The lines add up to {total:,}, more than any contract this service accepts.")
    return total if len(checker.errors) == before else None


def read_partners(
    checker: Checker, table: TableSpec, areas: dict[str, Area | None], places: list[tuple[str, str]] | None = None
) -> tuple[tuple[VcsePartner, ...] | None, list[Decimal] | None]:
    """(partners, £ values of the rows). Partners is ``None`` if any row is wrong; the values are still known (so
    the VCSE share is checked in the same pass) unless a £ value itself is wrong. One identifier named on two rows is
    an error at the second: one organisation's part is one row, so it is confirmed once and counted once.

    ``places``, if given, receives each partner's identifier cell (``("VCSE partners", "C5")``) in order."""
    before = len(checker.errors)
    partners: list[VcsePartner] = []
    values: list[Decimal] | None = []
    seen: dict[OrgId, Place] = {}
    for row in _rows(table, areas):
        if _blank_row(checker, table, areas, row):
            continue
        places_of_row = {field: table_place(table, areas, row, field) for field in table.columns}
        if all(checker.is_blank(place) for place in places_of_row.values()):
            continue
        partner, value, identifier = _partner(checker, places_of_row)
        if identifier is not None:
            first = seen.setdefault(identifier, places_of_row["identifier"])
            if first is not places_of_row["identifier"]:
                checker.error(
                    places_of_row["identifier"],
                    f"{identifier} is already named at {first.sheet}!{coordinate(first.row, first.column)}: give "
                    "each partner one row, with the whole of its £ value and its role.",
                )
                partner = None
        if partner is not None:
            partners.append(partner)
            if places is not None:
                at = places_of_row["identifier"]
                places.append((at.sheet, coordinate(at.row, at.column)))
        values = None if values is None or value is None else [*values, value]
    return (tuple(partners) if len(checker.errors) == before else None), values


def _partner(checker: Checker, places: dict[str, Place]) -> tuple[VcsePartner | None, Decimal | None, OrgId | None]:
    before = len(checker.errors)
    name = checker.text(
        places["name"], required=True, limit=300, missing="Enter the partner organisation's name for this row."
    )
    identifier = checker.orgid(places["identifier"])
    if checker.is_blank(places["identifier"]):
        checker.error(
            places["identifier"],
            "Enter the partner's organisation identifier: the register's code and its number, such as GB-CHC-1123456 "
            "for a charity in England and Wales or GB-COH-01234567 for a company.",
        )
    value = checker.quantity(places["value_gbp"], GBP_RULE)
    if checker.is_blank(places["value_gbp"]):
        checker.error(places["value_gbp"], "Enter the £ value of this partner's share of the work.")
    elif value is not None and value <= 0:
        checker.error(places["value_gbp"], "A partner's £ value must be above £0: delete the row if it is not paid.")
        value = None
    pathway = checker.text(places["pathway"], required=False, missing="", limit=300)
    role = checker.text(
        places["role"],
        required=True,
        limit=MAX_ROLE,
        missing="Say in a few words what this partner will deliver: the partner is asked to confirm it.",
    )
    if len(checker.errors) != before or name is None or value is None or identifier is None or role is None:
        return None, value, identifier
    partner = VcsePartner(
        name=name.strip(),
        value_gbp=value,
        pathway=pathway.strip() if pathway else None,
        identifier=str(identifier),
        role=role.strip(),
    )
    return partner, value, identifier


def check_vcse_share(
    checker: Checker,
    rubric: Rubric,
    layout: TemplateLayout,
    areas: dict[str, Area | None],
    stated: Decimal | None,
    values: list[Decimal] | None,
    price: Decimal | None,
) -> Decimal | None:
    """The computed VCSE share (percent); records an error where the stated share disagrees with it."""
    if values is None or price is None or price <= 0:
        return None
    partners = [VcsePartner(f"row {i}", value) for i, value in enumerate(values, start=1)]
    share = vcse_share(partners, price)
    cell = next((c for c in layout.commitments if c.criterion_id == rubric.vcse_criterion), None)
    area = areas[cell.name] if cell else None
    if stated is None or cell is None or area is None:
        return share
    problem = vcse_share_disagreement(stated, partners, price)
    if problem is not None:
        place = Place(area.sheet, area.first_row, area.first_column, cell.field, cell.criterion_id)
        checker.error(place, f"{problem} Correct the share here or the partners' £ values.")
    return share
