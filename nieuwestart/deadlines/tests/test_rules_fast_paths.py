"""The fast paths of the deadline rules give what the plain ones give (issue 6, work lists).

`rules._translator()` remembers translations per language instead of asking Django's `gettext` for every
text of every deadline; `WorkingCalendar` keeps its non-working days sorted and counts them by
bisection. Over many random trajectories, the deadlines (labels, explanations, due dates,
statuses, days left) are the same as with Django's `gettext` called every time, in Dutch and in
English, and the calendar agrees with counting day by day over a long span of years with extra
days on weekdays and weekends.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from nieuwestart.deadlines import rules
from nieuwestart.deadlines.calendar import WorkingCalendar, dutch_holidays
from nieuwestart.deadlines.rules import DEFAULTS, ConditionFact, DeadlineSettings, TrajectoryFacts

D = dt.date
STATUSES = ("in-orde", "aandacht", "hulp-nodig", "onbekend")
DOMAINS = ("identiteit", "huisvesting", "inkomen", "financien", "zorg")


def _maybe(rng: random.Random, day: dt.date, spread: int) -> dt.date | None:
    return day + dt.timedelta(days=rng.randint(0, spread)) if rng.random() < 0.5 else None


def _random_facts(rng: random.Random) -> TrajectoryFacts:
    start = D(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 6 * 365))
    expected = start + dt.timedelta(days=rng.randint(20, 700)) if rng.random() < 0.9 else None
    end = expected if expected is not None and rng.random() < 0.2 else None
    sent = _maybe(rng, start, 40)
    plan = _maybe(rng, start, 60)

    def days(n: int) -> tuple[dt.date, ...]:
        return tuple(sorted(start + dt.timedelta(days=rng.randint(0, 400)) for _ in range(n)))

    return TrajectoryFacts(
        start_date=start,
        expected_end_date=expected,
        end_date=end,
        phase=rng.choice(("instroom", "detentie", "na-detentie", "afgesloten")),
        screening_completed_at=_maybe(rng, start, 30),
        screening_completed_by=rng.choice(("", "Alice")),
        first_infosheet_sent_at=sent,
        first_infosheet_sent_by="Alice" if sent else "",
        first_infosheet_acknowledged_at=_maybe(rng, sent, 20) if sent else None,
        plan_established_at=plan,
        meeting_frequency_weeks=rng.choice((None, 2, 4, 6)) if plan else None,
        mdo_dates=days(rng.randint(0, 3)),
        trajectory_meeting_dates=days(rng.randint(0, 2)),
        pre_release_meeting_dates=days(rng.randint(0, 2)),
        probation_met_dates=days(rng.randint(0, 2)),
        probation_involved=rng.random() < 0.5,
        judicial_title=rng.choice(("vi", "voorwaardelijke-straf", "onbekend")),
        conditions={
            domain: ConditionFact(
                status=rng.choice(STATUSES),
                updated_on=start + dt.timedelta(days=rng.randint(0, 200)),
                updated_by="Carol",
            )
            for domain in DOMAINS
            if rng.random() < 0.7
        },
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_remembered_translations_give_the_same_deadlines_as_gettext(language, monkeypatch):
    calendar = WorkingCalendar.netherlands(range(2019, 2030), [D(2023, 5, 19), D(2025, 12, 27)])
    settings = DeadlineSettings(short_stay_days=120, infosheet_reaction_working_days=3)
    rng = random.Random(61)
    cases = [
        (_random_facts(rng), D(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 7 * 365)))
        for _ in range(400)
    ]
    with translation.override(language):
        fast = [rules.deadlines(f, settings, calendar, today) for f, today in cases]
        fast += [rules.deadlines(f, DEFAULTS, calendar, today) for f, today in cases]
        # The reference: Django's gettext for every text.
        monkeypatch.setattr(rules, "_translator", lambda: gettext)
        plain = [rules.deadlines(f, settings, calendar, today) for f, today in cases]
        plain += [rules.deadlines(f, DEFAULTS, calendar, today) for f, today in cases]
    assert fast == plain
    assert sum(map(len, fast)) > 4000  # many deadlines were compared, of every kind
    assert {spec.code for specs in fast for spec in specs} == set(rules.CODES)


def test_the_language_of_the_request_is_the_language_of_the_texts():
    facts = TrajectoryFacts(start_date=D(2026, 3, 2), expected_end_date=D(2026, 12, 15))
    calendar = WorkingCalendar.netherlands(range(2025, 2028))
    labels = {}
    for language in ("nl", "en", "nl"):
        with translation.override(language):
            labels[language] = rules.deadlines(facts, DEFAULTS, calendar, D(2026, 3, 5))[0].label
    assert labels == {
        "nl": "Screening basisvoorwaarden afgerond",
        "en": "Screening of basic conditions completed",
    }
    assert rules._TRANSLATED
    with override_settings(LOCALE_PATHS=[]), translation.override("en"):
        # A change of settings forgets what was remembered, so the texts follow the catalogs.
        assert not rules._TRANSLATED
        label = rules.deadlines(facts, DEFAULTS, calendar, D(2026, 3, 5))[0].label
        assert label == gettext("Screening basisvoorwaarden afgerond")


def test_bisected_working_days_match_counting_day_by_day_over_many_years():
    # Extra days on weekdays, a weekend day and a holiday (Christmas), over eleven years.
    extra = {D(2021, 5, 14), D(2023, 12, 25), D(2024, 6, 1), D(2026, 5, 15), D(2029, 12, 24)}
    calendar = WorkingCalendar(
        holidays=dutch_holidays(range(2019, 2031)), extra_days=frozenset(extra)
    )
    rng = random.Random(66)
    for _ in range(2_000):
        start = D(2019, 6, 1) + dt.timedelta(days=rng.randint(0, 10 * 365))
        end = start + dt.timedelta(days=rng.randint(-900, 900))
        low, high, sign = (start, end, 1) if end >= start else (end, start, -1)
        expected = sign * sum(
            1
            for n in range(1, (high - low).days + 1)
            if (day := low + dt.timedelta(days=n)).weekday() < 5
            and day not in calendar.holidays
            and day not in calendar.extra_days
        )
        assert calendar.working_days_between(start, end) == expected, (start, end)
        assert calendar.is_working_day(start) == (
            start.weekday() < 5 and start not in calendar.holidays | calendar.extra_days
        )
