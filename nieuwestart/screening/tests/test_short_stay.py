"""Short stay is derived from the dates, never asked (DOMAIN.md, "Short stays"). No database."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.screening.short_stay import (
    StayLength,
    add_months,
    is_short_stay,
    is_very_short_stay,
    stay_length,
)

START = dt.date(2026, 11, 2)


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (dt.date(2026, 11, 2), StayLength.VERY_SHORT),  # released the same day
        (dt.date(2026, 11, 29), StayLength.VERY_SHORT),  # 27 days
        (dt.date(2026, 11, 30), StayLength.SHORT),  # 28 days is no longer very short
        (dt.date(2027, 2, 1), StayLength.SHORT),  # one day short of three months
        (dt.date(2027, 2, 2), StayLength.REGULAR),  # exactly three months
        (dt.date(2027, 11, 2), StayLength.REGULAR),
        (None, StayLength.UNKNOWN),  # no expected end date yet: not short
    ],
)
def test_stay_length_follows_the_dates(end, expected):
    assert stay_length(START, end) == expected


def test_short_and_very_short_flags():
    assert is_short_stay(START, dt.date(2026, 11, 20))
    assert is_very_short_stay(START, dt.date(2026, 11, 20))
    assert is_short_stay(START, dt.date(2027, 1, 15))
    assert not is_very_short_stay(START, dt.date(2027, 1, 15))
    assert not is_short_stay(START, dt.date(2027, 3, 15))
    assert not is_short_stay(START, None)


def test_three_months_from_the_end_of_a_month_uses_the_last_day():
    # 30 November + 3 months is 28 February: a stay until 27 February is short.
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert is_short_stay(dt.date(2026, 11, 30), dt.date(2027, 2, 27))
    assert not is_short_stay(dt.date(2026, 11, 30), dt.date(2027, 2, 28))
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)  # leap year
