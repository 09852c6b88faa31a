"""Small-cell suppression: no figure about fewer than 5 trajectories leaves the system.

Rule (issue 5, item 3): a cell is a numerator with its denominator. When either counts fewer
than `MINIMUM` trajectories, both counts and the value are withheld and the cell reads
"minder dan 5", on the dashboard, in the chart, in CSV and XLSX, and in the API. A zero counts
as fewer than 5 too (except an empty denominator, which reads "geen trajecten": there is no one
to protect). Pure functions: tested without a database.
"""

from __future__ import annotations

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
