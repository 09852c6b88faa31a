"""Counting working days in closed form gives exactly what counting day by day gives."""

from __future__ import annotations

import datetime as dt
import random

from nieuwestart.deadlines.calendar import WorkingCalendar, dutch_holidays


def _day_by_day(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    sign, low, high = (1, start, end) if end >= start else (-1, end, start)
    count, current = 0, low
    while current < high:
        current += dt.timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return sign * count


def test_working_days_between_matches_counting_day_by_day():
    extra = {dt.date(2026, 5, 15), dt.date(2026, 12, 27), dt.date(2025, 1, 4)}  # Fri, Sun, Sat
    calendar = WorkingCalendar(
        holidays=dutch_holidays([2024, 2025, 2026, 2027]), extra_days=frozenset(extra)
    )
    rng = random.Random(6)
    base = dt.date(2024, 1, 1)
    for _ in range(3_000):
        start = base + dt.timedelta(days=rng.randint(0, 4 * 365))
        end = start + dt.timedelta(days=rng.randint(-500, 500))
        assert calendar.working_days_between(start, end) == _day_by_day(calendar, start, end), (
            start,
            end,
        )


def test_a_deadline_months_late_counts_its_working_days():
    calendar = WorkingCalendar(holidays=dutch_holidays([2026]))
    # 2 January (a Friday) to 2 March 2026 (a Monday): 41 weekdays after the 2nd, no holidays.
    assert calendar.working_days_between(dt.date(2026, 1, 2), dt.date(2026, 3, 2)) == 41
    assert calendar.working_days_between(dt.date(2026, 3, 2), dt.date(2026, 1, 2)) == -41
    # Over Easter 2026: Easter Monday (6 April) is not counted, Good Friday (3 April) is.
    assert calendar.working_days_between(dt.date(2026, 4, 2), dt.date(2026, 4, 7)) == 2
