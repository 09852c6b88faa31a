"""Short stay, derived from the trajectory's dates and never asked (DOMAIN.md, "Short stays").

Rule: a stay is *short* when the expected end date falls less than three calendar months after
the start date, and *very short* ("zeer kort") when it falls less than 28 days after it. Almost
three quarters of detainees stay less than three months and many less than 28 days; for them the
timeline shrinks and the screening focuses on quick wins (ID, payment arrangements, keeping the
home, benefit). Without an expected end date the length is unknown, which is not short.

Pure functions of the two dates: tested without a database.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

SHORT_STAY_MONTHS = 3
VERY_SHORT_STAY_DAYS = 28


class StayLength(models.TextChoices):
    VERY_SHORT = "zeer-kort", _("zeer kort verblijf (minder dan 28 dagen)")
    SHORT = "kort", _("kort verblijf (minder dan 3 maanden)")
    REGULAR = "regulier", _("3 maanden of langer")
    UNKNOWN = "onbekend", _("einddatum nog niet bekend")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month when that day does not exist."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stay_length(start: dt.date, expected_end: dt.date | None) -> StayLength:
    if expected_end is None:
        return StayLength.UNKNOWN
    if (expected_end - start).days < VERY_SHORT_STAY_DAYS:
        return StayLength.VERY_SHORT
    if expected_end < add_months(start, SHORT_STAY_MONTHS):
        return StayLength.SHORT
    return StayLength.REGULAR


def is_short_stay(start: dt.date, expected_end: dt.date | None) -> bool:
    """Less than three months (a very short stay is short too)."""
    return stay_length(start, expected_end) in (StayLength.SHORT, StayLength.VERY_SHORT)


def is_very_short_stay(start: dt.date, expected_end: dt.date | None) -> bool:
    """Less than 28 days."""
    return stay_length(start, expected_end) == StayLength.VERY_SHORT
