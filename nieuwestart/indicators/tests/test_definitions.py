"""Each indicator's definition on a small hand-made data set with known answers."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.indicators.selectors import Filters, indicator_results
from nieuwestart.indicators.tests.factories import many

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 5)
DUE = dt.date(2026, 1, 19)
ON_TIME = dt.date(2026, 1, 16)
LATE = dt.date(2026, 1, 21)
TODAY = dt.date(2026, 6, 15)


def _period(**extra: str) -> Filters:
    return Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 1), step="maand", **extra)


def _result(code: str, filters: Filters | None = None, today: dt.date = TODAY):
    results = {r.indicator.code: r for r in indicator_results(filters or _period(), today)}
    return results[code]


@pytest.mark.parametrize(
    ("code", "due", "done"),
    [
        ("screening-op-tijd", "screening_due", "screening_done"),
        ("gemeente-gecontacteerd-op-tijd", "contact_due", "contact_done"),
        ("plan-op-tijd", "plan_due", "plan_done"),
    ],
)
def test_term_indicators_count_arrivals_met_on_or_before_the_due_date(code, due, done):
    many(5, arrival=JAN, **{due: DUE, done: ON_TIME})
    many(1, arrival=JAN, **{due: DUE, done: DUE})  # on the due date itself: on time
    many(2, arrival=JAN, **{due: DUE, done: LATE})
    many(2, arrival=JAN, **{due: DUE})  # never met
    many(3, arrival=dt.date(2025, 12, 30), **{due: DUE, done: ON_TIME})  # outside the period
    many(2, arrival=JAN)  # the term does not apply (e.g. no plan term for a short stay)

    total = _result(code).total
    assert (total.numerator, total.denominator, total.value) == (6, 10, 60.0)


@pytest.mark.parametrize(
    ("code", "due", "done"),
    [
        ("screening-op-tijd", "screening_due", "screening_done"),
        ("gemeente-gecontacteerd-op-tijd", "contact_due", "contact_done"),
    ],
)
def test_a_running_term_is_not_counted_yet(code, due, done):
    many(5, arrival=JAN, **{due: DUE, done: ON_TIME})
    many(5, arrival=JAN, **{due: DUE})  # not met, but the term runs until the 19th

    before = _result(code, today=dt.date(2026, 1, 19)).total
    after = _result(code, today=dt.date(2026, 1, 20)).total

    assert before.empty  # nothing has ended on the due date itself
    assert (after.numerator, after.denominator) == (5, 10)


def test_municipality_reaction_counts_from_the_month_the_first_sheet_was_sent():
    sent = dt.date(2026, 2, 2)
    due = dt.date(2026, 2, 9)
    many(5, arrival=JAN, contact_done=sent, reaction_due=due, reaction_done=dt.date(2026, 2, 4))
    many(3, arrival=JAN, contact_done=sent, reaction_due=due, reaction_done=dt.date(2026, 2, 12))
    many(2, arrival=JAN, contact_done=sent, reaction_due=due)
    # Sent in April: outside the period, although the arrival was in January.
    many(4, arrival=JAN, contact_done=dt.date(2026, 4, 1), reaction_due=dt.date(2026, 4, 8))

    result = _result("gemeente-reactie-op-tijd")

    assert (result.total.numerator, result.total.denominator) == (5, 10)
    february = next(p for p in result.trend if p.bucket.label == "2026-02")
    assert (february.cell.numerator, february.cell.denominator) == (5, 10)


def test_sheet_with_contact_details():
    sent = dt.date(2026, 3, 3)
    many(6, contact_done=sent, sheet_with_contact=True)
    many(4, contact_done=sent, sheet_with_contact=False)
    many(3)  # no sheet sent

    total = _result("informatieblad-met-contactgegevens").total
    assert (total.numerator, total.denominator, total.value) == (6, 10, 60.0)


@pytest.mark.parametrize(
    ("code", "field"),
    [
        ("vrijgelaten-zonder-identiteitsbewijs", "release_id_ok"),
        ("vrijgelaten-zonder-huisvesting", "release_housing_ok"),
        ("vrijgelaten-zonder-inkomen", "release_income_ok"),
        ("vrijgelaten-zonder-financien", "release_finances_ok"),
        ("vrijgelaten-zonder-zorg", "release_care_ok"),
    ],
)
def test_released_without_a_basic_condition(code, field):
    released = dt.date(2026, 2, 20)
    many(5, release_date=released, **{field: False})
    many(7, release_date=released, **{field: True})
    many(2, **{field: None})  # not released
    many(3, release_date=dt.date(2026, 5, 1), **{field: False})  # released after the period

    result = _result(code)
    assert (result.total.numerator, result.total.denominator) == (5, 12)
    assert result.indicator.higher_is_better is False


def test_trend_has_every_month_of_the_period_and_quarters_add_up():
    many(5, arrival=JAN, screening_due=DUE, screening_done=ON_TIME)
    many(5, arrival=dt.date(2026, 3, 2), screening_due=dt.date(2026, 3, 16))

    monthly = _result("screening-op-tijd")
    assert [p.bucket.label for p in monthly.trend] == ["2026-01", "2026-02", "2026-03"]
    assert [p.cell.value for p in monthly.trend] == [100.0, None, None]
    assert monthly.trend[1].cell.empty and monthly.trend[2].cell.suppressed

    quarter = _result(
        "screening-op-tijd", Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 1), "kwartaal")
    )
    assert [p.bucket.label for p in quarter.trend] == ["2026 K1"]
    assert (quarter.trend[0].cell.numerator, quarter.trend[0].cell.denominator) == (5, 10)


def test_filters_select_the_right_trajectories():
    values = {"arrival": JAN, "screening_due": DUE, "screening_done": ON_TIME}
    many(5, prison="PI-ALMELO", municipality="GM0153", probation="RN", lvb="ja", **values)
    many(6, prison="PI-TER-PEEL", municipality="GM0183", short_stay=True, lvb="nee", **values)

    def denominator(**extra: str) -> int | None:
        return _result("screening-op-tijd", _period(**extra)).total.denominator

    assert denominator() == 11
    assert denominator(prison="PI-ALMELO") == 5
    assert denominator(municipality="GM0183") == 6
    assert denominator(size_class="klein") == 6  # Tubbergen, about 21,000 inhabitants
    assert denominator(size_class="groot") == 5  # Enschede
    assert denominator(probation="RN") == 5
    assert denominator(short_stay="ja") == 6
    assert denominator(short_stay="nee") == 5
    assert denominator(lvb="ja") == 5
