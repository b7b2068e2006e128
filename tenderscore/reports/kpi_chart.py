"""A KPI against its target over a contract's reporting periods, as SVG: one line of what was delivered, a dashed
target line, one column per period.

Readable without colour: what was delivered is a solid line with a round marker at each period, each marker
labelled with its figure; the target is a dashed line labelled in words ("Target 15%"); under each period its name,
its rating in words, and "late" when its return was late. A period with no figure says so in words ("no figure")
where its marker would be. The drawing scales down to a 375 px screen (a viewBox; the page's CSS caps its width at
the column's); the page shows
the same figures in a table beside it. Every text goes through ``markupsafe.escape``; each marker carries
``data-period`` and ``data-value``, the target line ``data-target``, so tests check the drawing against the data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from markupsafe import Markup, escape

from .chart_parts import FONT, INK, Key, grid, legend

COLUMN = 84  # width per period
MIN_WIDTH = 360
LEFT = 48  # room for the value axis labels
RIGHT = 100  # room for the target's label
TOP = 34  # room for the legend
PLOT_HEIGHT = 150
BOTTOM = 60  # period name, rating (two lines at most), late
TICKS = 4
SCALE = 1.25  # drawn a little larger than its units on a wide screen; CSS shrinks it to a narrow one
LINE = "#1d70b8"
TARGET = "#d4351c"


@dataclass(frozen=True)
class Point:
    """One period: its name ("Period 1"), the figure delivered (None: no figure), that figure as shown ("13.5%"),
    its rating in words, and whether its return was late."""

    label: str
    value: Decimal | None
    shown: str
    rating: str
    late: bool = False


def axis(highest: Decimal) -> tuple[Decimal, Decimal]:
    """A round top for the value axis at or above ``highest``, and the step between its labels: the step is 1, 2,
    2.5 or 5 times a power of ten, giving at most four steps (``axis(Decimal(22))`` is 30 by 10)."""
    if highest <= 0:
        return Decimal(1), Decimal(1)
    power = Decimal(10) ** (highest / TICKS).adjusted()
    step = next(s * power for s in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
                if s * power * TICKS >= highest)  # fmt: skip
    return (highest / step).to_integral_value(rounding=ROUND_CEILING) * step, step


def kpi_chart_svg(points: Sequence[Point], *, target: Decimal | None, target_shown: str, title: str,
                  chart_id: str) -> Markup:  # fmt: skip
    """SVG markup for the KPI's ``points`` against its ``target`` (None: no numeric target, no target line)."""
    width = max(MIN_WIDTH, LEFT + RIGHT + COLUMN * max(len(points), 1))
    height = TOP + PLOT_HEIGHT + BOTTOM
    values = [p.value for p in points if p.value is not None] + ([target] if target is not None else [])
    maximum, step = axis(max(values, default=Decimal(0)) * Decimal("1.1"))
    bottom = TOP + PLOT_HEIGHT

    def y(value: Decimal) -> float:
        return bottom - float(value / maximum) * PLOT_HEIGHT

    def x(index: int) -> float:
        return LEFT + COLUMN * (index + 0.5)

    ticks = [(y(step * i), f"{(step * i).normalize():f}") for i in range(int(maximum / step) + 1)]
    keys = [Key("Delivered", line=True, marker=True, stroke=LINE)]
    if target is not None:
        keys.append(Key("Target", line=True, dash="6 4", stroke=TARGET))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-kpi-chart" role="img" width="{round(width * SCALE)}" '
        f'height="{round(height * SCALE)}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(points, target_shown if target is not None else ""))}</desc>',
        f'<g font-family="{FONT}" font-size="11" fill="{INK}">',
        *legend(keys, x=LEFT, y=8, width=24, char_width=6, gap=14),
        *grid(ticks, start=LEFT, end=width - RIGHT, vertical=False, label_offset=6, font_size=10),
        f'<line x1="{LEFT}" y1="{bottom}" x2="{width - RIGHT}" y2="{bottom}" stroke="{INK}" stroke-width="1"/>',
    ]
    if target is not None:
        ty = y(target)
        parts.append(f'<line x1="{LEFT}" y1="{ty:.2f}" x2="{width - RIGHT}" y2="{ty:.2f}" stroke="{TARGET}" '
                     f'stroke-width="2" stroke-dasharray="6 4" data-target="{target}"/>')  # fmt: skip
        parts.append(f'<text x="{width - RIGHT + 4:.2f}" y="{ty + 4:.2f}" font-weight="bold">'
                     f"{escape(target_shown)}</text>")  # fmt: skip
    parts += _delivered(points, x, y)
    for index, point in enumerate(points):
        parts.append(f'<text x="{x(index):.2f}" y="{bottom + 14}" text-anchor="middle">{escape(point.label)}</text>')
        lines = _two_lines(point.rating)
        for n, words in enumerate(lines):
            parts.append(f'<text x="{x(index):.2f}" y="{bottom + 28 + 12 * n}" text-anchor="middle" font-size="10">'
                         f"{escape(words)}</text>")  # fmt: skip
        if point.late:
            parts.append(f'<text x="{x(index):.2f}" y="{bottom + 30 + 12 * len(lines)}" text-anchor="middle" '
                         f'font-size="10" font-weight="bold">late</text>')  # fmt: skip
    parts.append("</g></svg>")
    return Markup("".join(parts))


def _delivered(points: Sequence[Point], x: Callable[[int], float], y: Callable[[Decimal], float]) -> list[str]:
    parts: list[str] = []
    run: list[str] = []
    for index, point in enumerate(points):
        if point.value is None:
            parts += _run(run)
            run = []
            parts.append(f'<text x="{x(index):.2f}" y="{y(Decimal(0)) - 6:.2f}" text-anchor="middle" '
                         f'font-style="italic" data-period="{escape(point.label)}">no figure</text>')  # fmt: skip
            continue
        px, py = x(index), y(point.value)
        run.append(f"{px:.2f},{py:.2f}")
        parts.append(f'<circle cx="{px:.2f}" cy="{py:.2f}" r="4" fill="#ffffff" stroke="{LINE}" stroke-width="2" '
                     f'data-period="{escape(point.label)}" data-value="{point.value}">'
                     f"<title>{escape(point.label)}: {escape(point.shown)}, {escape(point.rating)}</title></circle>")
        parts.append(f'<text x="{px:.2f}" y="{py - 8:.2f}" text-anchor="middle" font-weight="bold">'
                     f"{escape(point.shown)}</text>")  # fmt: skip
    parts += _run(run)
    # the line goes under its markers
    lines = [p for p in parts if p.startswith("<polyline")]
    return lines + [p for p in parts if not p.startswith("<polyline")]


def _two_lines(words: str) -> list[str]:
    """A rating in a column: "Requires improvement" on two lines."""
    if len(words) <= 12 or " " not in words:
        return [words]
    first, rest = words.split(" ", 1)
    return [first, rest]


def _run(run: list[str]) -> list[str]:
    if len(run) < 2:
        return []
    return [f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE}" stroke-width="2.5"/>']


def describe(points: Sequence[Point], target_shown: str) -> str:
    """The chart in words, for screen readers."""
    each = "; ".join(
        f"{p.label}: {p.shown if p.value is not None else 'no figure'}, {p.rating}{' (return late)' if p.late else ''}"
        for p in points
    )
    return " ".join(part for part in (f"{target_shown}." if target_shown else "No numeric target.",
                                      f"{each}." if points else "No period reported yet.") if part)  # fmt: skip
