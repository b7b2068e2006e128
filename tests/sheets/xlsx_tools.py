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


def edit(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    """Open with openpyxl, apply ``change``, save: for edits a spreadsheet user could make."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
