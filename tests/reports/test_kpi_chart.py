"""The KPI chart: well-formed SVG, labelled in words, its markers and target line are the numbers it was given, and
nothing is told by colour alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from tenderscore.reports.chart_parts import Key, legend
from tenderscore.reports.kpi_chart import PLOT_HEIGHT, TOP, Point, axis, kpi_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [
    Point("Period 1", Decimal(12), "12%", "Inadequate"),
    Point("Period 2", Decimal(16), "16%", "Requires improvement", late=True),
    Point("Period 3", None, "", "Other", late=True),
    Point("Period <4>", Decimal("21.5"), "21.5%", "Good"),
]


def _chart(points: list[Point] = POINTS, target: Decimal | None = Decimal(20)) -> ET.Element:
    svg = kpi_chart_svg(points, target=target, target_shown="Target 20%", title="VCSE share & more", chart_id="k1")
    return ET.fromstring(str(svg))


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_accessible_title_and_description_say_every_figure() -> None:
    root = _chart()
    assert root.get("role") == "img" and root.get("aria-labelledby") == "k1-title k1-desc"
    # Scales to a 375 px screen: a viewBox the page's CSS shrinks to the column (tests/dashboards/test_browser.py)
    assert (root.get("viewBox") or "").startswith("0 0 ") and root.get("width") is not None
    assert root.findtext(f"{SVG}title") == "VCSE share & more"
    assert root.findtext(f"{SVG}desc") == (
        "Target 20%. Period 1: 12%, Inadequate; Period 2: 16%, Requires improvement (return late); "
        "Period 3: no figure, Other (return late); Period <4>: 21.5%, Good."
    )


def test_markers_sit_at_their_values_and_the_target_line_at_the_target() -> None:
    root = _chart()
    markers = [c for c in root.iter(f"{SVG}circle") if c.get("data-period")]
    assert [(c.get("data-period"), c.get("data-value")) for c in markers] == [
        ("Period 1", "12"), ("Period 2", "16"), ("Period <4>", "21.5")]  # fmt: skip
    # The axis runs to 30 (21.5 x 1.1 = 23.65, in steps of 10): 12 is 12/30 of the plot's height above its foot.
    bottom = TOP + PLOT_HEIGHT
    assert abs(float(markers[0].get("cy") or 0) - (bottom - 12 / 30 * PLOT_HEIGHT)) < 0.01
    target = next(line for line in root.iter(f"{SVG}line") if line.get("data-target"))
    assert target.get("data-target") == "20" and target.get("stroke-dasharray") == "6 4"
    assert abs(float(target.get("y1") or 0) - (bottom - 20 / 30 * PLOT_HEIGHT)) < 0.01


def test_labels_in_words_beside_every_mark_so_colour_tells_nothing_alone() -> None:
    texts = _texts(_chart())
    assert {"12%", "16%", "21.5%", "Target 20%", "no figure", "Delivered", "Target"} <= set(texts)
    assert {"Period 1", "Period <4>", "Inadequate", "Requires", "improvement", "Good", "Other"} <= set(texts)
    assert texts.count("late") == 2
    assert {"0", "10", "20", "30"} <= set(texts)
    # The two lines differ in form, not only colour: one solid with round markers, one dashed.
    polyline = next(_chart().iter(f"{SVG}polyline"))
    assert polyline.get("stroke-dasharray") is None


def test_a_gap_breaks_the_line_and_no_target_draws_no_target_line() -> None:
    root = _chart([POINTS[0], POINTS[2], POINTS[3]], target=None)
    assert list(root.iter(f"{SVG}polyline")) == []  # no two reported periods side by side
    assert not [line for line in root.iter(f"{SVG}line") if line.get("data-target")]
    assert (root.findtext(f"{SVG}desc") or "").startswith("No numeric target.")
    empty = _chart([], target=Decimal(5))
    assert (empty.findtext(f"{SVG}desc") or "").endswith("No period reported yet.")


def test_axis_tops_are_round() -> None:
    assert axis(Decimal(22)) == (Decimal(30), Decimal(10))
    assert axis(Decimal("5.28")) == (Decimal(6), Decimal(2))
    assert axis(Decimal(110)) == (Decimal(150), Decimal(50))
    assert axis(Decimal(0)) == (Decimal(1), Decimal(1))


def test_the_shared_legend_draws_boxes_and_lines() -> None:
    parts = legend([Key("Solid", "#000000"), Key("Dashed", line=True, dash="6 4")], x=10, y=5)
    assert parts[0].startswith('<rect x="10.00" y="5.00" width="12"') and 'fill="#000000"' in parts[0]
    assert parts[2].startswith("<line") and 'stroke-dasharray="6 4"' in parts[2]
    assert parts[1].endswith(">Solid</text>") and parts[3].endswith(">Dashed</text>")
