"""The nightly snapshot gives exactly the figures of counting the child rows, for every filter.

The dashboards read the child-row indicators (meeting terms, trajectory meetings) from one
pre-counted row per trajectory and month (`snapshot`); the definitions stay those of the
registry. These tests build a varied data set, count every filter selection both ways and
compare, and check when the snapshot is (not) used."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import threading
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection

from nieuwestart.indicators import selectors, snapshot
from nieuwestart.indicators.models import (
    IndicatorFactMonth,
    IndicatorRowMonth,
    IndicatorSnapshot,
    MeetingAttendanceFact,
    MeetingTermFact,
    TermKind,
    TrajectoryFact,
)
from nieuwestart.indicators.selectors import Filters, indicator_results
from nieuwestart.indicators.services import indicator_facts_refresh
from nieuwestart.indicators.tests.factories import fact, meetings, terms
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
PRISONS = ["PI-ALMELO", "PI-TER-PEEL", "PI-HEERHUGOWAARD"]
MUNICIPALITIES = ["GM0153", "GM0183", "GM0363", "GM0599"]
PROBATION = [None, "RN", "SVG"]


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _maybe(rng: random.Random, share: float, value: Any) -> Any:
    return value if rng.random() < share else None


def _data_set() -> None:
    rng = random.Random(11)
    for n in range(160):
        arrival = _day(rng, dt.date(2025, 9, 1), 270)
        due = arrival + dt.timedelta(days=14)
        released = _maybe(rng, 0.5, arrival + dt.timedelta(days=rng.randrange(20, 200)))
        values: dict[str, Any] = {
            "prison": rng.choice(PRISONS),
            "municipality": rng.choice(MUNICIPALITIES),
            "probation": rng.choice(PROBATION),
            "arrival": arrival,
            "short_stay": rng.random() < 0.3,
            "lvb": rng.choice(["ja", "nee", "onbekend"]),
            "screening_due": due,
            "screening_done": _maybe(rng, 0.8, due + dt.timedelta(days=rng.randrange(-10, 8))),
            "contact_due": due,
            "contact_done": _maybe(rng, 0.85, due + dt.timedelta(days=rng.randrange(-12, 6))),
            "plan_due": due + dt.timedelta(days=14),
            "plan_done": _maybe(rng, 0.7, due + dt.timedelta(days=rng.randrange(0, 30))),
            "sheet_with_contact": rng.random() < 0.8,
            "joint_meeting_on": _maybe(rng, 0.6, due + dt.timedelta(days=rng.randrange(-5, 20))),
        }
        if values["contact_done"]:
            values["reaction_due"] = values["contact_done"] + dt.timedelta(days=7)
            values["reaction_done"] = _maybe(
                rng, 0.6, values["contact_done"] + dt.timedelta(days=rng.randrange(0, 14))
            )
        if released and released <= TODAY:
            values.update(
                release_date=released,
                release_source="overdracht",
                release_id_ok=rng.random() < 0.8,
                release_housing_ok=rng.random() < 0.7,
                release_income_ok=rng.random() < 0.7,
                release_finances_ok=rng.random() < 0.6,
                release_care_ok=rng.random() < 0.8,
                lead_met_on=_maybe(rng, 0.5, released - dt.timedelta(days=3)),
                income_days=_maybe(rng, 0.6, rng.randrange(0, 40)),
                supervision_days=_maybe(rng, 0.4, rng.randrange(0, 60)),
                supervision_waiting=rng.random() < 0.2,
                housing_days=_maybe(rng, 0.3, rng.randrange(0, 90)),
                housing_waiting=rng.random() < 0.2,
            )
        if n % 3 == 0:
            schedule = []
            day = arrival + dt.timedelta(days=42)
            while day < dt.date(2026, 8, 1):
                held = _maybe(rng, 0.85, day + dt.timedelta(days=rng.randrange(-5, 4)))
                schedule.append((day, held))
                day += dt.timedelta(days=rng.choice([28, 42, 56]))
            terms(rng.choice([TermKind.MDO, TermKind.TRAJECTORY_MEETING]), schedule, **values)
        elif n % 3 == 1:
            held = [
                (
                    _day(rng, arrival, 200),
                    {
                        "prison_present": rng.random() < 0.9,
                        "probation_present": rng.random() < 0.5,
                        "municipality_present": rng.random() < 0.6,
                        "detainee_present": rng.random() < 0.8,
                    },
                )
                for _ in range(rng.randrange(1, 5))
            ]
            meetings(held, **values)
        else:
            fact(**values)


SELECTIONS = [
    {},
    {"step": "kwartaal"},
    {"start": dt.date(2025, 11, 1), "end": dt.date(2026, 4, 1), "step": "kwartaal"},
    {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 1)},
    {"start": dt.date(2025, 10, 1), "end": dt.date(2026, 3, 1), "step": "kwartaal"},
    {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 1), "step": "kwartaal"},
    {"start": dt.date(2025, 10, 1), "end": dt.date(2026, 5, 1), "size_class": "groot"},
    {"prison": "PI-ALMELO"},
    {"size_class": "klein"},
    {"probation": "RN", "step": "kwartaal"},
    {"short_stay": "ja"},
    {"short_stay": "nee", "lvb": "ja"},
    {"lvb": "onbekend", "prison": "PI-TER-PEEL"},
    {"municipality": "GM0153", "step": "kwartaal"},
    {"municipality": "GM0363", "short_stay": "nee"},
]


def _filters(selection: dict[str, Any]) -> Filters:
    values = {"start": dt.date(2025, 9, 1), "end": dt.date(2026, 7, 1), "step": "maand"}
    return Filters(**{**values, **selection})


def _normalised(figures: tuple[Any, ...]) -> tuple[Any, ...]:
    """Buckets without any trajectory are absent in one path and zero in the other."""
    counts, waits, totals, durations = figures

    def kept(per_code: dict[str, dict[Any, Any]], empty: Any) -> dict[str, dict[Any, Any]]:
        kept = {c: {b: v for b, v in per.items() if v != empty} for c, per in per_code.items()}
        return {c: per for c, per in kept.items() if per}

    return kept(counts, (0, 0)), kept(waits, 0), totals, kept(durations, {})


def _from_snapshot(filters: Filters) -> tuple[Any, Any]:
    cache.clear()
    assert snapshot.current_snapshot(TODAY) is not None
    return selectors._figures(filters, TODAY), indicator_results(filters, TODAY)


def test_the_snapshot_gives_the_same_figures_as_counting_the_facts() -> None:
    _data_set()
    snapshot.indicator_snapshot_build(today=TODAY)
    assert TrajectoryFact.objects.count() == 160
    with_snapshot = {}
    for i, selection in enumerate(SELECTIONS):
        with_snapshot[i] = _from_snapshot(_filters(selection))
    snapshot.snapshots_drop()
    for i, selection in enumerate(SELECTIONS):
        cache.clear()
        filters = _filters(selection)
        live = (selectors._figures(filters, TODAY), indicator_results(filters, TODAY))
        figures, results = with_snapshot[i]
        assert _normalised(figures) == _normalised(live[0]), selection
        assert results == live[1], selection
        # The data set is rich enough to compare something: every child-row indicator counts.
        _counts, _waits, totals, _durations = _normalised(figures)
        if not selection:
            assert all(d >= 10 for _n, d in totals.values()), totals


def test_only_a_snapshot_of_the_same_day_is_read() -> None:
    _data_set()
    snapshot.indicator_snapshot_build(today=TODAY - dt.timedelta(days=1))
    assert snapshot.current_snapshot(TODAY) is None
    snapshot.indicator_snapshot_build(today=TODAY)
    assert IndicatorSnapshot.objects.count() == 1  # the older one is gone
    filters = _filters({})
    before = selectors._figures(filters, TODAY)
    # Child rows changed without a refresh are not seen through today's snapshot ...
    MeetingTermFact.objects.all().delete()
    MeetingAttendanceFact.objects.all().delete()
    cache.clear()
    assert selectors._figures(filters, TODAY) == before
    # ... until the next build (the cache is keyed by the snapshot).
    snapshot.indicator_snapshot_build(today=TODAY)
    after = selectors._figures(filters, TODAY)
    assert after != before
    assert after[2] == {code: (0, 0) for code in before[2]}  # no rows: nobody counted


def test_a_full_refresh_builds_the_snapshot_and_a_partial_one_drops_it(trajectory) -> None:
    indicator_facts_refresh(today=TODAY)
    assert snapshot.current_snapshot(TODAY) is not None
    indicator_facts_refresh(trajectory_ids=[trajectory.pk], today=TODAY)
    assert snapshot.current_snapshot(TODAY) is None
    assert not IndicatorSnapshot.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two sessions at once")
@pytest.mark.parametrize("older", [False, True], ids=["first-build", "after-yesterday"])
def test_two_builds_at_once_leave_one_snapshot(
    transactional_db: Any, reference_data: Any, older: bool
) -> None:
    """The scheduler runs on two hosts and both build the snapshot at the same moment: one
    snapshot is left, with its month rows, and no stray rows of the other. Each build waits in
    the middle (its snapshot made, not committed) until the other has made its own too, or for
    two seconds: without one build at a time both would stay."""
    _data_set()
    if older:
        snapshot.indicator_snapshot_build(today=TODAY - dt.timedelta(days=1))
    made = threading.Barrier(2)
    fact_months = snapshot._fact_months

    def slow_fact_months(*args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            made.wait(timeout=2)  # else the other build waits for its turn: go on
        return fact_months(*args, **kwargs)

    with mock.patch.object(snapshot, "_fact_months", slow_fact_months):
        built = run_together(2, lambda: snapshot.indicator_snapshot_build(today=TODAY).pk)

    assert list(IndicatorSnapshot.objects.values_list("pk", flat=True)) == [max(built)]
    kept = IndicatorSnapshot.objects.get()
    assert {row.snapshot_id for row in IndicatorFactMonth.objects.all()} == {kept.pk}
    assert set(IndicatorRowMonth.objects.values_list("snapshot_id", flat=True)) <= {kept.pk}
    # The same rows as one build on its own.
    rows = IndicatorFactMonth.objects.count(), IndicatorRowMonth.objects.count()
    snapshot.indicator_snapshot_build(today=TODAY)
    assert (IndicatorFactMonth.objects.count(), IndicatorRowMonth.objects.count()) == rows
