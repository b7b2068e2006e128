"""A stacked horizontal bar chart of points by section, drawn as SVG markup from numbers by our own code.

Nothing here fetches or embeds anything: the output is plain SVG elements. Every piece of text (bid names,
section names) goes through ``markupsafe.escape``, so the result can be marked safe for the template as a whole.
Each segment carries ``data-bid``, ``data-section`` and ``data-points`` so tests can check the drawing against the
data, and a ``<title>`` for readers who hover or use a screen reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from .chart_parts import FONT, PALETTE, Key, grid, legend
from .text import points as shown

WIDTH = 660
LABEL_WIDTH = 190
PLOT_LEFT = LABEL_WIDTH + 8
PLOT_WIDTH = WIDTH - PLOT_LEFT - 56  # room on the right for the total
LEGEND_HEIGHT = 28
AXIS_HEIGHT = 26
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    """One bid: its label and its points per series (in the chart's series order)."""

    label: str
    values: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.values, Decimal(0))


def stacked_bar_svg(
    bars: Sequence[Bar], series: Sequence[str], *, maximum: Decimal = Decimal(100), title: str, description: str = ""
) -> Markup:
    """SVG markup for ``bars`` stacked by ``series`` on a 0..``maximum`` axis, with a legend and accessible title."""
    row = _row_height(len(bars))
    plot_top = LEGEND_HEIGHT + 6
    plot_height = row * max(len(bars), 1)
    height = plot_top + plot_height + AXIS_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description or _describe(bars, series))}</desc>',
        f'<g font-family="{FONT}" font-size="10" fill="#0b0c0c">',
        *_legend(series),
        *_grid(maximum, plot_top, plot_height),
    ]
    for index, bar in enumerate(bars):
        parts.extend(_bar(bar, series, maximum, plot_top + index * row, row))
    parts.append("</g></svg>")
    return Markup("\n".join(parts))


def _row_height(count: int) -> int:
    # Fifty bids still fit on one A4 page; a handful get comfortable bars.
    return max(12, min(30, 760 // max(count, 1)))


def _x(value: Decimal, maximum: Decimal) -> float:
    return float(value / maximum) * PLOT_WIDTH if maximum else 0.0


def _legend(series: Sequence[str]) -> list[str]:
    return legend([Key(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(series)], x=PLOT_LEFT, y=6)


def _grid(maximum: Decimal, top: int, height: int) -> list[str]:
    step = maximum / 10
    ticks = [(PLOT_LEFT + _x(step * tick, maximum), format((step * tick).normalize(), "f") if tick % 2 == 0 else "")
             for tick in range(11)]  # fmt: skip
    parts = grid(ticks, start=top, end=top + height, label_offset=16, font_size=9)
    axis_label = f"Points (out of {format(maximum.normalize(), 'f')})"
    parts.append(
        f'<text x="{PLOT_LEFT + PLOT_WIDTH / 2:.2f}" y="{top + height + AXIS_HEIGHT - 1}" '
        f'text-anchor="middle" font-size="9">{escape(axis_label)}</text>'
    )
    return parts


def _bar(bar: Bar, series: Sequence[str], maximum: Decimal, y: int, row: int) -> list[str]:
    label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1].rstrip() + "…"
    middle = y + row / 2 + 4
    parts = [f'<text x="{LABEL_WIDTH:.2f}" y="{middle:.2f}" text-anchor="end">{escape(label)}</text>']
    thickness, top, offset = row * 0.7, y + row * 0.15, Decimal(0)
    for index, (name, value) in enumerate(zip(series, bar.values, strict=True)):
        x, width = PLOT_LEFT + _x(offset, maximum), _x(value, maximum)
        text = f"{bar.label}: {name} {shown(value)} points"
        parts.append(
            f'<rect x="{x:.2f}" y="{top:.2f}" width="{width:.2f}" height="{thickness:.2f}" '
            f'fill="{PALETTE[index % len(PALETTE)]}" data-bid="{escape(bar.label)}" data-section="{escape(name)}" '
            f'data-points="{shown(value)}"><title>{escape(text)}</title></rect>'
        )
        offset += value
    end = PLOT_LEFT + _x(offset, maximum) + 4
    parts.append(f'<text x="{end:.2f}" y="{middle:.2f}" font-weight="bold">{shown(bar.total)}</text>')
    return parts


def _describe(bars: Sequence[Bar], series: Sequence[str]) -> str:
    lines = []
    for bar in bars:
        by_series = ", ".join(f"{name} {shown(v)}" for name, v in zip(series, bar.values, strict=True))
        lines.append(f"{bar.label}: {shown(bar.total)} points ({by_series})")
    return "; ".join(lines) + "."
