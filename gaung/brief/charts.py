"""The brief's charts as inline SVG, drawn on the server.

Hand-written SVG rather than a plotting library: two simple charts need no plotting stack, the output is
a few kilobytes, and the same markup renders identically in a browser, an email and WeasyPrint's PDF (no
JavaScript, no browser). Every piece of text that reaches the SVG — outlet names come from the web — is
escaped here, and the result is marked safe only after that.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from gaung.brief.data import DayVolume, OutletShare

# Tone colours chosen to stay apart in greyscale print (dark red, mid grey, light green), with a pattern-free
# legend that names each tone.
TONE_COLOURS = {"positive": "#2e8b57", "neutral": "#9aa5b1", "negative": "#b22222", "unknown": "#d9dee3"}
FONT = "DejaVu Sans, Noto Sans, Liberation Sans, Arial, sans-serif"


def _text(
    x: float, y: float, value: str, *, size: int = 10, anchor: str = "start", fill: str = "#333"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-family="{FONT}">{escape(value)}</text>'
    )


def _axis(peak: int) -> tuple[int, int]:
    """(axis maximum, gridline step): a step of 1, 2 or 5 × 10^n giving at most four steps, so the
    gridlines fall on whole, readable counts."""
    wanted = max(peak, 1) / 4
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= wanted:
                step *= factor
                return step * -(-max(peak, 1) // step), step
        step *= 10


def tone_over_time(
    series: Sequence[DayVolume],
    labels: dict[str, str],
    *,
    title: str,
    width: int = 680,
    height: int = 230,
) -> Markup:
    """Stacked bars of stories per tone per day, oldest left; `labels` names the tones for the reader."""
    left, right, top, bottom = 34, 10, 26, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    peak, step = _axis(max((day.total for day in series), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for value in range(0, peak + 1, step):  # gridlines with their counts
        y = top + plot_h - plot_h * value / peak
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(_text(left - 4, y + 3, str(value), size=8, anchor="end", fill="#666"))
    slot = plot_w / max(len(series), 1)
    bar = max(slot * 0.7, 1.0)
    for index, day in enumerate(series):
        x = left + index * slot + (slot - bar) / 2
        y = top + plot_h
        for tone in ("negative", "neutral", "positive", "unknown"):
            count = getattr(day, tone)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{TONE_COLOURS[tone]}">'
                f"<title>{escape(day.day)} · {escape(labels.get(tone, tone))}: {count}</title></rect>"
            )
        if len(series) <= 16 or index % 2 == len(series) % 2:
            stamp = f"{day.day[8:10]}/{day.day[5:7]}"
            parts.append(_text(x + bar / 2, top + plot_h + 12, stamp, size=8, anchor="middle", fill="#555"))
    legend_x = left
    for tone in ("positive", "neutral", "negative"):
        parts.append(
            f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{TONE_COLOURS[tone]}"/>'
        )
        name = labels.get(tone, tone)
        parts.append(_text(legend_x + 14, height - 5, name, size=9))
        legend_x += 24 + 6 * len(name)
    parts.append(_text(left, 14, title, size=11, fill="#111"))
    parts.append("</svg>")
    return Markup("".join(parts))


def outlet_share(
    outlets: Sequence[OutletShare],
    *,
    title: str,
    width: int = 680,
    row_height: int = 20,
) -> Markup:
    """Horizontal bars: articles per outlet with the outlet's share of the day's articles."""
    left, right, top = 170, 90, 24
    height = top + row_height * max(len(outlets), 1) + 6
    peak = max((outlet.articles for outlet in outlets), default=1) or 1
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        _text(0, 14, title, size=11, fill="#111"),
    ]
    for index, outlet in enumerate(outlets):
        y = top + index * row_height
        name = outlet.site if len(outlet.site) <= 28 else outlet.site[:27] + "…"
        parts.append(_text(left - 6, y + row_height * 0.65, name, size=9, anchor="end"))
        w = max(plot_w * outlet.articles / peak, 1.0)
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_height - 6}" fill="#3b6ea5">'
            f"<title>{escape(outlet.site)}: {outlet.articles}</title></rect>"
        )
        parts.append(
            _text(left + w + 4, y + row_height * 0.65, f"{outlet.articles} ({outlet.share:.0f}%)", size=9)
        )
    parts.append("</svg>")
    return Markup("".join(parts))
