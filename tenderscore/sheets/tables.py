"""The two tables of a response: pricing lines and VCSE partners, and the check that ties them together.

Totals are computed here from the rows, never read from the sheet's total cells: a file written by a script
caches no total (or a zero), and a cached value can be edited to say anything.
"""

from __future__ import annotations

from decimal import Decimal

from tenderscore.core.responses import VcsePartner
from tenderscore.core.rubric import Rubric, Unit
from tenderscore.sheets.cells import Checker, Place
from tenderscore.sheets.layout import TableSpec, TemplateLayout
from tenderscore.sheets.ooxml import Area
from tenderscore.sheets.quantities import GBP_RULE, UNIT_RULES, format_quantity, round_half_up
from tenderscore.sheets.vcse import share_disagreement, vcse_share

MAX_TOTAL = Decimal(10) ** 12
_PERCENT = UNIT_RULES[Unit.PERCENT]


def table_place(table: TableSpec, areas: dict[str, Area | None], row: int, field: str) -> Place:
    """The place of ``field`` on 0-based ``row`` of ``table``, where the workbook's defined name puts it."""
    area = areas[table.name]
    assert area is not None  # the reader checked every table's shape first
    return Place(area.sheet, area.first_row + row, area.first_column + table.columns.index(field), field)


def _rows(table: TableSpec, areas: dict[str, Area | None]) -> range:
    area = areas[table.name]
    assert area is not None
    return range(min(area.rows, table.rows))  # never more than the template defines


def read_pricing(checker: Checker, table: TableSpec, areas: dict[str, Area | None]) -> Decimal | None:
    """The total price: the sum of the pricing lines. ``None`` if any line is wrong or none is filled in."""
    before = len(checker.errors)
    total = Decimal(0)
    lines = 0
    for row in _rows(table, areas):
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


def read_partners(checker: Checker, table: TableSpec, areas: dict[str, Area | None]) -> tuple[VcsePartner, ...] | None:
    """The VCSE partners listed, in row order; ``None`` if any row is wrong."""
    before = len(checker.errors)
    partners: list[VcsePartner] = []
    for row in _rows(table, areas):
        places = {field: table_place(table, areas, row, field) for field in table.columns}
        if all(checker.is_blank(place) for place in places.values()):
            continue
        partner = _partner(checker, places)
        if partner is not None:
            partners.append(partner)
    return tuple(partners) if len(checker.errors) == before else None


def _partner(checker: Checker, places: dict[str, Place]) -> VcsePartner | None:
    before = len(checker.errors)
    name = checker.text(
        places["name"], required=True, limit=300, missing="Enter the partner organisation's name for this row."
    )
    charity = checker.identifier(places["charity_number"], charity=True)
    company = checker.identifier(places["company_number"], charity=False)
    if checker.is_blank(places["charity_number"]) and checker.is_blank(places["company_number"]):
        checker.error(places["charity_number"], "Enter the partner's charity number or company number.")
    value = checker.quantity(places["value_gbp"], GBP_RULE)
    if checker.is_blank(places["value_gbp"]):
        checker.error(places["value_gbp"], "Enter the £ value of this partner's share of the work.")
    elif value is not None and value <= 0:
        checker.error(places["value_gbp"], "A partner's £ value must be above £0: delete the row if it is not paid.")
    pathway = checker.text(places["pathway"], required=False, missing="", limit=300)
    if len(checker.errors) != before or name is None or value is None:
        return None
    return VcsePartner(
        name=name.strip(),
        value_gbp=value,
        charity_number=charity,
        company_number=company,
        pathway=pathway.strip() if pathway else None,
    )


def check_vcse_share(
    checker: Checker,
    rubric: Rubric,
    layout: TemplateLayout,
    areas: dict[str, Area | None],
    stated: Decimal | None,
    partners: tuple[VcsePartner, ...] | None,
    price: Decimal | None,
) -> Decimal | None:
    """The computed VCSE share (percent); records an error where the stated share disagrees with it."""
    if partners is None or price is None or price <= 0:
        return None
    share = vcse_share(partners, price)
    cell = next((c for c in layout.commitments if c.criterion_id == rubric.vcse_criterion), None)
    area = areas[cell.name] if cell else None
    if stated is None or cell is None or area is None:
        return share
    problem = share_disagreement(stated, partners, price)
    if problem is not None:
        total = sum((p.value_gbp for p in partners), Decimal(0))
        place = Place(area.sheet, area.first_row, area.first_column, cell.field, cell.criterion_id)
        checker.error(
            place,
            f"You state a VCSE share of {format_quantity(stated, _PERCENT)}, but the partners you list "
            f"({format_quantity(total, GBP_RULE)}) are {round_half_up(share, 2)}% of your total price "
            f"({format_quantity(price, GBP_RULE)}). The two must agree within 0.5 percentage points: correct the "
            "share here or the partners' £ values.",
        )
    return share
