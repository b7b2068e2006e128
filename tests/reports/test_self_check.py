"""The bidder's self-check report: each problem at sheet!cell with what to do, the gates, and nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tenderscore.reports import SelfCheckGate, SelfCheckLine, build_self_check_report, render_document

from .conftest import Pdf, read
from .demo_data import DemoTender

CHECKED = datetime(2026, 10, 20, 14, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def failing(final: DemoTender) -> Pdf:
    view = build_self_check_report(
        tender=final.tender,
        errors=[
            SelfCheckLine(
                "Quality answers",
                "C7",
                "The answer starts with '=': Excel would treat it as a formula. Start it with a word.",
                "q_ete",
            ),
            SelfCheckLine(
                "Commitments", "G5", "Enter the VCSE share as a number from 0 to 100, such as 18.5.", "sv_vcse"
            ),
        ],
        gates=[
            SelfCheckGate("VCSE share of contract value: at least 15%", False, "You stated 14%."),
            SelfCheckGate("Public liability insurance of at least £10m", True, "You answered 'Yes'."),
            SelfCheckGate(
                "Settled accommodation on release: consensus at least 2",
                None,
                "Evaluators score it after the deadline.",
            ),
        ],
        checked_at=CHECKED,
        bidder="Unity Rehabilitation CIC",
        file_name="unity-response.xlsx",
        notes=["Total price: £3,720,000", "VCSE share from the partners listed: 14.00%"],
        rubric=final.rubric,
    )
    return read(render_document(view))


def test_each_problem_with_its_cell_and_what_to_do(failing: Pdf) -> None:
    assert failing.contains("'Quality answers'!C7")
    assert failing.contains("Commitments!G5")
    assert failing.contains("Education, training and employment")  # the criterion by its title
    assert failing.contains("Enter the VCSE share as a number from 0 to 100, such as 18.5.")


def test_gates_verdict_tender_time_and_nothing_stored(failing: Pdf) -> None:
    flat = failing.flat
    assert "Not ready to submit" in flat
    assert (
        "There are 2 problems to fix in the workbook, and it does not meet 1 rule that would exclude the tender. "
        "Fix them before you submit." in flat
    )
    assert "VCSE share of contract value: at least 15% Not passed You stated 14%." in flat
    assert "Decided after the deadline" in flat
    assert "Resettlement Innovation Partner: North East probation region" in flat and "PRB-NE-2026-014" in flat
    assert "Checked at 20 October 2026, 3:05pm BST" in flat
    assert "Nothing was stored." in flat
    assert "Total price: £3,720,000" in flat


def test_a_clean_workbook_is_ready(final: DemoTender) -> None:
    view = build_self_check_report(
        tender=final.tender, errors=[], gates=[SelfCheckGate("Insurance", True)], checked_at=CHECKED
    )
    assert view.ready and view.verdict.startswith("No problems found")
    assert "Ready to submit" in read(render_document(view)).flat


def test_a_refused_file(final: DemoTender) -> None:
    view = build_self_check_report(
        tender=final.tender, errors=[], gates=[], checked_at=CHECKED, rejected="The file is not an Excel workbook."
    )
    assert not view.ready
    flat = read(render_document(view)).flat
    assert "The file was refused" in flat and "The file is not an Excel workbook." in flat


@pytest.mark.parametrize(
    ("errors", "failed", "verdict"),
    [
        (1, 0, "There is 1 problem to fix in the workbook. Fix it before you submit."),
        (3, 0, "There are 3 problems to fix in the workbook. Fix them before you submit."),
        (0, 1, "The workbook does not meet 1 rule that would exclude the tender. Fix it before you submit."),
        (0, 2, "The workbook does not meet 2 rules that would exclude the tender. Fix them before you submit."),
    ],
)
def test_the_verdict_agrees_in_number(final: DemoTender, errors: int, failed: int, verdict: str) -> None:
    view = build_self_check_report(
        tender=final.tender,
        errors=[SelfCheckLine("Commitments", f"G{i + 5}", "Enter a number.") for i in range(errors)],
        gates=[SelfCheckGate(f"Rule {i}", False) for i in range(failed)],
        checked_at=CHECKED,
    )
    assert view.verdict == verdict
    if errors == 0 and failed == 1:
        assert verdict in read(render_document(view)).flat
