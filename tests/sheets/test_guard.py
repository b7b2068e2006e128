"""Hostile and unusable files are refused with a clear message before any spreadsheet parser sees them."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Callable

import openpyxl
import pytest

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import (
    GuardLimits,
    TemplateIdentity,
    WorkbookRejected,
    check_defusedxml,
    guard_workbook,
    read_workbook,
    self_check,
)
from tests.sheets.xlsx_tools import build, parts, replace_cell, rewrite

Fill = Callable[..., bytes]
OVERRIDE = '<Override PartName="/{part}" ContentType="{ctype}" />'
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>'
)


def with_part(data: bytes, part: str, content: bytes, content_type: str | None) -> bytes:
    """``data`` with one more part, declared in [Content_Types].xml when ``content_type`` is given."""
    members = parts(data)
    if content_type:
        types = members["[Content_Types].xml"].decode()
        members["[Content_Types].xml"] = types.replace(
            "</Types>", OVERRIDE.format(part=part, ctype=content_type) + "</Types>"
        ).encode()
    members[part] = content
    return build(members)


def rejected(data: bytes, *fragments: str, limits: GuardLimits | None = None) -> str:
    with pytest.raises(WorkbookRejected) as caught:
        guard_workbook(data) if limits is None else guard_workbook(data, limits)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    return str(caught.value)


def test_a_filled_template_passes(fill: Fill) -> None:
    guard_workbook(fill())


def test_not_a_zip() -> None:
    rejected(b"Name,Price\nUs,100\n", "not an Excel workbook", ".xlsx")


def test_empty_file() -> None:
    rejected(b"", "not an Excel workbook")


def test_truncated_zip(fill: Fill) -> None:
    rejected(fill()[:2000], "damaged or not an Excel workbook")


def test_password_protected_ole_file() -> None:
    rejected(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504), "password-protected", "remove the password")


def test_opendocument_spreadsheet() -> None:
    ods = build({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    rejected(ods, "OpenDocument", ".xlsx")


def test_too_large_compressed(fill: Fill) -> None:
    rejected(fill(), "MB; the largest accepted", limits=GuardLimits(max_compressed=10_000))


def test_zip_bomb_member_too_large_once_decompressed(fill: Fill) -> None:
    bomb = with_part(fill(), "xl/media/image1.png", bytes(30 * 1024 * 1024), None)
    assert len(bomb) < 200_000
    rejected(bomb, "too large once decompressed")


def test_compression_ratio_bomb(fill: Fill) -> None:
    bomb = with_part(fill(), "xl/media/image1.png", bytes(3 * 1024 * 1024), None)
    rejected(bomb, "zip bomb")


def test_total_decompressed_size(fill: Fill) -> None:
    data = fill()
    for i in range(3):
        data = with_part(data, f"xl/media/image{i}.png", bytes(2 * 1024 * 1024), None)
    rejected(data, "once decompressed", limits=GuardLimits(max_uncompressed=4 * 1024 * 1024, max_ratio=10**6))


def test_sizes_that_lie_are_caught_when_read(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    data = bytearray(fill())
    target = b"xl/worksheets/sheet5.xml"
    # shrink the declared size of one sheet in the central directory and its local header
    for signature, size_offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            name_offset = found + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_offset : name_offset + len(target)] == target:
                struct.pack_into("<I", data, found + size_offset, 100)
            start = found + 4
    with pytest.raises(WorkbookRejected, match="damaged"):
        read_workbook(bytes(data), rubric, tender)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet3.xml", "xl/styles.xml", "docProps/app.xml"])
def test_a_corrupt_compressed_part_is_refused_as_damaged(
    rubric: Rubric, tender: TemplateIdentity, fill: Fill, part: str
) -> None:
    """zlib's own error for a garbled deflate stream is a refusal naming the file damaged, never an exception."""
    data = bytearray(fill())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(part)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    for i in range(start, start + min(info.compress_size, 40)):
        data[i] ^= 0x5A
    with pytest.raises(WorkbookRejected, match="damaged"):
        read_workbook(bytes(data), rubric, tender)


def test_too_many_parts(fill: Fill) -> None:
    members = parts(fill()) | {f"docProps/extra{i}.xml": b"<x/>" for i in range(400)}
    rejected(build(members), "parts; at most 300")


def test_duplicate_part_names(fill: Fill) -> None:
    members = parts(fill())
    data = build(members)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import io

        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr("xl/workbook.xml", members["xl/workbook.xml"])
    rejected(out.getvalue(), "two parts with the same name")


def test_macro_project(fill: Fill) -> None:
    xlsm = with_part(fill(), "xl/vbaProject.bin", b"\x00" * 64, "application/vnd.ms-office.vbaProject")
    rejected(xlsm, "macros", ".xlsm")


def test_macro_enabled_workbook_content_type(fill: Fill) -> None:
    def change(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml").replace(
                b"application/vnd.openxmlformats-officedocument.sheet.macroEnabled",
                b"application/vnd.ms-excel.sheet.macroEnabled",
            )
        return content

    rejected(rewrite(fill(), change), "macros")


def test_external_link_part(fill: Fill) -> None:
    linked = with_part(
        fill(),
        "xl/externalLinks/externalLink1.xml",
        b"<externalLink/>",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml",
    )
    rejected(linked, "links to other files", "Break Link")


def test_external_relationship(fill: Fill) -> None:
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" TargetMode="External" Target="file:///C:/secret/prices.xlsx" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"/></Relationships>'
    )
    rejected(with_part(fill(), "xl/worksheets/_rels/sheet2.xml.rels", rels, None), "external file or address")


def test_hyperlink_to_a_website_is_accepted(fill: Fill) -> None:
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" TargetMode="External" Target="https://example.org/" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/></Relationships>'
    )
    guard_workbook(with_part(fill(), "xl/worksheets/_rels/sheet2.xml.rels", rels, None))


def test_unexpected_content_type(fill: Fill) -> None:
    extra = with_part(fill(), "xl/embeddings/setup.exe", b"MZ", "application/x-msdownload")
    rejected(extra, "a part a response template never has", "xl/embeddings/setup.exe")


def test_part_without_any_content_type(fill: Fill) -> None:
    rejected(with_part(fill(), "xl/mystery", b"??", None), "no type")


def test_unsafe_part_name(fill: Fill) -> None:
    rejected(with_part(fill(), "xl/../../evil.xml", b"<x/>", None), "unsafe name")


def test_entity_expansion_in_content_types(fill: Fill) -> None:
    members = parts(fill()) | {"[Content_Types].xml": BILLION_LAUGHS}
    rejected(build(members), "damaged or unsafe")


def test_entity_expansion_in_a_sheet_is_refused_by_the_reader(
    rubric: Rubric, tender: TemplateIdentity, fill: Fill
) -> None:
    data = rewrite(fill(), lambda name, content: BILLION_LAUGHS if name == "xl/worksheets/sheet5.xml" else content)
    with pytest.raises(WorkbookRejected, match="damaged or unsafe"):
        read_workbook(data, rubric, tender)


def test_malformed_cell_xml_is_refused_by_the_reader(rubric: Rubric, tender: TemplateIdentity, fill: Fill) -> None:
    data = replace_cell(fill(), "Commitments", "G6", '<c r="G6" t="s"><v>99999</v></c>')
    with pytest.raises(WorkbookRejected, match="damaged"):
        read_workbook(data, rubric, tender)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04garbage", bytes.fromhex("D0CF11E0A1B11AE1")])
def test_self_check_reports_a_refused_file_without_raising(
    rubric: Rubric, tender: TemplateIdentity, data: bytes
) -> None:
    result = self_check(data, rubric, tender)
    assert result.rejected and not result.ok
    assert any("refused" in line for line in result.lines())


def test_defusedxml_check_passes() -> None:
    check_defusedxml()


def test_defusedxml_check_fails_clearly_when_openpyxl_does_not_use_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError, match="not using defusedxml"):
        check_defusedxml()
