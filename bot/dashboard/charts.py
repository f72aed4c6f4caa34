"""Charts drawn on the server as inline SVG: no script, no asset from the internet.

The labels come from bot.texts; every text is escaped. Widths are in viewBox units, so a chart
scales to the width of a phone or a desktop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from bot import texts
from scheduler.status import Tally
from storage.dashboard import Week

# (key, colour) of the five categories, in the order of /status.
SERIES = (
    ("hoan_thanh_dung_han", "#2e7d32"),
    ("hoan_thanh_qua_han", "#b7791f"),
    ("dang_thuc_hien_trong_han", "#1565c0"),
    ("qua_han", "#c62828"),
    ("vuong_mac", "#6a1b9a"),
)


def series_name(key: str) -> str:
    return texts.BLOCKED_NAME if key == "vuong_mac" else texts.CATEGORY_NAMES[key]


def values(tally: Tally) -> tuple[int, int, int, int, int]:
    """The five categories of `tally`, in the order of SERIES."""
    return (tally.done_on_time, tally.done_late, tally.in_progress, tally.overdue, tally.blocked)


@dataclass(frozen=True)
class Legend:
    name: str
    colour: str
    value: int


def legend(tally: Tally) -> list[Legend]:
    return [Legend(series_name(key), colour, value)
            for (key, colour), value in zip(SERIES, values(tally), strict=True)]


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'class="chart" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body) + "</svg>")


def category_bars(tally: Tally) -> Markup:
    """Five horizontal bars, one per category, with its count and its share of the items."""
    width, row, label_w = 600, 34, 230
    counts = values(tally)
    top = max(counts) or 1
    body = []
    for index, ((key, colour), count) in enumerate(zip(SERIES, counts, strict=True)):
        y = index * row + 6
        length = round((width - label_w - 90) * count / top)
        share = f"{count * 100 / tally.total:.0f}%" if tally.total else "0%"
        body.append(
            f'<text x="0" y="{y + 17}" font-size="15">{escape(series_name(key))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(length, 1)}" height="22" '
            f'fill="{colour}" rx="3"/>'
            f'<text x="{label_w + length + 6}" y="{y + 17}" font-size="15">{count} '
            f'({share})</text>')
    return _svg(width, row * len(SERIES) + 6, texts.SHARE_TITLE, body)


def trend_lines(weeks: Sequence[Week]) -> Markup:
    """One line per category across the weeks, a dot per week, dates under the axis."""
    width, height, left, bottom, top_pad = 640, 260, 46, 36, 12
    if not weeks:
        return _svg(width, 40, texts.TREND_TITLE,
                    [f'<text x="0" y="24" font-size="15">{escape(texts.CHART_NO_DATA)}</text>'])
    series = [values(week.tally) for week in weeks]
    top = max(max(point) for point in series) or 1
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    step = plot_w / max(1, len(weeks) - 1)

    def xy(k: int, value: int) -> str:
        return f"{left + k * step:.1f},{top_pad + plot_h - plot_h * value / top:.1f}"

    body = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" '
            f'y2="{top_pad + plot_h}" stroke="#888"/>',
            f'<text x="0" y="{top_pad + 10}" font-size="13">{top}</text>',
            f'<text x="0" y="{top_pad + plot_h}" font-size="13">0</text>']
    for index, (_, colour) in enumerate(SERIES):
        points = " ".join(xy(k, point[index]) for k, point in enumerate(series))
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"/>')
    for k, week in enumerate(weeks):
        if k % 2 == len(weeks) % 2 or k == len(weeks) - 1:
            body.append(f'<text x="{left + k * step:.1f}" y="{height - 14}" font-size="12" '
                        f'text-anchor="middle">{week.end.strftime("%d/%m")}</text>')
    return _svg(width, height, texts.TREND_TITLE, body)


def rank_bars(rows: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars of the overdue items of the agencies given (name, count)."""
    width, row, label_w = 600, 28, 220
    if not rows:
        return _svg(width, 40, texts.RANK_TITLE,
                    [f'<text x="0" y="24" font-size="15">{escape(texts.CHART_NO_DATA)}</text>'])
    top = max(count for _, count in rows) or 1
    body = []
    for index, (name, count) in enumerate(rows):
        y = index * row + 4
        length = round((width - label_w - 60) * count / top)
        shown = name if len(name) <= 26 else name[:25] + "…"
        body.append(
            f'<text x="0" y="{y + 16}" font-size="14">{escape(shown)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(length, 1)}" height="20" fill="#c62828" '
            f'rx="3"/><text x="{label_w + length + 6}" y="{y + 16}" font-size="14">{count}</text>')
    return _svg(width, row * len(rows) + 4, texts.RANK_TITLE, body)
