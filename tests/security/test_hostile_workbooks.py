"""The attacker's workbooks through every door: the JSON API's self-check and submission, and ``check-bid`` on the
command line. Each is refused naming the cell or the part, nothing is stored, never a 500 or a traceback."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

from tenderscore.sheets.guard import open_archive
from tenderscore.sheets.ooxml import Package, coordinate
from tests.api.conftest import World, no_trace, published, world  # noqa: F401  (fixtures)
from tests.sheets.xlsx_tools import build, parts, put_cell, rewrite

PNG_TYPE = b'<Default Extension="png" ContentType="image/png"/></Types>'
VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def _first(data: bytes, prefix: str) -> tuple[str, str]:
    """(sheet, cell) of the first defined name starting with ``prefix``."""
    with open_archive(data) as archive:
        package = Package(archive)
        name = sorted(n for n in package.names if n.startswith(prefix))[0]
        area = package.area(name)
    assert area is not None
    return area.sheet, coordinate(area.first_row, area.first_column)


def huge_number(data: bytes) -> tuple[bytes, str]:
    sheet, cell = _first(data, "commit_")
    return put_cell(data, sheet, cell, f'<c r="{cell}"><v>1234567890123456E+999999</v></c>'), f"{sheet}!{cell}"


def hyperlink_formula(data: bytes) -> tuple[bytes, str]:
    formula = '<f>HYPERLINK("http://attacker.example/","appendix")</f>'
    return put_cell(data, "Quality", "D9", f'<c r="D9">{formula}<v>0</v></c>'), "Quality!D9"


def control_character(data: bytes) -> tuple[bytes, str]:
    sheet, cell = _first(data, "ans_")
    text = f'<c r="{cell}" t="inlineStr"><is><t>Our answer_x0000__x001B_[2J</t></is></c>'
    return put_cell(data, sheet, cell, text), f"{sheet}!{cell}"


def bad_style(data: bytes) -> tuple[bytes, str]:
    return rewrite(
        data, lambda n, c: c.replace(b'numFmtId="0"', b'numFmtId="abc"', 1) if n == "xl/styles.xml" else c
    ), "xl/styles.xml"


def macro_as_image(data: bytes) -> tuple[bytes, str]:
    members = parts(data) | {"xl/media/image1.png": bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)}
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b"</Types>", PNG_TYPE)
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    link = f'<Relationship Id="rIdVba" Type="{VBA}" Target="media/image1.png"/></Relationships>'
    members["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", link).encode()
    return build(members), "macros"


CELL_ATTACKS: dict[str, Callable[[bytes], tuple[bytes, str]]] = {
    "huge number": huge_number,
    "HYPERLINK formula": hyperlink_formula,
    "control character": control_character,
}
FILE_ATTACKS: dict[str, Callable[[bytes], tuple[bytes, str]]] = {
    "garbage numFmtId": bad_style,
    "macro under an image name": macro_as_image,
}


def _post(bidding: World, endpoint: str, data: bytes) -> Any:
    response = bidding.post(
        "bidder_a",
        f"/api/tenders/{bidding.tender_id}/{endpoint}",
        data={"workbook": (io.BytesIO(data), "bid.xlsx")},
        content_type="multipart/form-data",
    )
    no_trace(response)
    return response


@pytest.mark.parametrize("attack", sorted(CELL_ATTACKS))
def test_api_refuses_the_cell_attacks_naming_the_cell(published: World, attack: str) -> None:  # noqa: F811
    data, where = CELL_ATTACKS[attack](published.bids["bidder_a"].workbook)
    before = published.state()
    checked = _post(published, "self-check", data)
    assert checked.status_code in (200, 422), checked.get_data(as_text=True)[:500]
    body = checked.json
    assert body["ok"] is False and where in [f"{e['sheet']}!{e['cell']}" for e in body["errors"]], body
    submitted = _post(published, "submissions", data)
    assert submitted.status_code == 422, submitted.get_data(as_text=True)[:500]
    assert where in submitted.get_data(as_text=True)
    # Nothing of the file is kept; the refused attempt itself is on record (who, when, the file's SHA-256).
    assert published.unchanged_but_audit(before) == ["submission.refused_invalid"]


@pytest.mark.parametrize("attack", sorted(FILE_ATTACKS))
def test_api_refuses_the_file_attacks_naming_the_part(published: World, attack: str) -> None:  # noqa: F811
    data, what = FILE_ATTACKS[attack](published.bids["bidder_a"].workbook)
    before = published.state()
    checked = _post(published, "self-check", data)
    if checked.status_code == 200:
        assert checked.json["ok"] is False and what in checked.json["rejected"], checked.json
    else:
        assert checked.status_code == 422 and what in checked.get_data(as_text=True)
    submitted = _post(published, "submissions", data)
    assert submitted.status_code == 422 and what in submitted.get_data(as_text=True)
    assert published.unchanged_but_audit(before) == ["submission.refused_invalid"]


@pytest.mark.parametrize("attack", sorted(CELL_ATTACKS | FILE_ATTACKS))
def test_check_bid_says_what_is_wrong_in_one_line_without_a_traceback(
    published: World,  # noqa: F811
    runner: FlaskCliRunner,
    tmp_path: Path,
    attack: str,
) -> None:
    data, where = (CELL_ATTACKS | FILE_ATTACKS)[attack](published.bids["bidder_a"].workbook)
    path = tmp_path / "bid.xlsx"
    path.write_bytes(data)
    before = published.state()
    result = runner.invoke(args=["check-bid", "NWPR-API-1", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "NOT ready to submit" in result.output
    lines = [line for line in result.output.splitlines() if where in line]
    assert len(lines) == 1, result.output
    assert re.search(r"formula|number|control character|not a whole number|macros", lines[0]), lines[0]
    assert published.state() == before
