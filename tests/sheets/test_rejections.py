"""Each thing the reader refuses, with the cell it names. A refused workbook gives no response at all.

Cells of the test template: Bidder details B5..B10; Quality G5 (q1), G6 (q2), G7 (q3_drugs); Declarations E5 (d1),
E6 (d2); Commitments G5 (sv_vcse, %), G6 (sv_jobs, FTE), G7 (sv_weeks); Pricing B/C from row 5; VCSE partners
B..F (name, identifier, £, pathway, role) from row 5; _tenderscore B1..B4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import FilledBid, Formula, PartnerRow, read_workbook
from tenderscore.sheets.reading import CellError, WorkbookReading
from tests.sheets.fixtures import identity
from tests.sheets.xlsx_tools import edit, replace_cell, rewrite, sheet_part

Read = Callable[[bytes], WorkbookReading]
Fill = Callable[..., bytes]


def only_error(reading: WorkbookReading) -> CellError:
    assert reading.response is None, "a workbook with errors must give no response"
    assert len(reading.errors) == 1, [str(e) for e in reading.errors]
    return reading.errors[0]


def assert_error(reading: WorkbookReading, where: str, *fragments: str) -> CellError:
    error = only_error(reading)
    assert error.where == where, str(error)
    for fragment in fragments:
        assert fragment in error.message, error.message
    assert str(error).startswith(f"{where} (")
    return error


# --- identity -------------------------------------------------------------------------------------------------


def test_workbook_for_another_tender(rubric: Rubric, fill: Fill) -> None:
    reading = read_workbook(fill(), rubric, identity(tender_reference="HSG-2026-009"))
    assert_error(reading, "_tenderscore!B1", "PRB-2026-001", "HSG-2026-009")


def test_workbook_of_another_template_version(rubric: Rubric, fill: Fill) -> None:
    reading = read_workbook(fill(), rubric, identity(template_version=2))
    assert_error(reading, "_tenderscore!B1", "version 1", "current version is 2")


def test_workbook_of_the_first_form_is_refused_by_name(read: Read, fill: Fill) -> None:
    """A template downloaded before partners were named by identifier has no form cell; read column by column, its
    charity numbers would become identifiers and its company numbers £ values."""

    def first_form(wb: Workbook) -> None:
        del wb.defined_names["ts_template_form"]
        wb["_tenderscore"]["B4"].value = None

    error = assert_error(read(edit(fill(), first_form)), "_tenderscore!B1", "an earlier form of the response template")
    assert "GB-CHC-1123456" in error.message and "download the template again" in error.message


def test_workbook_of_another_form_is_refused(read: Read, fill: Fill) -> None:
    def other_form(wb: Workbook) -> None:
        wb["_tenderscore"]["B4"].value = "1"

    assert_error(read(edit(fill(), other_form)), "_tenderscore!B1", "earlier form")


def test_another_tender_is_said_before_the_form(rubric: Rubric, fill: Fill) -> None:
    def first_form(wb: Workbook) -> None:
        del wb.defined_names["ts_template_form"]

    reading = read_workbook(edit(fill(), first_form), rubric, identity(tender_reference="HSG-2026-009"))
    assert_error(reading, "_tenderscore!B1", "not HSG-2026-009")


def test_workbook_for_another_rubric_hash(rubric: Rubric, fill: Fill) -> None:
    reading = read_workbook(fill(), rubric, identity(rubric_hash="sha256:" + "00" * 32))
    assert_error(reading, "_tenderscore!B1", "questions do not match those of PRB-2026-001", "download the template")


def test_workbook_without_the_hidden_sheet_names(read: Read, fill: Fill) -> None:
    def drop(wb: Workbook) -> None:
        del wb.defined_names["ts_tender_reference"]

    assert_error(read(edit(fill(), drop)), "_tenderscore!B1", "not a tenderscore response template")


# --- formulas ---------------------------------------------------------------------------------------------------


def test_formula_in_an_answer(read: Read, fill: Fill) -> None:
    data = fill(cells={"ans_q2": Formula('=CONCATENATE("See ","appendix")')})
    assert_error(read(data), "Quality!G6", "formula", 'CONCATENATE("See ","appendix")', "Type the value itself")


def test_formula_cached_value_is_never_taken(read: Read, fill: Fill) -> None:
    data = replace_cell(fill(), "Commitments", "G5", '<c r="G5"><f>10+10</f><v>20</v></c>')
    error = assert_error(read(data), "Commitments!G5", "formula")
    assert error.criterion_id == "sv_vcse"


def test_formula_in_a_pricing_line(read: Read, fill: Fill) -> None:
    data = replace_cell(fill(), "Pricing", "C6", '<c r="C6"><f>C5/4</f><v>250000.5</v></c>')
    assert_error(read(data), "Pricing!C6", "formula")


def test_shared_formula_cells_are_formulas(read: Read, fill: Fill) -> None:
    data = replace_cell(fill(), "Commitments", "G6", '<c r="G6"><f t="shared" si="0"/><v>4</v></c>')
    assert_error(read(data), "Commitments!G6", "formula")


def test_array_formula_range_covers_answer_cells(read: Read, fill: Fill) -> None:
    data = replace_cell(fill(), "Commitments", "G6", '<c r="G6"><f t="array" ref="G6:G7">{4;5}</f><v>4</v></c>')
    data = replace_cell(data, "Commitments", "G7", '<c r="G7"><v>5</v></c>')
    reading = read(data)
    assert {e.where for e in reading.errors} == {"Commitments!G6", "Commitments!G7"}


def test_array_formula_range_covers_an_empty_answer_cell(read: Read, fill: Fill) -> None:
    """An empty cell is not kept by the scan, except in an array formula's range, where it is the formula's."""
    data = replace_cell(fill(), "Commitments", "G6", '<c r="G6"><f t="array" ref="G6:G7">{4;5}</f><v>4</v></c>')
    data = replace_cell(data, "Commitments", "G7", '<c r="G7" s="0"/>')
    reading = read(data)
    assert {e.where for e in reading.errors} == {"Commitments!G6", "Commitments!G7"}
    assert all("formula" in e.message for e in reading.errors)


# --- numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("lots", "not a number"),
        ("-3", "negative"),
        ("1e3", "not a number"),
        ("12,5", "not a number"),
        ("£4", "remove the '£'"),
    ],
)
def test_commitment_that_is_not_a_usable_number(
    read: Read, fill: Fill, bid: FilledBid, typed: str, fragment: str
) -> None:
    commitments = dict(bid.commitments) | {"sv_jobs": typed}
    assert_error(read(fill(commitments=commitments)), "Commitments!G6", fragment)


def test_negative_number_stored_as_a_number(read: Read, fill: Fill, bid: FilledBid) -> None:
    commitments = dict(bid.commitments) | {"sv_jobs": Decimal(-2)}
    assert_error(read(fill(commitments=commitments)), "Commitments!G6", "negative")


@pytest.mark.parametrize("stored", ["NaN", "INF", "-Infinity", "sNaN"])
def test_nan_and_infinity_are_refused(read: Read, fill: Fill, stored: str) -> None:
    data = replace_cell(fill(), "Commitments", "G6", f'<c r="G6"><v>{stored}</v></c>')
    assert_error(read(data), "Commitments!G6", "infinite or undefined")


def test_percent_over_100_is_absurd(read: Read, fill: Fill, bid: FilledBid) -> None:
    commitments = dict(bid.commitments) | {"sv_vcse": Decimal(150)}
    error = only_error(read(fill(commitments=commitments)))
    assert error.where == "Commitments!G5" and "more than the largest accepted, 100.0%" in error.message


def test_pounds_over_a_trillion_are_absurd(read: Read, fill: Fill) -> None:
    data = fill(price_lines=[("Everything", Decimal(10) ** 13)])
    assert_error(read(data), "Pricing!C5", "more than the largest accepted")


def test_pounds_with_three_decimal_places(read: Read, fill: Fill, bid: FilledBid) -> None:
    lines = [*bid.price_lines[:-1], ("Included", "100.125")]
    assert_error(read(fill(price_lines=lines)), "Pricing!C7", "3 decimal places", "at most 2")


def test_text_amounts_are_read_sensibly(read: Read, fill: Fill, bid: FilledBid) -> None:
    lines = [("Case workers", "£1,000,000.00"), ("Mobilisation", " 250000.50 "), ("Included", "£0")]
    commitments = dict(bid.commitments) | {"sv_vcse": "20%"}
    reading = read(fill(price_lines=lines, commitments=commitments))
    assert reading.errors == ()
    assert reading.price == Decimal("1250000.50") and reading.stated_vcse_share == Decimal(20)


def test_percent_typed_with_a_percent_format_is_a_fraction(read: Read, fill: Fill) -> None:
    def typed_as_percent(wb: Workbook) -> None:
        cell = wb["Commitments"]["G5"]
        cell.value, cell.number_format = 0.2, "0%"  # what Excel stores when "20%" is typed

    reading = read(edit(fill(), typed_as_percent))
    assert reading.errors == () and reading.stated_vcse_share == Decimal(20)


def test_error_value_in_a_number_cell(read: Read, fill: Fill) -> None:
    data = replace_cell(fill(), "Commitments", "G6", '<c r="G6" t="e"><v>#N/A</v></c>')
    assert_error(read(data), "Commitments!G6", "the error #N/A")


def test_date_in_a_number_cell(read: Read, fill: Fill) -> None:
    data = replace_cell(fill(), "Commitments", "G6", '<c r="G6" t="d"><v>2026-01-01T00:00:00</v></c>')
    assert_error(read(data), "Commitments!G6", "a date")


def test_empty_commitment(read: Read, fill: Fill, bid: FilledBid) -> None:
    commitments = {k: v for k, v in bid.commitments.items() if k != "sv_weeks"}
    assert_error(read(fill(commitments=commitments)), "Commitments!G7", "0 if you commit to none")


# --- text -------------------------------------------------------------------------------------------------------


def test_answer_over_the_word_limit(read: Read, fill: Fill, bid: FilledBid) -> None:
    answers = dict(bid.answers) | {"q1": " ".join(["word"] * 412)}
    error = assert_error(read(fill(answers=answers)), "Quality!G5", "412 words; the limit is 400")
    assert error.criterion_id == "q1"


def test_answer_at_the_word_limit_is_accepted(read: Read, fill: Fill, bid: FilledBid) -> None:
    answers = dict(bid.answers) | {"q1": " ".join(["word"] * 400)}
    assert read(fill(answers=answers)).errors == ()


@pytest.mark.parametrize("empty", [None, "", "   \n  "])
def test_empty_required_answer(read: Read, fill: Fill, bid: FilledBid, empty: str | None) -> None:
    answers = dict(bid.answers) | {"q2": empty}
    assert_error(read(fill(answers=answers)), "Quality!G6", "This answer is empty", "400 words")


@pytest.mark.parametrize("typed", ["Maybe", "Y", None, "1"])
def test_declaration_not_yes_or_no(read: Read, fill: Fill, bid: FilledBid, typed: str | None) -> None:
    declarations = dict(bid.declarations) | {"d1": typed}
    assert_error(read(fill(declarations=declarations)), "Declarations!E5", "Choose Yes or No")


def test_declaration_any_case_is_accepted(read: Read, fill: Fill, bid: FilledBid) -> None:
    response = read(fill(declarations={"d1": " yes ", "d2": "NO"})).response
    assert response is not None and response.declarations == {"d1": True, "d2": False}


def test_boolean_in_a_text_cell(read: Read, fill: Fill, bid: FilledBid) -> None:
    assert_error(read(fill(bidder=dict(bid.bidder) | {"contact_name": True})), "Bidder details!B8", "TRUE")


def test_email_that_is_not_one(read: Read, fill: Fill, bid: FilledBid) -> None:
    data = fill(bidder=dict(bid.bidder) | {"email": "sam at example"})
    assert_error(read(data), "Bidder details!B9", "not an email address")


def test_missing_organisation_name(read: Read, fill: Fill, bid: FilledBid) -> None:
    data = fill(bidder=dict(bid.bidder) | {"organisation_name": None})
    assert_error(read(data), "Bidder details!B5", "organisation's name")


# --- identifiers, charity and company numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("GB-CHC-12345", "GB-CHC numbers are 6 or 7 digits, such as GB-CHC-1123456"),
        ("GB-CHC-12345678", "GB-CHC numbers are 6 or 7 digits"),
        ("GB-CHC-SC012345", "SC numbers are Scottish charities: GB-SC-SC012345"),
        ("GB-SC-012345", "GB-SC numbers are SC and 6 digits, such as GB-SC-SC012345"),
        ("GB-SC-SC12345", "GB-SC numbers are SC and 6 digits"),
        ("GB-NIC-12345", "GB-NIC numbers are a number from 100000 (NIC may precede it)"),
        ("GB-COH-XX123456", "GB-COH numbers are 8 characters: 8 digits, or a prefix such as SC, NI or OC"),
        ("GB-COH-123456789", "GB-COH numbers are 8 characters"),
        ("GB-MPR-30421", "GB-MPR numbers are the society number: digits ending R or C"),
        ("1291234", "is not an organisation identifier: write the register's code and the number"),
        ("GB-XYZ-1291234", "is not a register we accept: use GB-CHC, GB-SC, GB-NIC, GB-COH, GB-MPR"),
    ],
)
def test_malformed_identifier_names_the_schemes_form(read: Read, fill: Fill, typed: str, expected: str) -> None:
    partners = [PartnerRow("Aldergate Housing Trust", typed, Decimal("250000.10"), None, "Move-on homes")]
    error = assert_error(read(fill(partners=partners)), "VCSE partners!C5", expected)
    assert error.field == "identifier"


def test_malformed_identifier_on_a_later_row_names_that_row(read: Read, fill: Fill, bid: FilledBid) -> None:
    partners = [*bid.partners[:2], replace(bid.partners[2], identifier="GB-COH-1912345X")]
    assert_error(read(fill(partners=partners)), "VCSE partners!C7", "GB-COH-1912345X is not a Companies House number")


def test_identifier_typed_as_a_number_is_refused(read: Read, fill: Fill, bid: FilledBid) -> None:
    partners = [replace(bid.partners[0], identifier=1291234), *bid.partners[1:]]
    assert_error(read(fill(partners=partners)), "VCSE partners!C5", "the number 1291234", "GB-CHC-1123456")


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("GB-CHC-1123456", "GB-CHC-1123456"),
        (" gb-chc-112 3456 ", "GB-CHC-1123456"),
        ("GB-SC-sc012345", "GB-SC-SC012345"),
        ("GB-NIC-NIC100123", "GB-NIC-100123"),
        ("GB-COH-1234567", "GB-COH-01234567"),
        ("GB-COH-oc491208", "GB-COH-OC491208"),
        ("GB-MPR-30421R", "GB-MPR-30421R"),
    ],
)
def test_identifiers_accepted_in_canonical_form(read: Read, fill: Fill, typed: str, normal: str) -> None:
    partners = [PartnerRow("Aldergate Housing Trust", typed, Decimal("250000.10"), None, "Move-on homes")]
    response = read(fill(partners=partners)).response
    assert response is not None and response.vcse_partners[0].identifier == normal
    assert response.vcse_partners[0].role == "Move-on homes"


def test_one_identifier_on_two_rows_is_refused_at_the_second(read: Read, fill: Fill, bid: FilledBid) -> None:
    partners = [*bid.partners[:2], replace(bid.partners[2], identifier="gb-chc-129 1234")]  # row 5's, as typed
    error = assert_error(read(fill(partners=partners)), "VCSE partners!C7", "GB-CHC-1291234 is already named at")
    assert "VCSE partners!C5" in error.message and "one row" in error.message


def test_partner_without_a_role(read: Read, fill: Fill, bid: FilledBid) -> None:
    partners = [replace(bid.partners[0], role=None), *bid.partners[1:]]
    assert_error(read(fill(partners=partners)), "VCSE partners!F5", "what this partner will deliver")


@pytest.mark.parametrize("typed", ["1234567", "123456789", "XX123456", "SC12345", "R1234567", "0123456A"])
def test_malformed_company_number(read: Read, fill: Fill, bid: FilledBid, typed: str) -> None:
    assert_error(
        read(fill(bidder=dict(bid.bidder) | {"company_number": typed})), "Bidder details!B6", "not a company number"
    )


@pytest.mark.parametrize(
    ("typed", "normal"),
    [("1234567", "1234567"), ("sc 012345", "SC012345"), ("NIC100002", "NIC100002"), (1123456, "1123456")],
)
def test_bidders_charity_numbers_accepted(read: Read, fill: Fill, bid: FilledBid, typed: object, normal: str) -> None:
    reading = read(fill(bidder=dict(bid.bidder) | {"charity_number": typed}))
    assert reading.errors == () and reading.bidder.charity_number == normal


@pytest.mark.parametrize("typed", ["12345", "123456789", "SC12345", "SC1234567", "NI123456", "NIC12345", "CH-1234"])
def test_malformed_bidders_charity_number(read: Read, fill: Fill, bid: FilledBid, typed: str) -> None:
    data = fill(bidder=dict(bid.bidder) | {"charity_number": typed})
    assert_error(read(data), "Bidder details!B7", "not a charity number", "SC + 6 digits")


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("01234567", "01234567"),
        ("SC123456", "SC123456"),
        ("ni012345", "NI012345"),
        ("R0012345", "R0012345"),
        (1234567, "01234567"),
    ],
)
def test_company_numbers_accepted(read: Read, fill: Fill, bid: FilledBid, typed: object, normal: str) -> None:
    reading = read(fill(bidder=dict(bid.bidder) | {"company_number": typed}))
    assert reading.errors == () and reading.bidder.company_number == normal


# --- VCSE partners ---------------------------------------------------------------------------------------------


def test_partner_with_value_but_no_name(read: Read, fill: Fill, bid: FilledBid) -> None:
    partners = [*bid.partners[:1], PartnerRow(None, "GB-CHC-1291111", Decimal(100), None, "Mentoring")]
    reading = read(fill(partners=partners))
    assert reading.response is None
    assert "VCSE partners!B6" in [e.where for e in reading.errors]


def test_partner_with_value_but_no_identifier(read: Read, fill: Fill, bid: FilledBid) -> None:
    partners = [PartnerRow("Aldergate Housing Trust", None, Decimal("250000.10"), None, "Move-on homes")]
    assert_error(read(fill(partners=partners)), "VCSE partners!C5", "organisation identifier", "GB-CHC-1123456")


def test_partner_without_a_value(read: Read, fill: Fill) -> None:
    partners = [PartnerRow("Aldergate Housing Trust", "GB-CHC-1291234", None, None, "Move-on homes")]
    reading = read(fill(partners=partners))
    assert "VCSE partners!D5" in [e.where for e in reading.errors] and reading.response is None


def test_stated_vcse_share_disagrees_with_partners(read: Read, fill: Fill, bid: FilledBid) -> None:
    commitments = dict(bid.commitments) | {"sv_vcse": Decimal(25)}
    error = assert_error(read(fill(commitments=commitments)), "Commitments!G5", "25%", "20.00%", "0.5 percentage")
    assert error.criterion_id == "sv_vcse"


def test_vcse_share_within_half_a_point_agrees(read: Read, fill: Fill, bid: FilledBid) -> None:
    commitments = dict(bid.commitments) | {"sv_vcse": Decimal("20.5")}
    assert read(fill(commitments=commitments)).errors == ()


def test_vcse_disagreement_is_reported_alongside_a_bad_partner_identifier(
    read: Read, fill: Fill, bid: FilledBid
) -> None:
    partners = [PartnerRow("Aldergate Housing Trust", "GB-CHC-12", Decimal("250000.10"), None, "Move-on homes")]
    commitments = dict(bid.commitments) | {"sv_vcse": Decimal(30)}
    reading = read(fill(partners=partners, commitments=commitments))
    assert [e.where for e in reading.errors] == ["Commitments!G5", "VCSE partners!C5"] or {
        e.where for e in reading.errors
    } == {"Commitments!G5", "VCSE partners!C5"}


# --- pricing ------------------------------------------------------------------------------------------------------


def test_no_price_at_all(read: Read, fill: Fill) -> None:
    reading = read(fill(price_lines=[]))
    assert "Pricing!C5" in [e.where for e in reading.errors] and reading.response is None
    assert any("Enter your price" in e.message for e in reading.errors)


def test_price_line_without_a_description(read: Read, fill: Fill, bid: FilledBid) -> None:
    lines = [*bid.price_lines[:2], (None, Decimal(0))]
    assert_error(read(fill(price_lines=lines)), "Pricing!B7", "Describe what this line prices")


def test_price_line_without_an_amount(read: Read, fill: Fill, bid: FilledBid) -> None:
    lines = [*bid.price_lines[:2], ("Included", None)]
    assert_error(read(fill(price_lines=lines)), "Pricing!C7", "Enter the amount")


# --- structure and bounds -------------------------------------------------------------------------------------------


def test_table_with_inserted_rows_is_refused(read: Read, fill: Fill) -> None:
    def grow(wb: Workbook) -> None:
        wb.defined_names["vcse_partners"] = DefinedName("vcse_partners", attr_text="'VCSE partners'!$B$5:$F$5000")

    assert_error(read(edit(fill(), grow)), "VCSE partners!B5", "4996 rows; the template has 30")


def test_missing_answer_name_is_reported(read: Read, fill: Fill) -> None:
    def drop(wb: Workbook) -> None:
        del wb.defined_names["commit_sv_jobs"]

    assert_error(read(edit(fill(), drop)), "Commitments!G6", "commit_sv_jobs is missing")


def test_values_outside_the_named_areas_are_never_read(read: Read, fill: Fill) -> None:
    part = sheet_part(fill(), "VCSE partners")
    far = b'<row r="1048576"><c r="XFD1048576" t="e"><v>#DIV/0!</v></c></row></sheetData>'
    data = rewrite(fill(), lambda name, content: content.replace(b"</sheetData>", far) if name == part else content)
    assert read(data).errors == ()


def test_a_formula_outside_the_named_areas_is_refused_however_far(read: Read, fill: Fill) -> None:
    part = sheet_part(fill(), "VCSE partners")
    far = b'<row r="1048576"><c r="XFD1048576"><f>1/0</f><v>0</v></c></row></sheetData>'
    data = rewrite(fill(), lambda name, content: content.replace(b"</sheetData>", far) if name == part else content)
    assert_error(read(data), "VCSE partners!XFD1048576", "formula (=1/0)", "type the value itself")


def test_name_stretched_over_the_whole_sheet_is_refused_before_reading(read: Read, fill: Fill) -> None:
    def stretch(wb: Workbook) -> None:
        wb.defined_names["price_lines"] = DefinedName("price_lines", attr_text="'Pricing'!$B$5:$C$1048576")

    assert_error(read(edit(fill(), stretch)), "Pricing!B5", "1048572 rows")
