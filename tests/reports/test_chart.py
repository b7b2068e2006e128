"""The SVG chart: well-formed, accessible, and its bars are the numbers it was given."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from tenderscore.reports.chart import PLOT_WIDTH, Bar, stacked_bar_svg

SVG = "{http://www.w3.org/2000/svg}"


def _chart() -> ET.Element:
    bars = [
        Bar("Alpha & Sons <Ltd>", (Decimal("45"), Decimal("20"), Decimal("19.019138"))),
        Bar("Beta", (Decimal("28"), Decimal("10.333333"), Decimal("30"))),
    ]
    svg = stacked_bar_svg(bars, ["Quality", "Social value", "Price"], title="Points by section")
    return ET.fromstring(str(svg))


def test_title_and_description_for_screen_readers() -> None:
    root = _chart()
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.findtext(f"{SVG}title") == "Points by section"
    desc = root.findtext(f"{SVG}desc") or ""
    assert "Alpha & Sons <Ltd>: 84.02 points (Quality 45.00, Social value 20.00, Price 19.02)" in desc
    assert "Beta: 68.33 points" in desc


def test_segments_carry_the_values_and_widths_are_proportional() -> None:
    rects = [r for r in _chart().iter(f"{SVG}rect") if r.get("data-bid")]
    assert [(r.get("data-bid"), r.get("data-section"), r.get("data-points")) for r in rects] == [
        ("Alpha & Sons <Ltd>", "Quality", "45.00"),
        ("Alpha & Sons <Ltd>", "Social value", "20.00"),
        ("Alpha & Sons <Ltd>", "Price", "19.02"),
        ("Beta", "Quality", "28.00"),
        ("Beta", "Social value", "10.33"),
        ("Beta", "Price", "30.00"),
    ]
    for rect in rects:
        expected = float(rect.get("data-points") or 0) / 100 * PLOT_WIDTH
        assert abs(float(rect.get("width") or 0) - expected) < 0.02
    first, second = rects[0], rects[1]
    assert abs(float(second.get("x") or 0) - (float(first.get("x") or 0) + float(first.get("width") or 0))) < 0.02


def test_totals_legend_and_axis_are_drawn() -> None:
    texts = [t.text for t in _chart().iter(f"{SVG}text")]
    assert "84.02" in texts and "68.33" in texts
    assert {"Quality", "Social value", "Price"} <= set(texts)
    assert "Points (out of 100)" in texts
    assert {"0", "20", "40", "60", "80", "100"} <= set(texts)


def test_long_names_are_shortened_on_the_axis_but_kept_whole_in_titles() -> None:
    name = "Pathways Consortium (Calder Housing Trust and Kestrel Recovery Network)"
    root = ET.fromstring(str(stacked_bar_svg([Bar(name, (Decimal(50),))], ["Quality"], title="t")))
    labels = [t.text or "" for t in root.iter(f"{SVG}text") if (t.text or "").startswith("Pathways")]
    assert labels and all(len(label) <= 30 and label.endswith("…") for label in labels)
    assert any(name in (r.findtext(f"{SVG}title") or "") for r in root.iter(f"{SVG}rect"))


def test_no_bars_still_draws_an_empty_chart() -> None:
    root = ET.fromstring(str(stacked_bar_svg([], ["Quality"], title="Nothing ranked")))
    assert root.findtext(f"{SVG}title") == "Nothing ranked"
