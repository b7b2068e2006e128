"""A grouped horizontal bar chart of VCSE shares per tender (promised, verified, verified and confirmed), as SVG.

Readable without colour: each series has its own fill pattern (solid, hatched, dotted) shown in the legend, every
bar is labelled with its value, and the policy's minimum is a dashed line labelled in words. Text goes through
``markupsafe.escape``. Each bar carries ``data-group``, ``data-series`` and ``data-value`` so tests can check the
drawing against the data, and a ``<title>`` for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from .chart_parts import FONT, Key, grid, legend

WIDTH = 660
LABEL_WIDTH = 170
PLOT_LEFT = LABEL_WIDTH + 8
PLOT_WIDTH = WIDTH - PLOT_LEFT - 60  # room on the right for the value
BAR = 14
GAP = 4
GROUP_GAP = 14
LEGEND_HEIGHT = 44
AXIS_HEIGHT = 26
LABEL_CHARS = 26

# (fill, pattern id or None): solid blue, orange hatching, green dots (Okabe–Ito colours)
STYLES = (("#0072B2", None), ("#E69F00", "hatch"), ("#009E73", "dots"))
PATTERNS = (
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#E69F00"/></pattern>',
    '<pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#009E73"/><circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff"/></pattern>',
)


@dataclass(frozen=True)
class Group:
    """One tender: its label and a value (percent) per series, in the chart's series order."""

    label: str
    values: tuple[Decimal, ...]


def grouped_bar_svg(
    groups: Sequence[Group], series: Sequence[str], *, title: str, line: Decimal | None = None, line_label: str = ""
) -> Markup:
    """SVG markup for ``groups`` of bars (one per series) on a 0..100-ish percent axis, with an optional labelled
    vertical ``line`` (a policy's minimum)."""
    values = [v for g in groups for v in g.values] + ([line] if line is not None else [])
    maximum = _axis_maximum(max(values, default=Decimal(0)))
    group_height = len(series) * (BAR + GAP) + GROUP_GAP
    plot_top = LEGEND_HEIGHT
    plot_height = max(len(groups), 1) * group_height
    height = plot_top + plot_height + AXIS_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="share-chart-title share-chart-desc">',
        f'<title id="share-chart-title">{escape(title)}</title>',
        f'<desc id="share-chart-desc">{escape(_describe(groups, series))}</desc>',
        f"<defs>{''.join(PATTERNS)}</defs>",
        f'<g font-family="{FONT}" font-size="10" fill="#0b0c0c">',
        *_legend(series),
        *_grid(maximum, plot_top, plot_height),
    ]
    for i, group in enumerate(groups):
        parts += _group(group, series, maximum, plot_top + i * group_height)
    if line is not None:
        x = _x(line, maximum)
        parts.append(f'<line x1="{x:.1f}" y1="{plot_top - 4}" x2="{x:.1f}" y2="{plot_top + plot_height}" '
                     f'stroke="#d4351c" stroke-width="1.5" stroke-dasharray="5 3" data-line="{line}"/>')  # fmt: skip
        parts.append(f'<text x="{x + 3:.1f}" y="{plot_top + plot_height + 22}" fill="#d4351c">'
                     f"{escape(line_label)}</text>")  # fmt: skip
    parts.append("</g></svg>")
    return Markup("".join(parts))


def _axis_maximum(highest: Decimal) -> Decimal:
    """The axis runs to the next 10% above the highest value (at least 10%, at most 100% unless exceeded)."""
    tens = int(highest // 10) + 1
    return Decimal(max(1, tens) * 10)


def _x(value: Decimal, maximum: Decimal) -> float:
    return PLOT_LEFT + float(min(value, maximum) / maximum) * PLOT_WIDTH


def _fill(index: int) -> str:
    colour, pattern = STYLES[index % len(STYLES)]
    return f"url(#{pattern})" if pattern else colour


def _legend(series: Sequence[str]) -> list[str]:
    keys = [Key(name, _fill(i)) for i, name in enumerate(series)]
    return legend(keys, x=PLOT_LEFT, y=8, width=14, outlined=True, char_width=6, gap=6)


def _grid(maximum: Decimal, top: int, height: int) -> list[str]:
    steps = 5
    values = [maximum * i / steps for i in range(steps + 1)]
    return grid([(_x(v, maximum), f"{v.normalize():f}%") for v in values], start=top, end=top + height)


def _group(group: Group, series: Sequence[str], maximum: Decimal, top: int) -> list[str]:
    label = group.label if len(group.label) <= LABEL_CHARS else group.label[: LABEL_CHARS - 1] + "…"
    parts = [f'<text x="{LABEL_WIDTH}" y="{top + BAR}" text-anchor="end" font-weight="bold">'
             f"<title>{escape(group.label)}</title>{escape(label)}</text>"]  # fmt: skip
    for i, (name, value) in enumerate(zip(series, group.values, strict=True)):
        y = top + i * (BAR + GAP)
        width = _x(value, maximum) - PLOT_LEFT
        shown = f"{value.quantize(Decimal('0.01'))}%"
        parts.append(
            f'<rect x="{PLOT_LEFT}" y="{y}" width="{max(width, 0.5):.1f}" height="{BAR}" fill="{_fill(i)}" '
            f'stroke="#0b0c0c" stroke-width="0.5" data-group="{escape(group.label)}" data-series="{escape(name)}" '
            f'data-value="{value}"><title>{escape(group.label)}: {escape(name)} {shown}</title></rect>'
        )
        parts.append(f'<text x="{PLOT_LEFT + width + 4:.1f}" y="{y + BAR - 3}">{shown}</text>')
    return parts


def _describe(groups: Sequence[Group], series: Sequence[str]) -> str:
    if not groups:
        return "No tender to show."
    return " ".join(
        f"{g.label}: " + ", ".join(f"{name} {v.quantize(Decimal('0.01'))}%" for name, v in zip(series, g.values,
                                                                                            strict=True)) + "."
        for g in groups
    )  # fmt: skip


LIST_PATTERNS = (  # the chart's fills under ids of their own (the chart may be on the same page)
    '<pattern id="bar-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#E69F00"/></pattern>',
    '<pattern id="bar-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#009E73"/><circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff"/></pattern>',
)


def _list_fill(index: int) -> str:
    colour, pattern = STYLES[index % len(STYLES)]
    return f"url(#bar-{pattern})" if pattern else colour


def bar_list_html(groups: Sequence[Group], series: Sequence[str], *, list_id: str) -> Markup:
    """The same figures as ``grouped_bar_svg`` for a phone's width: a list, one item per group, each series a line
    of page text (its name and value, never shrunk with a drawing) over a bar drawn to the chart's scale in the
    chart's fill. Widths are SVG attributes (no inline style: the pages' Content-Security-Policy forbids it)."""
    maximum = _axis_maximum(max((v for g in groups for v in g.values), default=Decimal(0)))
    items = []
    for group in groups:
        lines = []
        for i, (name, value) in enumerate(zip(series, group.values, strict=True)):
            shown = f"{value.quantize(Decimal('0.01'))}%"
            width = float(min(value, maximum) / maximum) * 100
            lines.append(
                f'<dt class="app-bar-list__name">{escape(name)}: <strong>{shown}</strong></dt>'
                f'<dd class="app-bar-list__bar"><svg width="100%" height="{BAR}" aria-hidden="true" focusable="false">'
                f'<rect x="0" y="0" width="{max(width, 0.5):.2f}%" height="{BAR}" fill="{_list_fill(i)}" '
                f'stroke="#0b0c0c" stroke-width="0.5" data-series="{escape(name)}" data-value="{value}"/></svg></dd>'
            )
        items.append(f'<li class="app-bar-list__group"><p class="govuk-body-s govuk-!-font-weight-bold '
                     f'govuk-!-margin-bottom-1">{escape(group.label)}</p><dl>{"".join(lines)}</dl></li>')  # fmt: skip
    defs = (f'<svg class="app-bar-list__defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
            f"{''.join(LIST_PATTERNS)}</defs></svg>")  # fmt: skip
    return Markup(f'<div class="app-bar-list" id="{escape(list_id)}">{defs}'
                  f'<ul class="govuk-list">{"".join(items)}</ul></div>')  # fmt: skip
