"""Server-rendered bar charts (SVG, no script) of an indicator's trend.

Rule (issue 5, item 2): a manager reads the chart at a glance, and everyone can read the same
figures in the table next to it (the chart is `aria-hidden`-free but labelled as an image with a
summary; the table is the accessible alternative). A withheld month (fewer than 5 trajectories)
has no bar but a dashed outline, and the table says "minder dan 5". Pure geometry: no database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nieuwestart.indicators.selectors import TrendPoint

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


def bar_chart(points: list[TrendPoint]) -> Chart:
    count = max(len(points), 1)
    slot = (WIDTH - LEFT - 8) / count
    bar_width = max(slot * 0.7, 2)
    every = max(1, math.ceil(count / MAX_LABELS))
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for index, point in enumerate(points):
        value = point.cell.value or 0.0
        height = PLOT_HEIGHT * value / 100
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
        GridLine(y=round(baseline - PLOT_HEIGHT * pct / 100, 1), label=f"{pct}%")
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
