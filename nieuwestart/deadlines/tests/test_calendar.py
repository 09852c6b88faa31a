"""Dutch working days: weekends, holidays (Algemene termijnenwet), extra days. No database."""

from __future__ import annotations

import datetime as dt

from nieuwestart.deadlines.calendar import WorkingCalendar, dutch_holidays

D = dt.date
CAL = WorkingCalendar.netherlands(range(2024, 2028))


def test_arrival_day_is_day_zero_and_day_one_is_the_next_working_day():
    assert CAL.add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert CAL.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)  # Monday -> Tuesday


def test_weekends_do_not_count():
    assert CAL.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday -> Monday
    assert CAL.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # arrival on a Saturday
    assert CAL.add_working_days(D(2026, 3, 2), 10) == D(2026, 3, 16)
    assert not CAL.is_working_day(D(2026, 3, 7))
    assert not CAL.is_working_day(D(2026, 3, 8))


def test_ten_working_days_from_the_friday_before_christmas_skip_christmas_and_new_year():
    # 22, 23, 24, 29, 30, 31 December, 2, 5, 6, 7 January: 25/26 Dec and 1 Jan do not count.
    assert CAL.add_working_days(D(2025, 12, 19), 10) == D(2026, 1, 7)
    for day in (D(2025, 12, 25), D(2025, 12, 26), D(2026, 1, 1)):
        assert not CAL.is_working_day(day)


def test_kings_day_is_27_april_or_26_april_when_27_is_a_sunday():
    assert D(2026, 4, 27) in CAL.holidays  # a Monday
    assert CAL.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)
    assert D(2025, 4, 26) in CAL.holidays  # 27 April 2025 is a Sunday
    assert D(2025, 4, 27) not in CAL.holidays


def test_liberation_day_every_year_and_no_good_friday():
    holidays = dutch_holidays([2026, 2027])
    assert D(2026, 5, 5) in holidays and D(2027, 5, 5) in holidays  # not only lustrum years
    assert D(2026, 4, 3) not in holidays  # Good Friday 2026
    assert D(2026, 4, 6) in holidays  # Easter Monday
    assert CAL.is_working_day(D(2026, 4, 3))
    assert not CAL.is_working_day(D(2027, 5, 5))  # a Wednesday


def test_an_extra_non_working_day_shifts_the_count():
    cal = WorkingCalendar.netherlands([2026], extra_days=[D(2026, 3, 16)])
    assert cal.add_working_days(D(2026, 3, 2), 10) == D(2026, 3, 17)


def test_subtract_and_count_working_days():
    assert CAL.subtract_working_days(D(2026, 3, 9), 1) == D(2026, 3, 6)
    assert CAL.add_working_days(D(2026, 3, 9), -1) == D(2026, 3, 6)
    assert CAL.working_days_between(D(2026, 3, 5), D(2026, 3, 16)) == 7
    assert CAL.working_days_between(D(2026, 3, 16), D(2026, 3, 5)) == -7
    assert CAL.working_days_between(D(2026, 3, 5), D(2026, 3, 5)) == 0
    assert CAL.on_or_after(D(2026, 3, 7)) == D(2026, 3, 9)
    assert CAL.on_or_before(D(2026, 3, 7)) == D(2026, 3, 6)
