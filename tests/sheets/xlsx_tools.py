"""Test helpers that change a workbook the way another program, or an attacker, would."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def build(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def rewrite(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """Every part passed through ``change(name, content)``; ``None`` drops the part."""
    members = {}
    for name, content in parts(data).items():
        changed = change(name, content)
        if changed is not None:
            members[name] = changed
    return build(members)


def sheet_part(data: bytes, sheet: str) -> str:
    """The part name of the worksheet called ``sheet``."""
    members = parts(data)
    workbook = members["xl/workbook.xml"].decode()
    rel = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', workbook)
    assert rel, sheet
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(rf'Target="/?([^"]+)" Id="{rel.group(1)}"', rels)
    assert target, rel.group(1)
    path = target.group(1)
    return path if path.startswith("xl/") else "xl/" + path


def replace_cell(data: bytes, sheet: str, ref: str, xml: str) -> bytes:
    """The cell ``ref`` of ``sheet`` replaced by the raw ``<c>`` element ``xml`` (inserted if missing)."""
    part = sheet_part(data, sheet)

    def change(name: str, content: bytes) -> bytes:
        if name != part:
            return content
        text = content.decode()
        pattern = rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)'
        if re.search(pattern, text, flags=re.S):
            return re.sub(pattern, xml, text, count=1, flags=re.S).encode()
        row = re.match(r"[A-Z]+(\d+)", ref)
        assert row
        return re.sub(rf'(<row r="{row.group(1)}"[^>]*>)', rf"\1{xml}", text, count=1).encode()

    return rewrite(data, change)


def put_cell(data: bytes, sheet: str, ref: str, xml: str) -> bytes:
    """The cell ``ref`` of ``sheet`` set to the raw ``<c>`` element ``xml``, in its place: rows and cells stay in
    order, a missing row is created. For our own writer's sheets (every cell and row has its ``r``)."""
    part = sheet_part(data, sheet)
    found = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert found
    row = int(found.group(2))

    def change(name: str, content: bytes) -> bytes:
        if name != part:
            return content
        text = content.decode()
        match = re.search(rf'<row r="{row}"[^>]*?(?:/>|>(.*?)</row>)', text, flags=re.S)
        if match is None:
            later = next((m for m in re.finditer(r'<row r="(\d+)"', text) if int(m.group(1)) > row), None)
            at = later.start() if later else text.index("</sheetData>")
            return (text[:at] + f'<row r="{row}">{xml}</row>' + text[at:]).encode()
        cells = re.findall(r'<c r="[A-Z]+\d+"(?:[^>]*?/>|[^>]*?>.*?</c>)', match.group(1) or "", flags=re.S)
        kept = [c for c in cells if not c.startswith(f'<c r="{ref}"')] + [xml]
        kept.sort(key=lambda c: _column(re.match(r'<c r="([A-Z]+)', c).group(1)))  # type: ignore[union-attr]
        opening = re.match(r"<row[^>]*?(?=/?>)", match.group(0))
        assert opening
        return (
            text[: match.start()] + opening.group(0) + ">" + "".join(kept) + "</row>" + text[match.end() :]
        ).encode()

    return rewrite(data, change)


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def edit(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    """Open with openpyxl, apply ``change``, save: for edits a spreadsheet user could make."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_INLINE = re.compile(
    r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S
)
_FORMULA_NO_VALUE = re.compile(r"(<f>[^<]*</f>)<v ?/>")
_SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def as_other_program(data: bytes, *, prefixed: bool = False) -> bytes:
    """``data`` re-saved the way Excel or LibreOffice would save it.

    Shared strings instead of inline strings (one of them as rich text with a phonetic hint, one with Excel's
    ``_x000D_`` escape), cached values on every formula, other column widths and fonts, relative relationship
    targets, defined names without needless quotes, extra parts those programs add. With ``prefixed``, every
    element of the sheets carries an ``x:`` namespace prefix, as the .NET Open XML SDK writes them.
    """
    members = parts(data)
    strings: list[str] = []

    def to_shared(match: re.Match[str]) -> str:
        strings.append(match.group(3))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{len(strings) - 1}</v></c>'

    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        text = _INLINE.sub(to_shared, members[name].decode()).replace(' t="inlineStr" />', " />")
        text = _FORMULA_NO_VALUE.sub(r"\1<v>0</v>", text)
        text = re.sub(r'<col width="[\d.]+"', '<col width="13.5"', text)
        text = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', text)  # a dimension that lies
        members[name] = (_prefix(text) if prefixed else text).encode()
    members["xl/sharedStrings.xml"] = _shared_strings(strings).encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument'
        b'.spreadsheetml.sharedStrings+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    )
    members["docProps/custom.xml"] = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    )
    rels = members["xl/_rels/workbook.xml.rels"].decode().replace('Target="/xl/', 'Target="')
    members["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    ).encode()
    workbook = members["xl/workbook.xml"].decode()
    members["xl/workbook.xml"] = re.sub(r"'(Quality|Pricing|Commitments|Declarations)'!", r"\1!", workbook).encode()
    members["xl/styles.xml"] = members["xl/styles.xml"].replace(b'<name val="Arial"', b'<name val="Liberation Sans"')
    return build(members)


def _shared_strings(strings: list[str]) -> str:
    items = []
    for i, raw in enumerate(strings):
        if i == 0:  # rich text with a phonetic hint, as Excel stores a formatted title
            half = len(raw) // 2
            items.append(
                f'<si><r><rPr><b/></rPr><t xml:space="preserve">{raw[:half]}</t></r><r><t xml:space="preserve">'
                f'{raw[half:]}</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>'
            )
        else:
            items.append(f'<si><t xml:space="preserve">{raw.replace(chr(13), "_x000D_")}</t></si>')
    return f'<sst xmlns="{_SST}" count="{len(strings)}" uniqueCount="{len(strings)}">{"".join(items)}</sst>'


def _prefix(xml: str) -> str:
    xml = re.sub(r"<(/?)(?!\?)([A-Za-z])", r"<\1x:\2", xml)
    return xml.replace(f'<x:worksheet xmlns="{_SST}"', f'<x:worksheet xmlns:x="{_SST}"', 1)
