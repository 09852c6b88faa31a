"""Small-cell suppression: no figure about fewer than 5 trajectories leaves the system.

Rule (issue 5, item 3): a cell is a numerator with its denominator. When either counts fewer
than `MINIMUM` trajectories, both counts and the value are withheld and the cell reads
"minder dan 5", on the dashboard, in the chart, in CSV and XLSX, and in the API. A zero counts
as fewer than 5 too (except an empty denominator, which reads "geen trajecten": there is no one
to protect). Pure functions: tested without a database.

Durations (days from release to a start): the cell is the number of trajectories behind the
median and the mean. Fewer than 5 (zero included) withholds the count, the median and the
mean; the separate "still waiting" count is withheld below 5 on its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

MINIMUM = 5


@dataclass(frozen=True)
class Cell:
    numerator: int | None  # None when withheld
    denominator: int | None
    value: float | None  # percentage, one decimal; None when withheld or empty
    suppressed: bool
    empty: bool

    @property
    def text(self) -> str:
        """The value as a reader sees it."""
        if self.empty:
            return _("geen trajecten")
        if self.suppressed:
            return suppressed_text()
        return f"{self.value:.1f}%".replace(".", ",")

    @property
    def chart_value(self) -> float | None:
        return self.value

    # A share has no duration figures (the API's fields are then null).
    count = median = mean = waiting = None


@dataclass(frozen=True)
class DurationCell:
    count: int | None  # trajectories behind the median; None when withheld
    median: float | None  # days
    mean: float | None  # days, one decimal
    waiting: int | None  # still waiting; None when withheld or not applicable
    suppressed: bool
    empty: bool

    @property
    def text(self) -> str:
        if self.empty:
            return _("geen trajecten")
        if self.suppressed:
            return suppressed_text()
        return days_text(self.median)

    @property
    def chart_value(self) -> float | None:
        return self.median

    # A duration has no share figures.
    numerator = denominator = value = None


def days_text(days: float | None) -> str:
    if days is None:
        return ""
    shown = f"{days:.1f}".replace(".", ",").removesuffix(",0")
    return _("%(days)s dagen") % {"days": shown} if days != 1 else _("1 dag")


def median(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as value -> how often."""
    n = sum(histogram.values())
    if n == 0:
        return None
    wanted = [(n - 1) // 2, n // 2]  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    both = found[0] + found[1]
    return both // 2 if both % 2 == 0 else both / 2  # whole days stay whole (10, not 10.0)


def duration_cell(histogram: Mapping[int, int], waiting: int | None = None) -> DurationCell:
    """Median and mean of the days, withheld when fewer than `MINIMUM` trajectories."""
    n = sum(histogram.values())
    shown_waiting = count(waiting) if waiting is not None else None
    if n == 0:
        return DurationCell(None, None, None, shown_waiting, suppressed=False, empty=True)
    if n < MINIMUM:
        return DurationCell(None, None, None, shown_waiting, suppressed=True, empty=False)
    mean = sum(days * k for days, k in histogram.items()) / n
    return DurationCell(
        n,
        median(histogram),
        math.floor(mean * 10 + 0.5) / 10,
        shown_waiting,
        suppressed=False,
        empty=False,
    )


def suppressed_text() -> str:
    return _("minder dan %(n)d") % {"n": MINIMUM}


def cell(numerator: int, denominator: int) -> Cell:
    if denominator == 0:
        return Cell(None, None, None, suppressed=False, empty=True)
    if numerator < MINIMUM or denominator < MINIMUM:
        return Cell(None, None, None, suppressed=True, empty=False)
    value = round(100 * numerator / denominator, 1)
    return Cell(numerator, denominator, value, suppressed=False, empty=False)


def count(n: int) -> int | None:
    """A single count of trajectories: withheld (None) when fewer than the minimum."""
    return n if n >= MINIMUM else None
