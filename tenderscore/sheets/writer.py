"""The response template: one ``.xlsx`` per published tender, every answer cell a defined name."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.core.orgid import SCHEMES
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric, Unit
from tenderscore.sheets import style
from tenderscore.sheets.instructions import disqualifiers, heading_lines, how_to_fill_in
from tenderscore.sheets.layout import (
    BIDDER,
    BIDDER_FIELDS,
    COMMITMENTS,
    DECLARATIONS,
    HEADER_ROW,
    HIDDEN,
    INSTRUCTIONS,
    PARTNERS,
    PRICING,
    QUALITY,
    TEMPLATE_FORM,
    TOTAL_FIELDS,
    WORD_COUNT_OFFSET,
    AnswerCell,
    TableSpec,
    TemplateIdentity,
    TemplateLayout,
    template_layout,
    total_formula,
    word_count_formula,
)
from tenderscore.sheets.quantities import UNIT_RULES, format_unit

PATHWAY_LIST = "ts_pathways"  # a defined name over the hidden sheet's list of pathways
PATHWAY_COLUMN = 4


def write_template(rubric: Rubric, identity: TemplateIdentity) -> bytes:
    """The response template for ``rubric`` under ``identity``, as ``.xlsx`` bytes."""
    layout = template_layout(rubric)
    wb = Workbook()
    _instructions(wb.active, rubric, identity)
    _bidder_details(wb.create_sheet(BIDDER), layout)
    if layout.answers:
        _quality(wb.create_sheet(QUALITY), rubric, layout)
    if layout.declarations:
        _declarations(wb.create_sheet(DECLARATIONS), rubric, layout)
    if layout.commitments:
        _commitments(wb.create_sheet(COMMITMENTS), rubric, layout)
    if layout.pricing:
        _pricing(wb.create_sheet(PRICING), rubric, layout.pricing)
    _partners(wb.create_sheet(PARTNERS), rubric, layout)
    pathways = _pathways(rubric)
    _hidden(wb.create_sheet(HIDDEN), layout, identity, pathways)
    if pathways:
        _define(wb, PATHWAY_LIST, HIDDEN, 1, PATHWAY_COLUMN, len(pathways), PATHWAY_COLUMN)
    for cell in layout.cells:
        _define(wb, cell.name, cell.sheet, cell.row, cell.column, cell.row, cell.column)
    for table in layout.tables:
        last_row, last_column = table.first_row + table.rows - 1, table.first_column + len(table.columns) - 1
        _define(wb, table.name, table.sheet, table.first_row, table.first_column, last_row, last_column)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.calculation.fullCalcOnLoad = True  # our convenience totals have no cached value until calculated
    return style.save_stable(wb)


def _pathways(rubric: Rubric) -> list[str]:
    return list(dict.fromkeys(c.pathway for c in rubric.criteria if c.pathway))  # rubric order, no repeats


def _define(wb: Workbook, name: str, sheet: str, row: int, column: int, last_row: int, last_column: int) -> None:
    first = absolute_coordinate(f"{get_column_letter(column)}{row}")
    last = absolute_coordinate(f"{get_column_letter(last_column)}{last_row}")
    ref = first if first == last else f"{first}:{last}"
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet)}!{ref}")


def _instructions(ws: Worksheet, rubric: Rubric, identity: TemplateIdentity) -> None:
    ws.title = INSTRUCTIONS
    style.title(ws, f"Response template: {identity.title}", "Read this sheet first. Answer on the sheets that follow.")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 110
    row = 4
    for name, value in heading_lines(rubric, identity):
        style.label(ws, row, 1, name, bold=True)
        style.put_text(ws, row, 2, value)
        row += 1
    for heading, lines in (("How to fill in", how_to_fill_in(rubric)), ("What excludes a bid", disqualifiers(rubric))):
        row += 1
        style.put_text(ws, row, 1, heading).font = style.BOLD_FONT
        for line in lines:
            row += 1
            style.put_text(ws, row, 2, line)
    style.protect(ws)


def _bidder_details(ws: Worksheet, layout: TemplateLayout) -> None:
    style.title(ws, "Bidder details", "The lead bidder: the organisation that will sign the contract.")
    style.headers(ws, HEADER_ROW, ["Detail", "Your answer"], [46, 70])
    for cell, (_field, text, required) in zip(layout.bidder, BIDDER_FIELDS, strict=True):
        style.label(ws, cell.row, 1, text + ("" if required else " (optional)"))
        style.answer_cell(ws, cell.row, cell.column)
    ws.row_dimensions[layout.bidder[-1].row].height = 60
    style.protect(ws)


def _row_height(word_limit: int | None) -> float:
    return float(min(409, max(120, (word_limit or 300) * 1.0)))  # Excel's tallest row is 409 points


def _quality(ws: Worksheet, rubric: Rubric, layout: TemplateLayout) -> None:
    style.title(ws, "Quality", "One answer per question, within its word limit. The word count is a guide.")
    style.headers(
        ws,
        HEADER_ROW,
        ["Ref", "Criterion", "Pathway", "Question", "Guidance", "Word limit", "Your answer", "Words"],
        [9, 22, 18, 42, 36, 9, 90, 8],
    )
    for cell, c in zip(layout.answers, rubric.of_kind(CriterionKind.SCORED), strict=True):
        _criterion_labels(ws, cell, c, [c.pathway or "", c.question, c.guidance])
        style.label(ws, cell.row, 6, "" if c.word_limit is None else str(c.word_limit))
        style.answer_cell(ws, cell.row, cell.column)
        answer_ref = f"{get_column_letter(cell.column)}{cell.row}"
        words = ws.cell(row=cell.row, column=cell.column + WORD_COUNT_OFFSET, value=word_count_formula(answer_ref))
        words.font, words.fill, words.border, words.alignment = (
            style.BODY_FONT,
            style.LABEL_FILL,
            style.BOX,
            style.WRAP_TOP,
        )
        ws.row_dimensions[cell.row].height = _row_height(c.word_limit)
    style.protect(ws)


def _criterion_labels(ws: Worksheet, cell: AnswerCell, criterion: Criterion, texts: list[str]) -> None:
    for column, text in enumerate([criterion.id, criterion.title, *texts], start=1):
        style.label(ws, cell.row, column, text, bold=column == 1)


def _declarations(ws: Worksheet, rubric: Rubric, layout: TemplateLayout) -> None:
    style.title(ws, "Declarations", "Choose Yes or No for each statement. A wrong answer excludes the bid.")
    style.headers(
        ws, HEADER_ROW, ["Ref", "Declaration", "Statement", "Answer that passes", "Your answer"], [9, 26, 70, 12, 14]
    )
    yes_no = DataValidation(
        type="list", formula1='"Yes,No"', allow_blank=True, showErrorMessage=True,
        errorTitle="Yes or No", error="Choose Yes or No from the list.",
    )  # fmt: skip
    ws.add_data_validation(yes_no)
    for cell, c in zip(layout.declarations, rubric.of_kind(CriterionKind.PASS_FAIL), strict=True):
        _criterion_labels(ws, cell, c, [c.question or c.title, "Yes" if c.expected else "No"])
        yes_no.add(style.answer_cell(ws, cell.row, cell.column))
        ws.row_dimensions[cell.row].height = 60
    style.protect(ws)


def _decimal_validation(unit_maximum: Decimal, places: int, label: str) -> DataValidation:
    return DataValidation(
        type="whole" if places == 0 else "decimal", operator="between", formula1="0", formula2=str(unit_maximum),
        allow_blank=True, showErrorMessage=True, errorTitle="A number",
        error=f"Enter a number from 0 to {unit_maximum:,} ({label}).",
    )  # fmt: skip


def _commitments(ws: Worksheet, rubric: Rubric, layout: TemplateLayout) -> None:
    style.title(ws, "Social-value commitments", "Enter each commitment as a number in the unit shown.")
    style.headers(
        ws,
        HEADER_ROW,
        ["Ref", "Commitment", "Measure", "Unit", "Mandatory minimum", "Question and guidance", "Your commitment"],
        [9, 26, 26, 9, 14, 60, 16],
    )
    for cell, c in zip(layout.commitments, rubric.of_kind(CriterionKind.COMMITMENT), strict=True):
        measure = rubric.measure(c.measure) if c.measure else None
        unit = measure.unit if measure else None
        minimum = format_unit(c.mandatory_minimum, unit) if unit and c.mandatory_minimum is not None else "none"
        text = "\n\n".join(t for t in (c.question, c.guidance) if t)
        rule = UNIT_RULES[unit] if unit else None
        _criterion_labels(ws, cell, c, [measure.name if measure else "", rule.label if rule else "", minimum, text])
        answer = style.answer_cell(ws, cell.row, cell.column, style.NUMBER_FORMAT)
        if rule:
            validation = _decimal_validation(rule.maximum, rule.places, rule.label)
            ws.add_data_validation(validation)
            validation.add(answer)
        ws.row_dimensions[cell.row].height = 60
    style.protect(ws)


def _table_rows(table: TableSpec) -> range:
    return range(table.first_row, table.first_row + table.rows)


def _pricing(ws: Worksheet, rubric: Rubric, table: TableSpec) -> None:
    prices = rubric.of_kind(CriterionKind.PRICE)
    note = prices[0].question if prices and prices[0].question else "Your price for the whole contract term."
    style.title(ws, "Pricing", note)
    style.headers(ws, HEADER_ROW, ["Line", "Description", "Amount (£, whole contract)"], [7, 70, 22])
    validation = _decimal_validation(UNIT_RULES[Unit.GBP].maximum, 2, "£")
    ws.add_data_validation(validation)
    for i, row in enumerate(_table_rows(table), start=1):
        style.label(ws, row, 1, str(i))
        style.answer_cell(ws, row, 2)
        style.answer_cell(ws, row, 3, style.GBP_FORMAT)
    total_row = table.first_row + table.rows
    validation.add(f"C{table.first_row}:C{total_row - 1}")
    style.label(ws, total_row, 2, "Total (shown for your convenience; tenderscore adds up the lines itself)", bold=True)
    ws.row_dimensions[total_row].height = 30
    total = _total(ws, table, total_row)
    total.number_format, total.font = style.GBP_FORMAT, style.BOLD_FONT
    style.protect(ws)


def _total(ws: Worksheet, table: TableSpec, total_row: int) -> Cell:
    column = table.first_column + table.columns.index(TOTAL_FIELDS[table.name])
    formula = total_formula(get_column_letter(column), table.first_row, total_row - 1)
    return ws.cell(row=total_row, column=column, value=formula)


def _partners(ws: Worksheet, rubric: Rubric, layout: TemplateLayout) -> None:
    table = layout.partners
    style.title(
        ws, "VCSE partners", "Voluntary, community and social enterprise organisations delivering part of the contract."
    )
    note = style.put_text(ws, 3, 1, identifier_note())
    note.font, note.alignment = style.BODY_FONT, Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=6)
    ws.row_dimensions[3].height = 62
    style.headers(
        ws,
        HEADER_ROW,
        ["No", "Organisation name", "Identifier (org-id)", "Value (£)", "Service or pathway", "Role: what it delivers"],
        [6, 40, 22, 18, 34, 48],
    )
    validation = _decimal_validation(UNIT_RULES[Unit.GBP].maximum, 2, "£")
    ws.add_data_validation(validation)
    choose = _pathway_validation(ws, _pathways(rubric))
    value = get_column_letter(table.first_column + table.columns.index("value_gbp"))
    pathway = get_column_letter(table.first_column + table.columns.index("pathway"))
    for i, row in enumerate(_table_rows(table), start=1):
        style.label(ws, row, 1, str(i))
        for j, field in enumerate(table.columns):
            number_format = style.GBP_FORMAT if field == "value_gbp" else style.TEXT_FORMAT
            style.answer_cell(ws, row, table.first_column + j, number_format)
    total_row = table.first_row + table.rows
    validation.add(f"{value}{table.first_row}:{value}{total_row - 1}")
    if choose:
        choose.add(f"{pathway}{table.first_row}:{pathway}{total_row - 1}")
    style.label(ws, total_row, 2, "Total (shown for your convenience; tenderscore adds up the rows itself)", bold=True)
    ws.row_dimensions[total_row].height = 30
    total = _total(ws, table, total_row)
    total.number_format, total.font = style.GBP_FORMAT, style.BOLD_FONT
    style.protect(ws)


def identifier_note() -> str:
    """The partners sheet's note on identifiers: each register's code and the form of its numbers."""
    forms = "; ".join(f"{s.code} ({s.register}): {s.expected}, e.g. {s.example}" for s in SCHEMES)
    return (
        "Identifier: the register's code, a hyphen, then the organisation's number on that register. "
        f"{forms}. Role: what the partner will deliver, in a few words; each partner is asked to confirm it."
    )


def _pathway_validation(ws: Worksheet, pathways: list[str]) -> DataValidation | None:
    """A drop-down of the rubric's pathways, listed on the hidden sheet (an inline list cannot hold commas)."""
    if not pathways:
        return None
    validation = DataValidation(
        type="list", formula1=f"{PATHWAY_LIST}", allow_blank=True, showErrorMessage=False
    )  # free text stays possible: a partner may serve something the list does not name
    ws.add_data_validation(validation)
    return validation


def _hidden(ws: Worksheet, layout: TemplateLayout, identity: TemplateIdentity, pathways: list[str]) -> None:
    values = {
        "tender_reference": identity.tender_reference,
        "template_version": str(identity.template_version),
        "rubric_hash": identity.rubric_hash,
        "template_form": str(TEMPLATE_FORM),
    }
    for cell in layout.identity:
        style.put_text(ws, cell.row, 1, cell.field)
        style.put_text(ws, cell.row, cell.column, values[cell.field])
    for row, pathway in enumerate(pathways, start=1):
        style.put_text(ws, row, PATHWAY_COLUMN, pathway)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
