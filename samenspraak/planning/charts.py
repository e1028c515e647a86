"""An accessible SVG bar chart for a data table: pure, no models.

Horizontal grouped bars (long class or question names stay readable on a phone), one
group per row of the table, up to four series. Colours are the Okabe–Ito palette, made to
stay apart for people with colour-vision deficiencies; each has at least 3:1 contrast
against white, and every bar carries its value as text, so colour is never the only clue.

The Content-Security-Policy forbids inline styles: everything is drawn with presentation
attributes (fill=, stroke=, font-size=). Titles and labels come from users, so every
piece of markup is built with format_html, which escapes them.
"""

import math
from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_SERIES = 4
MAX_CATEGORIES = 40
# Okabe–Ito blue, vermillion, bluish green, reddish purple: 5.2, 3.9, 3.4 and 3.1 : 1
# against white, and distinct in lightness as well as hue.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
INK = "#1b1f24"
GRID = "#c9d0d8"

WIDTH = 720
LABEL_WIDTH = 190  # room for the category labels left of the bars
VALUE_ROOM = 70  # room for a value label right of the longest bar
BAR = 16
GROUP_GAP = 12
LEGEND_LINE = 22
LABEL_CHARS = 28


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering low–high."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    steps = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(steps + 1)]


def format_value(value: float) -> str:
    """A value as people read it: at most two decimals, the locale's decimal sign."""
    rounded = round(value, 2)
    if rounded == int(rounded):
        return number_format(int(rounded))
    return number_format(rounded)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _px(value: float) -> str:
    return f"{value:.1f}"


def summary(label_name: str, labels: Sequence[str], series: Sequence[tuple]) -> str:
    """One sentence saying what the chart shows and where the first series peaks."""
    names = get_text_list([name for name, _values in series], _("and"))
    count = len(labels)
    first = [(v, label) for label, v in zip(labels, series[0][1], strict=True) if v is not None]
    if not first:
        return ngettext(
            "Bar chart of %(series)s per %(label)s for %(count)d row, without values.",
            "Bar chart of %(series)s per %(label)s for %(count)d rows, without values.",
            count,
        ) % {"series": names, "label": label_name, "count": count}
    high = max(first, key=lambda pair: pair[0])
    low = min(first, key=lambda pair: pair[0])
    return ngettext(
        "Bar chart of %(series)s per %(label)s for %(count)d row; the highest %(first)s is "
        "%(high_label)s (%(high)s), the lowest %(low_label)s (%(low)s).",
        "Bar chart of %(series)s per %(label)s for %(count)d rows; the highest %(first)s is "
        "%(high_label)s (%(high)s), the lowest %(low_label)s (%(low)s).",
        count,
    ) % {
        "series": names,
        "label": label_name,
        "count": count,
        "first": series[0][0],
        "high_label": high[1],
        "high": format_value(high[0]),
        "low_label": low[1],
        "low": format_value(low[0]),
    }


def bar_chart(
    *,
    title: str,
    label_name: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    id_prefix: str = "chart",
) -> SafeString:
    """The chart as SVG markup. `series` holds (name, values) pairs, one value per label;
    None is a missing value (no bar, a dash)."""
    if not 1 <= len(series) <= MAX_SERIES:
        raise ValueError(f"a chart has 1 to {MAX_SERIES} series")
    if not 1 <= len(labels) <= MAX_CATEGORIES:
        raise ValueError(f"a chart has 1 to {MAX_CATEGORIES} categories")
    if any(len(values) != len(labels) for _name, values in series):
        raise ValueError("every series needs one value per label")

    present = [v for _name, values in series for v in values if v is not None]
    ticks = nice_ticks(min(present, default=0.0), max(present, default=0.0))
    low, high = ticks[0], ticks[-1]
    left, right = LABEL_WIDTH, WIDTH - VALUE_ROOM

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    legend_height = LEGEND_LINE * len(series) + 8
    top = legend_height + 8
    group = BAR * len(series) + GROUP_GAP
    plot_bottom = top + group * len(labels)
    height = plot_bottom + 32
    parts: list[SafeString] = []

    # Legend: a swatch and the series name, one line each.
    for index, (name, _values) in enumerate(series):
        y = 6 + index * LEGEND_LINE
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
                '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                left,
                y,
                COLOURS[index],
                left + 20,
                y + 12,
                INK,
                name,
            )
        )

    # Grid lines and tick labels.
    for tick in ticks:
        parts.append(
            format_html(
                '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}" '
                'stroke-width="{width}"/>'
                '<text x="{x}" y="{label_y}" font-size="12" text-anchor="middle" '
                'fill="{ink}">{value}</text>',
                x=_px(x(tick)),
                top=top - 4,
                bottom=plot_bottom,
                colour=INK if tick == 0 else GRID,
                width=2 if tick == 0 else 1,
                label_y=plot_bottom + 18,
                ink=INK,
                value=format_value(tick),
            )
        )

    # One group of bars per label.
    for row, label in enumerate(labels):
        group_top = top + row * group + GROUP_GAP / 2
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" '
                'dominant-baseline="middle" fill="{}"><title>{}</title>{}</text>',
                left - 8,
                _px(group_top + BAR * len(series) / 2),
                INK,
                label,
                _short(label),
            )
        )
        for index, (name, values) in enumerate(series):
            value = values[row]
            y = group_top + index * BAR
            if value is None:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" font-size="12" dominant-baseline="middle" '
                        'fill="{}">–</text>',
                        _px(x(0) + 4),
                        _px(y + BAR / 2),
                        INK,
                    )
                )
                continue
            start, end = sorted((x(0), x(value)))
            negative = value < 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {} {}</title></rect>"
                    '<text x="{}" y="{}" font-size="12" text-anchor="{}" '
                    'dominant-baseline="middle" fill="{}">{}</text>',
                    _px(start),
                    _px(y),
                    _px(max(end - start, 1)),
                    BAR - 2,
                    COLOURS[index],
                    label,
                    name,
                    format_value(value),
                    _px(start - 4 if negative else end + 4),
                    _px(y + (BAR - 2) / 2),
                    "end" if negative else "start",
                    INK,
                    format_value(value),
                )
            )

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-labelledby="{id}-title {id}-desc" font-family="system-ui, sans-serif">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{parts}</svg>",
        width=WIDTH,
        height=_px(height),
        id=id_prefix,
        title=title,
        desc=summary(label_name, labels, series),
        parts=format_html_join("", "{}", ((part,) for part in parts)),
    )
