"""Server-rendered bar charts (SVG, no script) of an indicator's trend.

Rule (issue 5, item 2): a manager reads the chart at a glance, and everyone can read the same
figures in the table next to it (the chart is `aria-hidden`-free but labelled as an image with a
summary; the table is the accessible alternative). A withheld month (fewer than 5 trajectories)
has no bar but a dashed outline, and the table says "minder dan 5". Pure geometry: no database.

A share is drawn on a 0-100% axis; a duration (median days) on an axis from 0 to the largest
median rounded up to a multiple of 4 days, so the grid labels are whole days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from nieuwestart.indicators.selectors import DurationPoint, TrendPoint

WIDTH = 640
HEIGHT = 200
LEFT = 44  # room for the axis labels
TOP = 10
BOTTOM = 30  # room for the month labels
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
MAX_LABELS = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label: str  # the month under the bar, or "" when labels are thinned out
    value_text: str
    suppressed: bool
    empty: bool


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    grid: list[GridLine]
    left: int
    right: int
    baseline: float
    label_y: float


def bar_chart(points: Sequence[TrendPoint | DurationPoint]) -> Chart:
    days = any(isinstance(p, DurationPoint) for p in points)
    top = 100.0
    if days:
        largest = max((p.cell.chart_value or 0.0 for p in points), default=0.0)
        top = float(max(4, math.ceil(largest / 4) * 4))
    count = max(len(points), 1)
    slot = (WIDTH - LEFT - 8) / count
    bar_width = max(slot * 0.7, 2)
    every = max(1, math.ceil(count / MAX_LABELS))
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for index, point in enumerate(points):
        value = point.cell.chart_value or 0.0
        height = PLOT_HEIGHT * value / top
        if point.cell.suppressed or point.cell.empty:
            height = PLOT_HEIGHT * 0.08  # a low dashed outline marks "no figure"
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label_x=round(x + bar_width / 2, 1),
                label=point.bucket.label if index % every == 0 else "",
                value_text=point.cell.text,
                suppressed=point.cell.suppressed,
                empty=point.cell.empty,
            )
        )
    grid = [
        GridLine(
            y=round(baseline - PLOT_HEIGHT * pct / 100, 1),
            label=_("%(n)d d") % {"n": round(top * pct / 100)} if days else f"{pct}%",
        )
        for pct in (0, 25, 50, 75, 100)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        grid=grid,
        left=LEFT,
        right=WIDTH - 4,
        baseline=baseline,
        label_y=baseline + 18,
    )


def svg(chart: Chart, code: str, title: str) -> SafeString:
    """The chart as SVG markup, built in Python: a dashboard has 27 charts, and rendering each
    bar and grid line through the template language costs more than the queries."""
    grid = format_html_join(
        "",
        '<line class="ns-chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="ns-chart__axis" x="{}" y="{}" dy="4" text-anchor="end">{}</text>',
        (
            (chart.left, chart.right, line.y, line.y, chart.left - 6, line.y, line.label)
            for line in chart.grid
        ),
    )
    bars = format_html_join(
        "",
        '<rect class="ns-chart__bar{}" x="{}" y="{}" width="{}" height="{}"/>{}',
        (
            (
                " ns-chart__bar--none" if bar.suppressed or bar.empty else "",
                bar.x,
                bar.y,
                bar.width,
                bar.height,
                format_html(
                    '<text class="ns-chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    bar.label_x,
                    chart.label_y,
                    bar.label,
                )
                if bar.label
                else "",
            )
            for bar in chart.bars
        ),
    )
    return format_html(
        '<svg class="ns-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="grafiek-{}">'
        '<title id="grafiek-{}">{}</title>{}{}</svg>',
        chart.width,
        chart.height,
        code,
        code,
        title,
        grid,
        bars,
    )


def _cell(value: object) -> SafeString:
    return format_html(
        '<td class="utrecht-table__cell utrecht-table__cell--numeric-column">{}</td>', value
    )


def table_rows(points: Sequence[TrendPoint | DurationPoint], waiting: bool) -> SafeString:
    """The rows of a card's table ("Cijfers als tabel"), built in Python like the chart."""
    rows = []
    for point in points:
        cell = point.cell
        if cell.suppressed or cell.empty:
            figures = format_html('<td class="utrecht-table__cell" colspan="3">{}</td>', cell.text)
        elif isinstance(point, DurationPoint):
            mean = number_format(point.cell.mean or 0.0, decimal_pos=1)
            mean = mean.removesuffix(",0").removesuffix(".0")  # 12 dagen, 12,5 dagen
            figures = (
                _cell(point.cell.count)
                + _cell(cell.text)
                + _cell(_("%(mean)s dagen") % {"mean": mean})
            )
        else:
            figures = _cell(cell.numerator) + _cell(cell.denominator) + _cell(cell.text)
        if waiting:
            shown = cell.waiting
            figures += _cell(_("minder dan 5") if shown is None else shown)
        rows.append(
            format_html(
                '<tr class="utrecht-table__row">'
                '<th scope="row" class="utrecht-table__header-cell">{}</th>{}</tr>',
                point.bucket.label,
                figures,
            )
        )
    return SafeString("".join(rows))  # nosec B703  # every row comes from format_html
