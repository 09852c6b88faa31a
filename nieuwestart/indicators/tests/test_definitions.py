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


# Meetings, handover and referrals (the indicators that waited for those apps).

FEB = dt.date(2026, 2, 16)


def test_joint_meeting_within_4_weeks_counts_against_the_plan_term():
    many(5, arrival=JAN, plan_due=DUE, joint_meeting_on=ON_TIME)
    many(1, arrival=JAN, plan_due=DUE, joint_meeting_on=DUE)  # on the due date: on time
    many(2, arrival=JAN, plan_due=DUE, joint_meeting_on=LATE)
    many(2, arrival=JAN, plan_due=DUE)  # no meeting with all parties
    many(3, arrival=JAN, short_stay=True, joint_meeting_on=ON_TIME)  # no 4-week term

    total = _result("gezamenlijk-overleg-op-tijd").total
    assert (total.numerator, total.denominator, total.value) == (6, 10, 60.0)


@pytest.mark.parametrize(
    ("code", "kind"), [("mdo-elke-6-weken", "mdo"), ("trajectoverleg-gehouden", "trajectoverleg")]
)
def test_every_meeting_term_in_the_period_must_be_held_on_time(code, kind):
    from nieuwestart.indicators.tests.factories import terms

    jan_due, feb_due = dt.date(2026, 1, 19), dt.date(2026, 2, 27)
    for _ in range(5):
        terms(kind, [(jan_due, dt.date(2026, 1, 15))])
    for _ in range(2):  # January on time, February late: fails the whole period
        terms(kind, [(jan_due, jan_due), (feb_due, dt.date(2026, 3, 2))])
    for _ in range(3):
        terms(kind, [(jan_due, None)])  # never held
    terms(kind, [(dt.date(2026, 4, 6), None)])  # due after the period
    other = "trajectoverleg" if kind == "mdo" else "mdo"
    terms(other, [(jan_due, None)])  # the other kind of meeting

    result = _result(code)
    assert (result.total.numerator, result.total.denominator) == (5, 10)
    january, february, _march = result.trend
    assert (january.cell.numerator, january.cell.denominator) == (7, 10)
    assert february.cell.suppressed  # 0 of 2: fewer than 5

    # A term that has not ended yet is not counted.
    running = _result(code, today=jan_due)
    assert running.total.empty


def test_attendance_at_trajectory_meetings_per_party():
    from nieuwestart.indicators.tests.factories import meetings

    everyone = {
        "prison_present": True,
        "probation_present": True,
        "municipality_present": True,
        "detainee_present": True,
    }
    jan = dt.date(2026, 1, 20)
    for i in range(6):
        meetings([(jan, {**everyone, "municipality_present": i < 5})], probation="RN")
    for i in range(4):
        present = {**everyone, "probation_present": False}
        meetings([(jan, {**present, "detainee_present": i < 3, "municipality_present": i < 2})])
    # Two meetings: the detainee missed January but came in February.
    meetings(
        [
            (jan, {"prison_present": True, "municipality_present": True}),
            (FEB, {"prison_present": True, "detainee_present": True}),
        ]
    )
    meetings([(dt.date(2026, 5, 4), everyone)])  # outside the period

    def total(party: str) -> tuple[int | None, int | None]:
        cell = _result(f"trajectoverleg-aanwezigheid-{party}").total
        return cell.numerator, cell.denominator

    assert total("inrichting") == (11, 11)
    assert total("reclassering") == (6, 6)  # only trajectories with probation involved
    assert total("gemeente") == (8, 11)
    assert total("gedetineerde") == (10, 11)  # present at one of the two counts
    january = _result("trajectoverleg-aanwezigheid-gedetineerde").trend[0].cell
    assert (january.numerator, january.denominator) == (9, 11)


def test_lead_after_release_named_and_met_during_detention():
    released = dt.date(2026, 2, 20)
    many(6, release_date=released, lead_met_on=dt.date(2026, 1, 28))
    many(4, release_date=released)
    many(3, lead_met_on=dt.date(2026, 1, 28))  # not released

    total = _result("regie-na-vrijlating-benoemd-en-ontmoet").total
    assert (total.numerator, total.denominator, total.value) == (6, 10, 60.0)


@pytest.mark.parametrize(
    ("code", "days_field", "waiting_field"),
    [
        ("wachttijd-toezicht", "supervision_days", "supervision_waiting"),
        ("wachttijd-beschermd-wonen", "housing_days", "housing_waiting"),
    ],
)
def test_waiting_times_after_release(code, days_field, waiting_field):
    jan, feb = dt.date(2026, 1, 20), dt.date(2026, 2, 20)
    for days in (0, 3, 10, 20, 40):
        many(1, release_date=jan, **{days_field: days, waiting_field: False})
    for days in (7, 7):
        many(1, release_date=feb, **{days_field: days, waiting_field: False})
    many(5, release_date=feb, **{waiting_field: True})  # still waiting: not in the median
    many(2, release_date=dt.date(2026, 6, 1), **{days_field: 1, waiting_field: False})

    result = _result(code)
    total = result.total
    # Days 0, 3, 7, 7, 10, 20, 40: median 7, mean 87 / 7 = 12.4.
    assert (total.count, total.median, total.mean, total.waiting) == (7, 7, 12.4, 5)
    assert total.text == "7 dagen"
    january, february, march = result.trend
    assert (january.cell.count, january.cell.median, january.cell.mean) == (5, 10, 14.6)
    assert february.cell.suppressed and february.cell.median is None  # only 2 started
    assert february.cell.waiting == 5
    assert march.cell.empty
    assert result.indicator.higher_is_better is False


def test_days_from_release_to_income():
    released = dt.date(2026, 3, 10)
    for days in (0, 0, 0, 14, 28, 1):
        many(1, release_date=released, income_days=days)
    many(4, release_date=released)  # not in order, or no date: not measured

    total = _result("vrijlating-tot-uitkering").total
    assert (total.count, total.median, total.mean, total.waiting) == (6, 0.5, 7.2, None)


def test_a_duration_behind_fewer_than_5_trajectories_is_withheld():
    released = dt.date(2026, 1, 20)
    for days in (3, 5, 8, 60):
        many(1, release_date=released, supervision_days=days, supervision_waiting=False)
    many(3, release_date=released, supervision_waiting=True)

    total = _result("wachttijd-toezicht").total
    assert total.suppressed and not total.empty
    assert (total.count, total.median, total.mean, total.waiting) == (None, None, None, None)
    assert total.text == "minder dan 5"
