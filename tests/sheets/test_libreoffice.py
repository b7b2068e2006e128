"""A real re-save by LibreOffice reads the same as ours. ``make test`` installs Debian's libreoffice-calc-nogui
(scripts/system-packages.sh), so a missing ``soffice`` is a set-up failure, never a skip; the XML rewriting in
``test_other_programs.py`` covers the same ground without it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import TemplateIdentity, demo_bids, read_workbook

SOFFICE = shutil.which("soffice")


def test_libreoffice_is_installed() -> None:
    assert SOFFICE is not None, "soffice not found: run `make test`, which installs libreoffice-calc-nogui"


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
