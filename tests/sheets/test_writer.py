"""The response template: its sheets, names, protection, validation, and text that never becomes a formula."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from tenderscore.core.rubric import Criterion, CriterionKind, Rubric, Section, SectionCategory
from tenderscore.core.ukdates import uk_time
from tenderscore.sheets import TemplateIdentity, read_workbook, template_layout, write_template
from tenderscore.sheets.instructions import disqualifiers
from tests.sheets.fixtures import good_bid, identity
from tests.sheets.xlsx_tools import parts

VISIBLE = ["Instructions", "Bidder details", "Quality", "Declarations", "Commitments", "Pricing", "VCSE partners"]


@pytest.fixture(scope="module")
def wb(template: bytes) -> Workbook:
    return load_workbook(io.BytesIO(template))


def test_sheets_in_order_and_the_identity_sheet_very_hidden(wb: Workbook) -> None:
    assert wb.sheetnames == [*VISIBLE, "_tenderscore"]
    assert all(wb[name].sheet_state == "visible" for name in VISIBLE)
    assert wb["_tenderscore"].sheet_state == "veryHidden"
    hidden = wb["_tenderscore"]
    assert [hidden["B1"].value, hidden["B2"].value, hidden["B3"].value] == ["PRB-2026-001", "1", "sha256:" + "ab" * 32]
    assert hidden["A4"].value == "template_form" and hidden["B4"].value == "2"
    assert wb.defined_names["ts_template_form"].attr_text == "'_tenderscore'!$B$4"


def test_partners_sheet_asks_for_identifier_value_service_and_role(wb: Workbook) -> None:
    ws = wb["VCSE partners"]
    headings = [ws.cell(row=4, column=c).value for c in range(1, 7)]
    assert headings == [
        "No", "Organisation name", "Identifier (org-id)", "Value (£)", "Service or pathway", "Role: what it delivers"
    ]  # fmt: skip
    note = str(ws["A3"].value)
    for code, form in [
        ("GB-CHC", "6 or 7 digits, e.g. GB-CHC-1123456"),
        ("GB-SC", "SC and 6 digits, e.g. GB-SC-SC012345"),
        ("GB-NIC", "e.g. GB-NIC-100123"),
        ("GB-COH", "e.g. GB-COH-01234567"),
        ("GB-MPR", "e.g. GB-MPR-30421R"),
    ]:
        assert f"{code} (" in note and form in note, code
    assert ws["D5"].number_format == '"£"#,##0.00' and ws["C5"].number_format == "@"


def test_every_answer_cell_and_table_is_a_defined_name(wb: Workbook, rubric: Rubric) -> None:
    layout = template_layout(rubric)
    names = set(wb.defined_names.keys())
    assert {c.name for c in layout.cells} | {"price_lines", "vcse_partners", "ts_pathways"} == names
    assert wb.defined_names["ans_q1"].attr_text == "'Quality'!$G$5"
    assert wb.defined_names["ans_q3_drugs"].attr_text == "'Quality'!$G$7"
    assert wb.defined_names["vcse_partners"].attr_text == "'VCSE partners'!$B$5:$F$34"
    assert wb.defined_names["bidder_email"].attr_text == "'Bidder details'!$B$9"


def test_defined_names_are_seen_by_openpyxl_in_read_only_mode(template: bytes) -> None:
    wb = load_workbook(io.BytesIO(template), read_only=True)
    assert wb.defined_names["commit_sv_vcse"].attr_text == "'Commitments'!$G$5"
    wb.close()


def test_labels_locked_answer_cells_unlocked_no_password(wb: Workbook, rubric: Rubric) -> None:
    for name in VISIBLE:
        assert wb[name].protection.sheet and not wb[name].protection.password
    for cell in template_layout(rubric).cells:
        if cell.sheet != "_tenderscore":
            assert wb[cell.sheet].cell(row=cell.row, column=cell.column).protection.locked is False, cell.name
    assert wb["Quality"]["D5"].protection.locked is True
    assert wb["VCSE partners"]["E34"].protection.locked is False
    assert wb.security is not None and wb.security.lockStructure


def test_it_looks_like_a_professional_template(wb: Workbook) -> None:
    quality = wb["Quality"]
    assert quality.freeze_panes == "A5"
    assert quality.column_dimensions["G"].width == 90
    assert quality["G5"].alignment.wrap_text and quality.row_dimensions[5].height >= 120
    assert quality["A4"].font.bold and quality["A4"].fill.fgColor.rgb.endswith("1F3864")
    assert wb["Pricing"]["C5"].number_format == '"£"#,##0.00'


def test_data_validation(wb: Workbook) -> None:
    declarations = wb["Declarations"].data_validations.dataValidation
    assert any(v.type == "list" and v.formula1 == '"Yes,No"' and "E5" in str(v.sqref) for v in declarations)
    commitments = {str(v.sqref): v for v in wb["Commitments"].data_validations.dataValidation}
    assert commitments["G5"].type == "decimal" and commitments["G5"].formula2 == "100"
    assert commitments["G6"].formula1 == "0"
    pricing = wb["Pricing"].data_validations.dataValidation
    assert any(v.type == "decimal" and "C5" in str(v.sqref) for v in pricing)


def test_pathways_drop_down_lists_the_rubrics_pathways(wb: Workbook) -> None:
    assert wb.defined_names["ts_pathways"].attr_text == "'_tenderscore'!$D$1:$D$3"
    assert [wb["_tenderscore"].cell(row=r, column=4).value for r in (1, 2, 3)] == [
        "Accommodation",
        "ETE",
        "Drugs and alcohol",
    ]
    (choose,) = [v for v in wb["VCSE partners"].data_validations.dataValidation if v.type == "list"]
    assert choose.formula1 == "ts_pathways" and "E5:E34" in str(choose.sqref) and not choose.showErrorMessage


def test_convenience_totals_are_formulas_outside_the_answer_cells(wb: Workbook) -> None:
    assert wb["Pricing"]["C25"].value == "=SUM(C5:C24)"
    assert wb["VCSE partners"]["D35"].value == "=SUM(D5:D34)"
    assert str(wb["Quality"]["H5"].value).startswith("=IF(LEN(")


def test_rubric_text_starting_with_equals_is_written_as_text(rubric: Rubric, tender: TemplateIdentity) -> None:
    hostile = replace(
        rubric,
        sections=tuple(
            replace(s, criteria=tuple(replace(c, title='=HYPERLINK("http://x")', question="=1+1") for c in s.criteria))
            for s in rubric.sections
        ),
    )
    data = write_template(hostile, replace(tender, title="=cmd|' /C calc'!A0", buyer="@SUM(1)"))
    sheets = b"".join(v for k, v in parts(data).items() if k.startswith("xl/worksheets/"))
    assert (
        b"HYPERLINK" in sheets and b"<f>HYPERLINK" not in sheets and b"<f>1+1" not in sheets and b"<f>cmd" not in sheets
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb["Quality"]["B5"].data_type == "s" and wb["Quality"]["B5"].value == '=HYPERLINK("http://x")'


def test_instructions_name_the_deadline_in_uk_time_and_what_disqualifies(wb: Workbook) -> None:
    text = "\n".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "30 June 2026, midday BST" in text
    assert "d1 Insurance: answering No excludes the bid." in text
    assert "d2 Convictions: answering Yes excludes the bid." in text
    assert "sv_vcse VCSE share: a commitment below 15.0% excludes the bid." in text
    assert "q1 Accommodation: an agreed score below 2 (Fair) out of 5 excludes the bid." in text
    assert "within 0.5 percentage points" in text


def test_uk_time_in_winter_and_summer() -> None:
    assert uk_time(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == "15 January 2026, midday GMT"
    assert uk_time(datetime(2026, 7, 15, 11, 0, tzinfo=UTC)) == "15 July 2026, midday BST"
    with pytest.raises(ValueError, match="aware"):
        uk_time(datetime(2026, 7, 15, 11, 0))


def test_disqualifiers_cover_every_gate(rubric: Rubric) -> None:
    lines = disqualifiers(rubric)
    assert sum("excludes the bid" in line for line in lines) == 4  # d1, d2, sv_vcse minimum, q1 minimum
    assert lines[-1] == "A bid received after the deadline is not accepted."


def test_template_bytes_depend_on_content_only(rubric: Rubric, tender: TemplateIdentity) -> None:
    assert write_template(rubric, tender) == write_template(rubric, tender)
    assert write_template(rubric, tender) != write_template(rubric, replace(tender, template_version=2))


def test_criterion_ids_that_collide_as_names_are_refused() -> None:
    section = Section(
        "s",
        "S",
        SectionCategory.QUALITY,
        (
            Criterion("a-b", "One", CriterionKind.SCORED, Decimal(50)),
            Criterion("A_B", "Two", CriterionKind.SCORED, Decimal(50)),
        ),
    )
    with pytest.raises(ValueError, match="same defined name"):
        template_layout(Rubric("r", "R", sections=(section,)))


def test_rubric_with_only_quality_questions_has_no_pricing_sheet() -> None:
    section = Section("s", "S", SectionCategory.QUALITY, (Criterion("q", "Q", CriterionKind.SCORED, Decimal(100)),))
    rubric = Rubric("r", "R", sections=(section,))
    data = write_template(rubric, identity())
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Instructions", "Bidder details", "Quality", "VCSE partners", "_tenderscore"]
    from tenderscore.sheets import fill_template

    reading = read_workbook(fill_template(data, replace(good_bid(rubric), partners=())), rubric, identity())
    assert reading.errors == () and reading.response is not None and reading.response.price is None
