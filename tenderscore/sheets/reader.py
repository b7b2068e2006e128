"""Reading a filled response workbook: bytes in, a validated ``BidResponse`` or cell-referenced errors out.

The workbook is guarded first (``guard.py``), then its cells are found by defined name and every value is
checked. Hostile or unreadable files raise ``WorkbookRejected``; everything wrong with the *content* comes back as
``CellError``s, all of them at once, so the bidder can fix the lot in one go.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from tenderscore.core.responses import BidResponse
from tenderscore.core.rubric import Rubric
from tenderscore.sheets.cells import Checker, Place
from tenderscore.sheets.formulas import check_formulas
from tenderscore.sheets.guard import DEFAULT_LIMITS, GuardLimits, check_archive, open_archive
from tenderscore.sheets.layout import (
    FORM_NAME,
    HIDDEN,
    TEMPLATE_FORM,
    AnswerCell,
    CellKind,
    TemplateIdentity,
    TemplateLayout,
    template_layout,
)
from tenderscore.sheets.ooxml import Area, Package
from tenderscore.sheets.quantities import UNIT_RULES, UnitRule
from tenderscore.sheets.reading import BidderDetails, WorkbookReading
from tenderscore.sheets.tables import check_vcse_share, read_partners, read_pricing

DEFAULT_RULE = UnitRule("number", Decimal(10) ** 12, 3)
NOT_A_TEMPLATE = (
    "This is not a tenderscore response template, or it was altered: copy your answers into a fresh copy of "
    "the template downloaded from the tender."
)


def read_workbook(
    data: bytes,
    rubric: Rubric,
    identity: TemplateIdentity,
    *,
    bid_id: str | None = None,
    limits: GuardLimits = DEFAULT_LIMITS,
) -> WorkbookReading:
    """Read and validate a response workbook for the tender ``identity`` evaluated with ``rubric``.

    Raises ``WorkbookRejected`` for a file that is hostile or cannot be read at all. Otherwise returns every
    problem as a ``CellError``; ``response`` is set only when there is none. ``bid_id`` defaults to the first
    16 hex digits of the file's SHA-256.
    """
    layout = template_layout(rubric)
    with open_archive(data, limits) as archive:
        check_archive(archive)
        package = Package(archive)
        package.percent_styles()  # a damaged styles part is refused whether or not a percentage is read
        areas = _named_areas(package, layout)
        checker = Checker(package, {})
        if not _identity_in_place(checker, layout, areas):
            return WorkbookReading(None, BidderDetails(), tuple(checker.errors))
        # shapes are checked before any cell is read, so a name stretched over a million rows reads nothing; their
        # errors come after the identity's, which say the file is for another tender or an older template
        shapes = Checker(package, {})
        _check_shapes(shapes, layout, areas)
        package.want(areas[cell.name] for cell in layout.identity)
        if not shapes.errors:
            package.want(areas.values())  # every sheet is then parsed once, for all that is read from it
        _check_identity(checker, layout, identity, areas)
        if checker.errors or shapes.errors:
            return WorkbookReading(None, BidderDetails(), tuple(checker.errors or shapes.errors))
        checker.raw.update(package.read(areas[c.name] for c in layout.cells if c.kind != CellKind.IDENTITY))
        checker.raw.update(package.read(areas[t.name] for t in layout.tables))
        return _validate(checker, rubric, layout, areas, bid_id or hashlib.sha256(data).hexdigest()[:16])


def _named_areas(package: Package, layout: TemplateLayout) -> dict[str, Area | None]:
    """Where the workbook's defined names put every cell and table of ``layout``. Every workbook made from one
    template names the same areas, so the dict is made once per layout and names' texts and shared: never changed
    by its users (``formulas.template_places`` keeps what it works out from it, by its identity)."""
    names = _layout_names(layout)
    texts = tuple(package.names.get(name.casefold()) for name in names)
    key = (id(layout), texts)
    found = _AREAS.get(key)
    if found is not None and found[0] is layout:
        return found[1]
    areas = {name: package.area(name) for name in names}
    if len(_AREAS) >= _MAX_AREAS:
        _AREAS.pop(next(iter(_AREAS)), None)  # the oldest
    _AREAS[key] = (layout, areas)
    return areas


def _layout_names(layout: TemplateLayout) -> list[str]:
    return [cell.name for cell in layout.cells] + [table.name for table in layout.tables]


_AREAS: dict[tuple[int, tuple[str | None, ...]], tuple[TemplateLayout, dict[str, Area | None]]] = {}
_MAX_AREAS = 64


def _identity_in_place(checker: Checker, layout: TemplateLayout, areas: dict[str, Area | None]) -> bool:
    """The hidden sheet's named cells are there, one cell each; otherwise this is not a response template."""
    for cell in layout.identity:
        area = areas[cell.name]
        if area is None and cell.name == FORM_NAME:
            continue  # a template of an earlier form: _check_identity says so
        if area is None or area.rows != 1 or area.columns != 1:
            checker.error(Place(HIDDEN, cell.row, cell.column, cell.field), NOT_A_TEMPLATE)
            return False
    return True


def _check_identity(
    checker: Checker, layout: TemplateLayout, identity: TemplateIdentity, areas: dict[str, Area | None]
) -> None:
    """The hidden sheet must name this tender, this template version and this rubric."""
    found = _identity_values(checker, layout, areas)
    first = layout.identity[0]
    place = Place(HIDDEN, first.row, first.column, "tender_reference")
    reference = identity.tender_reference
    if found["tender_reference"] != reference:
        checker.error(
            place,
            f"This workbook is for tender {found['tender_reference'] or '(none)'}, not {reference}: "
            f"download the response template of {reference} and answer in it.",
        )
    elif found["template_form"] != str(TEMPLATE_FORM):
        checker.error(
            place,
            f"This workbook is an earlier form of the response template for {reference}, which asked for each VCSE "
            "partner's charity or company number. The current template names each partner by its organisation "
            "identifier (such as GB-CHC-1123456) with its role: download the template again and copy your answers "
            "into it.",
        )
    elif found["template_version"] != str(identity.template_version):
        checker.error(
            place,
            f"This workbook is version {found['template_version'] or '(none)'} of the template for {reference}; "
            f"the current version is {identity.template_version}. The questions may have changed: copy your "
            "answers into the current template.",
        )
    elif found["rubric_hash"] != identity.rubric_hash:
        checker.error(
            place,
            f"This workbook's questions do not match those of {reference} (its evaluation model differs): "
            "download the template again and copy your answers into it.",
        )


def _identity_values(checker: Checker, layout: TemplateLayout, areas: dict[str, Area | None]) -> dict[str, str]:
    checker.raw.update(checker.package.read(areas[cell.name] for cell in layout.identity))
    found: dict[str, str] = {}
    for cell in layout.identity:
        area = areas[cell.name]
        if area is None:  # only the form's cell may be missing (_identity_in_place)
            found[cell.field] = ""
            continue
        raw = checker.raw.get((area.sheet, area.first_row, area.first_column))
        value = raw.value if raw is not None and raw.formula is None else None
        found[cell.field] = format(value, "f") if isinstance(value, Decimal) else str(value or "").strip()
    return found


def _check_shapes(checker: Checker, layout: TemplateLayout, areas: dict[str, Area | None]) -> None:
    for cell in layout.cells:
        if cell.kind == CellKind.IDENTITY:
            continue
        area = areas[cell.name]
        if area is None or area.rows != 1 or area.columns != 1 or area.sheet != cell.sheet:
            checker.error(_place(cell), f"The named cell {cell.name} is missing or moved. {NOT_A_TEMPLATE}")
    for table in layout.tables:
        area = areas[table.name]
        place = Place(table.sheet, table.first_row, table.first_column, table.name)
        if area is None or area.sheet != table.sheet or area.columns != len(table.columns):
            checker.error(place, f"The table {table.name} is missing or altered. {NOT_A_TEMPLATE}")
        elif area.rows > table.rows:
            checker.error(
                place,
                f"The table has {area.rows} rows; the template has {table.rows}. Rows were inserted: use only the "
                "template's rows, or ask the buyer if you need more.",
            )


def _place(cell: AnswerCell) -> Place:
    return Place(cell.sheet, cell.row, cell.column, cell.field, cell.criterion_id)


def _at(cell: AnswerCell, areas: dict[str, Area | None]) -> Place:
    area = areas[cell.name]
    assert area is not None  # shapes were checked
    return Place(area.sheet, area.first_row, area.first_column, cell.field, cell.criterion_id)


def _bidder(checker: Checker, layout: TemplateLayout, areas: dict[str, Area | None]) -> BidderDetails:
    places = {cell.field: _at(cell, areas) for cell in layout.bidder}
    return BidderDetails(
        organisation_name=_stripped(
            checker.text(
                places["organisation_name"], required=True, missing="Enter your organisation's name.", limit=200
            )
        ),
        company_number=checker.identifier(places["company_number"], charity=False),
        charity_number=checker.identifier(places["charity_number"], charity=True),
        contact_name=_stripped(
            checker.text(places["contact_name"], required=True, missing="Enter a contact name.", limit=200)
        ),
        email=checker.email(places["email"]),
        address=_stripped(checker.text(places["address"], required=True, missing="Enter your address.", limit=1000)),
    )


def _stripped(text: str | None) -> str | None:
    return text.strip() if text is not None else None


def _answers(checker: Checker, rubric: Rubric, layout: TemplateLayout, areas: dict[str, Area | None]) -> dict[str, str]:
    answers: dict[str, str] = {}
    criteria = {c.id: c for c in rubric.criteria}  # not rubric.criterion: it walks every criterion each time
    for cell in layout.answers:
        criterion = criteria[cell.criterion_id or ""]
        limit = criterion.word_limit
        place = _at(cell, areas)
        missing = "This answer is empty: answer the question" + (f" in at most {limit} words." if limit else ".")
        text = checker.text(place, required=True, missing=missing)
        if text is None:
            continue
        words = len(text.split())
        if limit is not None and words > limit:
            checker.error(place, f"{words} words; the limit is {limit}. Shorten the answer.")
            continue
        answers[criterion.id] = text
    return answers


def _declarations(checker: Checker, layout: TemplateLayout, areas: dict[str, Area | None]) -> dict[str, bool]:
    found = {cell.criterion_id or "": checker.yes_no(_at(cell, areas)) for cell in layout.declarations}
    return {cid: answer for cid, answer in found.items() if answer is not None}


def _commitments(
    checker: Checker, rubric: Rubric, layout: TemplateLayout, areas: dict[str, Area | None]
) -> dict[str, Decimal]:
    commitments: dict[str, Decimal] = {}
    criteria = {c.id: c for c in rubric.criteria}
    for cell in layout.commitments:
        criterion = criteria[cell.criterion_id or ""]
        unit = rubric.measure(criterion.measure).unit if criterion.measure else None
        place = _at(cell, areas)
        if checker.is_blank(place):
            checker.error(place, "Enter your commitment as a number (0 if you commit to none).")
            continue
        value = checker.quantity(place, UNIT_RULES[unit] if unit else DEFAULT_RULE, percent=unit == "percent")
        if value is not None:
            commitments[criterion.id] = value
    return commitments


def _validate(
    checker: Checker, rubric: Rubric, layout: TemplateLayout, areas: dict[str, Area | None], bid_id: str
) -> WorkbookReading:
    bidder = _bidder(checker, layout, areas)
    answers = _answers(checker, rubric, layout, areas)
    declarations = _declarations(checker, layout, areas)
    commitments = _commitments(checker, rubric, layout, areas)
    price = read_pricing(checker, layout.pricing, areas) if layout.pricing else None
    partner_cells: list[tuple[str, str]] = []
    partners, values = read_partners(checker, layout.partners, areas, partner_cells)
    vcse_total = sum(values, Decimal(0)) if values is not None else None
    stated = commitments.get(rubric.vcse_criterion) if rubric.vcse_criterion else None
    share = check_vcse_share(checker, rubric, layout, areas, stated, values, price)
    check_formulas(checker, layout, areas)
    if checker.errors or partners is None:
        return WorkbookReading(None, bidder, tuple(checker.errors), price, vcse_total, stated, share)
    response = BidResponse(
        bid_id=bid_id,
        bidder=bidder.organisation_name or "",
        declarations=declarations,
        commitments=commitments,
        price=price,
        answers=answers,
        vcse_partners=partners,
    )
    return WorkbookReading(response, bidder, (), price, vcse_total, stated, share, tuple(partner_cells))
