"""Charts drawn on the server as SVG: no JavaScript, no inline styles (CSP-safe), labels in
the reader's language. Bars are scaled to the largest value; every bar carries its figure
as text, so the chart is readable without colour and by screen readers (role="img" and a
title/desc)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from solidarity.core.formatting import format_money
from solidarity.core.money import Money

WIDTH = 640
BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 160
MAX_LABEL_WIDTH = 320
VALUE_WIDTH = 120


@dataclass(frozen=True)
class Bar:
    label: str
    value: Money
    kind: str = "in"  # "in" or "out": colour class


def bar_chart(bars: list[Bar], *, title: str, description: str = "") -> str:
    """Horizontal bars, one currency per chart (mixing currencies would mislead)."""
    if not bars:
        return ""
    currencies = {b.value.currency for b in bars}
    if len(currencies) != 1:
        raise ValueError("A bar chart shows one currency.")
    largest = max(abs(b.value.minor) for b in bars) or 1
    # Room for the longest label (about 0.6 em a character at 14 px), so none is cut off.
    label_width = min(MAX_LABEL_WIDTH, max(LABEL_WIDTH, round(8.6 * max(len(b.label) for b in bars)) + 12))
    span = WIDTH - label_width - VALUE_WIDTH
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" class="chart" '
        f"aria-label={quoteattr(title)}>",  # not aria-labelledby: its id would clash between two charts
        f"<title>{escape(title)}</title>",
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        length = max(1, round(span * abs(bar.value.minor) / largest)) if bar.value.minor else 0
        colour = "#2f6f4f" if bar.kind == "in" else "#8a4b00"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + BAR_HEIGHT * 0.7:.0f}" text-anchor="end" font-size="14" fill="#1f2328">{escape(bar.label)}</text>'
        )
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length}" height="{BAR_HEIGHT}" rx="4" fill="{colour}"/>')
        parts.append(
            f'<text x="{label_width + length + 6}" y="{y + BAR_HEIGHT * 0.7:.0f}" font-size="14" fill="#1f2328">{escape(format_money(bar.value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
