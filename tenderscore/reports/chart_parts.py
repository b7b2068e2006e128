"""What every SVG chart here shares: the font, the colours, the legend and the grid lines with their labels.

Each returns plain SVG elements as strings; every name goes through ``markupsafe.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

FONT = "Liberation Sans, DejaVu Sans, sans-serif"
INK = "#0b0c0c"
GRID = "#b1b4b6"
# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass(frozen=True)
class Key:
    """One entry of a legend: a filled box (``fill``, a colour or ``url(#pattern)``), or a line (``dash``: "" solid,
    "6 4" dashed) with a round marker when ``marker``."""

    name: str
    fill: str = ""
    line: bool = False
    dash: str = ""
    marker: bool = False
    stroke: str = INK


def legend(keys: Sequence[Key], *, x: float, y: float, width: float = 12, height: float = 12,
           outlined: bool = False, char_width: float = 6.2, gap: float = 18) -> list[str]:  # fmt: skip
    """The keys in a row from (``x``, ``y``), each swatch followed by its name."""
    parts = []
    for key in keys:
        if key.line:
            middle = y + height / 2
            dash = f' stroke-dasharray="{key.dash}"' if key.dash else ""
            parts.append(f'<line x1="{x:.2f}" y1="{middle:.2f}" x2="{x + width:.2f}" y2="{middle:.2f}" '
                         f'stroke="{key.stroke}" stroke-width="2"{dash}/>')  # fmt: skip
            if key.marker:
                parts.append(f'<circle cx="{x + width / 2:.2f}" cy="{middle:.2f}" r="3.5" fill="#ffffff" '
                             f'stroke="{key.stroke}" stroke-width="1.5"/>')  # fmt: skip
        else:
            stroke = f' stroke="{INK}" stroke-width="0.5"' if outlined else ""
            parts.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{width}" height="{height}" fill="{key.fill}"{stroke}/>')
        parts.append(f'<text x="{x + width + 4:.2f}" y="{y + height - 2:.2f}">{escape(key.name)}</text>')
        x += width + 4 + char_width * len(key.name) + gap
    return parts


def grid(ticks: Sequence[tuple[float, str]], *, start: float, end: float, vertical: bool = True,
         label_offset: float = 12, font_size: int | None = None) -> list[str]:  # fmt: skip
    """A grid line at each tick's position, from ``start`` to ``end`` across the plot, labelled (a blank label: no
    label) past the end for vertical lines, before the start for horizontal ones."""
    size = f' font-size="{font_size}"' if font_size else ""
    parts = []
    for position, label in ticks:
        if vertical:
            parts.append(f'<line x1="{position:.2f}" y1="{start:.2f}" x2="{position:.2f}" y2="{end:.2f}" '
                         f'stroke="{GRID}" stroke-width="0.5"/>')  # fmt: skip
            if label:
                parts.append(f'<text x="{position:.2f}" y="{end + label_offset:.2f}" text-anchor="middle"{size}>'
                             f"{escape(label)}</text>")  # fmt: skip
        else:
            parts.append(f'<line x1="{start:.2f}" y1="{position:.2f}" x2="{end:.2f}" y2="{position:.2f}" '
                         f'stroke="{GRID}" stroke-width="0.5"/>')  # fmt: skip
            if label:
                parts.append(f'<text x="{start - label_offset:.2f}" y="{position + 3:.2f}" text-anchor="end"{size}>'
                             f"{escape(label)}</text>")  # fmt: skip
    return parts
