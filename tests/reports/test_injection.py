"""Text from bidders, evaluators and officers is text: it never becomes markup or CSS, and nothing is fetched."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from tenderscore.reports import (
    PanelMember,
    SelfCheckGate,
    SelfCheckLine,
    build_self_check_report,
    render_document,
    render_html,
)

from .conftest import Pdf, evaluation_view, read, summary_view
from .demo_data import HAND_WRITTEN, DemoTender, demo_tender

IMG = '<img src="file:///etc/passwd">'
LINK = "<link rel=stylesheet href=http://evil.example/x.css>"
STYLE = "<style>body { background: url(http://evil.example/bg.png) }</style>"
CSS_URL = "url(http://evil.example/u.png)"
PAYLOAD = f'{IMG} {LINK} {STYLE} {CSS_URL} <b>bold</b> & <script>alert(1)</script> </td></tr></table> "quoted"'
NAME = f"Evil <b>Bidder</b> {IMG} Ltd"

PIECES = (IMG, LINK, STYLE, CSS_URL, "<b>bold</b>", "<script>alert(1)</script>", "</td></tr></table>")


@pytest.fixture(scope="module")
def hostile() -> DemoTender:
    bids = [replace(HAND_WRITTEN[0], bidder=NAME), *HAND_WRITTEN[1:]]
    demo = demo_tender(bids=bids)
    consensus = {key: replace(r, reason=PAYLOAD) if key[0] == "B001" else r for key, r in demo.consensus.items()}
    first = consensus[("B001", "q_accommodation")]
    consensus[("B001", "q_accommodation")] = replace(
        first, individual=tuple(replace(s, evaluator=f"<i>{s.evaluator}</i>") for s in first.individual)
    )
    panel = (*demo.panel, PanelMember(f"<u>Mallory</u> {LINK}", "Evaluator", PAYLOAD, demo.generated_at, (NAME,)))
    return replace(demo, consensus=consensus, panel=panel)


def _assert_inert(html: str) -> None:
    assert html.count("<style>") == 1  # ours
    for tag in ("<img", "<link", "<script", "<b>", "<i>", "<u>"):
        assert tag not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html


def _assert_printed(pdf: Pdf, *pieces: str) -> None:
    for piece in pieces:
        assert pdf.contains(piece), piece


def test_evaluation_report(hostile: DemoTender) -> None:
    view = evaluation_view(hostile)
    _assert_inert(render_html(view))
    rendered = render_document(view)
    assert rendered.fetches == ()
    pdf = read(rendered)
    _assert_printed(pdf, *PIECES, NAME, "<i>Amara Okafor</i>: 3", "<u>Mallory</u>", f"Award the contract to {NAME}")


def test_the_chart_escapes_names(hostile: DemoTender) -> None:
    svg = evaluation_view(hostile).chart_svg
    assert "<img" not in svg and "<b>" not in svg
    assert "Evil &lt;b&gt;Bidder&lt;/b&gt;" in svg


def test_assessment_summary_showing_the_winners_reasons(hostile: DemoTender) -> None:
    view = summary_view(hostile, "B002")
    _assert_inert(render_html(view))
    rendered = render_document(view)
    assert rendered.fetches == ()
    _assert_printed(read(rendered), *PIECES, NAME)


def test_assessment_summary_addressed_to_the_hostile_bidder(hostile: DemoTender) -> None:
    view = summary_view(hostile, "B001")
    rendered = render_document(view)
    assert rendered.fetches == ()
    pdf = read(rendered)
    _assert_printed(pdf, f"To {NAME}", *PIECES)
    info = PdfReader(io.BytesIO(rendered.pdf)).metadata
    assert info is not None and info.subject == f"Assessment summary for {NAME}"


def test_self_check_report(hostile: DemoTender) -> None:
    view = build_self_check_report(
        tender=replace(hostile.tender, title=f"Tender {STYLE}"),
        errors=[SelfCheckLine("Quality <answers>", "C7", f"The answer starts with '={PAYLOAD}'.", NAME)],
        gates=[SelfCheckGate(f"Gate {IMG}", False, PAYLOAD)],
        checked_at=datetime(2026, 10, 1, 9, 30, tzinfo=UTC),
        bidder=NAME,
        file_name=f"{IMG}.xlsx",
        notes=[PAYLOAD],
    )
    _assert_inert(render_html(view).replace("<style>\n", "<style>", 1))
    rendered = render_document(view)
    assert rendered.fetches == ()
    _assert_printed(read(rendered), *PIECES, NAME, "'Quality <answers>'!C7", f"{IMG}.xlsx")
