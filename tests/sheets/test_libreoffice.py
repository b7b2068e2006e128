"""A real re-save by LibreOffice reads the same as ours. Runs only where ``soffice`` is installed; the XML
rewriting in ``test_other_programs.py`` covers the same ground everywhere."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import TemplateIdentity, demo_bids, read_workbook

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def resave(data: bytes, folder: Path) -> bytes:
    source = folder / "bid.xlsx"
    source.write_bytes(data)
    out = folder / "out"
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (out / "bid.xlsx").read_bytes()


def test_libreoffice_resave_reads_the_same(
    rubric: Rubric, tender: TemplateIdentity, fill: Callable[..., bytes], tmp_path: Path
) -> None:
    ours = fill()
    theirs = resave(ours, tmp_path)
    assert theirs != ours
    assert read_workbook(theirs, rubric, tender, bid_id="x") == read_workbook(ours, rubric, tender, bid_id="x")


def test_libreoffice_resave_keeps_every_error(rubric: Rubric, tender: TemplateIdentity, tmp_path: Path) -> None:
    errors = next(d for d in demo_bids(rubric, tender) if not d.expected_to_pass and "Harbour" in d.name)
    ours = read_workbook(errors.workbook, rubric, tender, bid_id="x")
    theirs = read_workbook(resave(errors.workbook, tmp_path), rubric, tender, bid_id="x")
    assert theirs == ours and len(theirs.errors) == 4
