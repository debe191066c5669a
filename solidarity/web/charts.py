"""Charts drawn on the server as SVG: no JavaScript, no inline styles (CSP-safe), labels in
the reader's language. Bars are scaled to the largest value; every bar carries its figure
as text, so the chart is readable without colour and by screen readers (role="img" and a
title/desc).

The drawing is as narrow as a phone (WIDTH, about 375 px less the page's margins), so it
shrinks little there: each label sits on its own line above its bar (wrapped, never cut),
and each figure sits after its bar, or inside it in white where the space after would not
hold it, so no figure runs off the edge. A legend names the colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from solidarity.core.formatting import format_money
from solidarity.core.money import Money

WIDTH = 340
PAD = 2
FONT_SIZE = 13
CHAR_WIDTH = 8.2  # a generous average advance at 13 px (DejaVu Sans digits are 0.64 em), so estimates err wide
LINE = 17
BAR_HEIGHT = 20
GAP = 12
COLOURS = {"in": "#2f6f4f", "out": "#8a4b00"}
INK = "#1f2328"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Money
    kind: str = "in"  # "in" or "out": colour class


def _wrap(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width` characters at spaces (a longer word is split)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{line} {word}" if line else word
        if len(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines or [""]


def _text(x: float, y: float, text: str, *, fill: str = INK, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{FONT_SIZE}" fill="{fill}"'
        + (f' text-anchor="{anchor}"' if anchor != "start" else "")
        + f">{escape(text)}</text>"
    )


def bar_chart(
    bars: list[Bar], *, title: str, description: str = "", legend: list[tuple[str, str]] | None = None
) -> str:
    """Horizontal bars, one currency per chart (mixing currencies would mislead).

    `legend` is a list of (kind, label), e.g. [("in", "Collected"), ("out", "Paid out")].
    """
    if not bars:
        return ""
    currencies = {b.value.currency for b in bars}
    if len(currencies) != 1:
        raise ValueError("A bar chart shows one currency.")
    largest = max(abs(b.value.minor) for b in bars) or 1
    span = WIDTH - 2 * PAD
    chars_per_line = int(span // CHAR_WIDTH)
    body: list[str] = []
    y = float(PAD)
    if legend:
        x = float(PAD)
        for kind, label in legend:
            body.append(f'<rect x="{x:.0f}" y="{y + 3:.0f}" width="12" height="12" rx="2" fill="{COLOURS[kind]}"/>')
            body.append(_text(x + 17, y + 14, label))
            x += 17 + len(label) * CHAR_WIDTH + 14
        y += LINE + GAP / 2
    for bar in bars:
        for line in _wrap(bar.label, chars_per_line):
            y += LINE
            body.append(_text(PAD, y - 4, line))
        y += 2
        length = max(1, round(span * abs(bar.value.minor) / largest)) if bar.value.minor else 0
        figure = format_money(bar.value)
        figure_width = len(figure) * CHAR_WIDTH
        body.append(
            f'<rect x="{PAD}" y="{y:.0f}" width="{length}" height="{BAR_HEIGHT}" rx="4" fill="{COLOURS[bar.kind]}"/>'
        )
        baseline = y + BAR_HEIGHT * 0.72
        if PAD + length + 6 + figure_width <= WIDTH - PAD:
            body.append(_text(PAD + length + 6, baseline, figure))
        else:  # the longest bars: the figure inside, right-aligned, where the bar is wider than it
            body.append(_text(PAD + length - 6, baseline, figure, fill="#ffffff", anchor="end"))
        y += BAR_HEIGHT + GAP
    height = round(y)
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" class="chart" '
        f"aria-label={quoteattr(title)}>",  # not aria-labelledby: its id would clash between two charts
        f"<title>{escape(title)}</title>",
    ]
    if description:
        head.append(f"<desc>{escape(description)}</desc>")
    return "".join([*head, *body, "</svg>"])
