"""Dutch working days for the agreed deadlines (DOMAIN.md, "The timeline the partners agreed").

Rule: a working day is a weekday (Monday to Friday) that is not a public holiday and not an
extra non-working day an administrator added (`ExtraNonWorkingDay`, e.g. a bridge day the
whole chain takes off). Counting starts the day after the given day: the arrival day is day 0,
day 1 is the next working day, so "within 10 working days of arrival" is
`add_working_days(arrival, 10)`.

Which holidays: the handreiking's deadlines are process agreements, not statutory terms, but
we follow the Algemene termijnenwet (art. 3) because partners know that list and it is cheap:
Nieuwjaarsdag, Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag, Eerste and Tweede Kerstdag,
Koningsdag (26 April when 27 April is a Sunday) and **5 May every year** (Bevrijdingsdag).
**Goede Vrijdag is not a holiday here.** The `holidays` package (Netherlands) differs on both
points: it includes Good Friday and has 5 May only in lustrum years (2025, 2030, ...), so
`dutch_holidays` removes Good Friday and adds 5 May every year. Easter Sunday and Whit Sunday
are in the package's set too; they fall on Sundays, so they change nothing.

`WorkingCalendar` is pure (no database): the selectors build it from `dutch_holidays` and the
extra days; the rules and their tests take it as an argument.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import holidays

GOOD_FRIDAY_OFFSET = dt.timedelta(days=2)  # Good Friday is two days before Easter Sunday
LIBERATION_DAY = (5, 5)


@lru_cache(maxsize=64)
def _year_holidays(year: int) -> frozenset[dt.date]:
    days = holidays.country_holidays("NL", years=year, language="en_US")
    good_fridays = {day for day, name in days.items() if name == "Good Friday"}
    easter = {day for day, name in days.items() if name == "Easter Sunday"}
    # Belt and braces: the name may change between package versions, the date does not.
    good_fridays |= {day - GOOD_FRIDAY_OFFSET for day in easter}
    kept = {day for day in days if day not in good_fridays}
    kept.add(dt.date(year, *LIBERATION_DAY))
    return frozenset(kept)


def dutch_holidays(years: Iterable[int]) -> frozenset[dt.date]:
    """Public holidays under the Algemene termijnenwet for the given years (see module doc)."""
    result: set[dt.date] = set()
    for year in set(years):
        result |= _year_holidays(year)
    return frozenset(result)


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[dt.date] = frozenset()
    extra_days: frozenset[dt.date] = frozenset()

    @classmethod
    def netherlands(
        cls, years: Iterable[int], extra_days: Iterable[dt.date] = ()
    ) -> WorkingCalendar:
        return cls(holidays=dutch_holidays(years), extra_days=frozenset(extra_days))

    @cached_property
    def _off(self) -> frozenset[dt.date]:
        """Holidays and extra days together, built once per calendar (not per call)."""
        return self.holidays | self.extra_days

    @cached_property
    def _off_weekdays(self) -> tuple[dt.date, ...]:
        """The holidays and extra days that fall on a weekday, sorted (for bisect)."""
        return tuple(sorted(day for day in self._off if day.weekday() < 5))

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._off

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (`day` itself is day 0, whatever it is)."""
        if n < 0:
            return self.subtract_working_days(day, -n)
        current, counted = day, 0
        while counted < n:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def subtract_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day before `day`."""
        if n < 0:
            return self.add_working_days(day, -n)
        current, counted = day, 0
        while counted < n:
            current -= dt.timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def on_or_after(self, day: dt.date) -> dt.date:
        """`day` when it is a working day, else the next one (a term ending on a holiday moves
        to the next working day, Algemene termijnenwet art. 1)."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def on_or_before(self, day: dt.date) -> dt.date:
        """`day` when it is a working day, else the working day before it."""
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def last_working_day_before(self, day: dt.date) -> dt.date:
        """The last working day strictly before `day`."""
        return self.subtract_working_days(day, 1)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is
        earlier (then: working days after `end` up to and including `start`)."""
        if end == start:
            return 0
        sign, low, high = (1, start, end) if end > start else (-1, end, start)
        # Weekdays in (low, high]: five in every whole week, then the remaining days one by
        # one; then the holidays and extra days that fall on those weekdays. Not day by day:
        # work lists count this for deadlines that are months late (docs/benchmarks.md).
        weeks, rest = divmod((high - low).days, 7)
        count, current = weeks * 5, low + dt.timedelta(days=weeks * 7)
        for _ in range(rest):
            current += dt.timedelta(days=1)
            if current.weekday() < 5:
                count += 1
        off = self._off_weekdays
        count -= bisect.bisect_right(off, high) - bisect.bisect_right(off, low)
        return sign * count
