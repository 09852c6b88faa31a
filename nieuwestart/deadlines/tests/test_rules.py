"""The deadline rules as pure functions: fixed facts, a fixed `today`, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt

from nieuwestart.deadlines.calendar import WorkingCalendar
from nieuwestart.deadlines.rules import (
    DEFAULTS,
    ConditionFact,
    DeadlineSpec,
    TrajectoryFacts,
    deadlines,
    escalation_date,
)

D = dt.date
CAL = WorkingCalendar.netherlands(range(2024, 2029))
# Monday 2 March 2026, expected release Tuesday 15 December 2026: a regular stay.
REGULAR = TrajectoryFacts(
    start_date=D(2026, 3, 2), expected_end_date=D(2026, 12, 15), phase="detentie"
)


def compute(facts: TrajectoryFacts, today: dt.date, cal: WorkingCalendar = CAL) -> dict:
    return {spec.code: spec for spec in deadlines(facts, DEFAULTS, cal, today)}


def test_a_regular_stay_has_the_agreed_timeline():
    result = compute(REGULAR, D(2026, 3, 5))
    assert set(result) == {
        "screening",
        "gemeente-gecontacteerd",
        "plan-vastgesteld",
        "mdo",
        "voorbereiding-vrijlating",
        "voor-vrijlating-id",
        "voor-vrijlating-uitkering",
        "voor-vrijlating-huisvesting",
        "voor-vrijlating-zorg",
    }
    assert result["screening"].due == D(2026, 3, 16)  # 10 working days, arrival is day 0
    assert result["gemeente-gecontacteerd"].due == D(2026, 3, 16)
    assert result["plan-vastgesteld"].due == D(2026, 3, 30)  # 4 weeks
    assert result["mdo"].due == D(2026, 4, 13)  # 6 weeks
    assert result["voorbereiding-vrijlating"].due == D(2026, 11, 3)  # 6 weeks before release
    assert result["voor-vrijlating-id"].due == D(2026, 12, 15)
    assert result["screening"].status == "open"
    assert result["screening"].days_left == 7
    assert result["screening"].responsible == "inrichting"
    assert result["voor-vrijlating-uitkering"].responsible == "gemeente"
    assert "nog geen gehouden overleg" in result["mdo"].explanation


def test_deadlines_are_sorted_by_due_date():
    specs = deadlines(REGULAR, DEFAULTS, CAL, D(2026, 3, 5))
    assert [s.due for s in specs] == sorted(s.due for s in specs)


def test_friday_before_christmas_arrival_counts_across_the_holidays():
    facts = TrajectoryFacts(start_date=D(2025, 12, 19), expected_end_date=D(2026, 9, 1))
    assert compute(facts, D(2025, 12, 19))["screening"].due == D(2026, 1, 7)


def test_kings_day_moves_the_screening_deadline():
    # Friday 17 April 2026 + 10 working days would be 1 May; King's Day (Monday 27 April)
    # does not count, so it is 4 May. (5 May, Liberation Day, is not reached.)
    facts = TrajectoryFacts(start_date=D(2026, 4, 17), expected_end_date=D(2027, 1, 1))
    assert compute(facts, D(2026, 4, 17))["screening"].due == D(2026, 5, 4)


def test_an_extra_day_of_the_administrator_shifts_the_deadline():
    cal = WorkingCalendar.netherlands(range(2025, 2028), extra_days=[D(2026, 3, 10)])
    assert compute(REGULAR, D(2026, 3, 5), cal)["screening"].due == D(2026, 3, 17)


def test_met_open_and_late():
    facts = dataclasses.replace(
        REGULAR,
        screening_completed_at=D(2026, 3, 10),
        screening_completed_by="Alice Test",
        plan_established_at=D(2026, 4, 2),
        plan_established_by="Alice Test",
    )
    result = compute(facts, D(2026, 3, 20))
    screening = result["screening"]
    assert (screening.status, screening.met_on, screening.met_by) == (
        "gehaald",
        D(2026, 3, 10),
        "Alice Test",
    )
    assert screening.days_left is None
    late = result["gemeente-gecontacteerd"]  # no information sheet sent
    assert late.status == "te-laat"
    assert late.days_left == -4  # 17, 18, 19, 20 March
    assert result["plan-vastgesteld"].status == "gehaald"
    assert "na de termijn" in result["plan-vastgesteld"].explanation  # 2 April > 30 March
    assert result["mdo"].status == "open"


def test_due_today_is_still_open():
    spec = compute(REGULAR, D(2026, 3, 16))["screening"]
    assert (spec.status, spec.days_left) == ("open", 0)


def test_escalation_after_the_grace_period():
    spec = compute(REGULAR, D(2026, 3, 20))["screening"]
    assert escalation_date(spec, DEFAULTS, CAL) == D(2026, 3, 19)


def test_a_basic_condition_in_order_meets_its_release_deadline():
    facts = dataclasses.replace(
        REGULAR,
        conditions={
            "identiteit": ConditionFact("in-orde", D(2026, 6, 1), "Carol Test"),
            "huisvesting": ConditionFact("hulp-nodig", D(2026, 6, 1), "Carol Test"),
        },
    )
    result = compute(facts, D(2026, 7, 1))
    assert result["voor-vrijlating-id"].status == "gehaald"
    assert result["voor-vrijlating-id"].met_by == "Carol Test"
    assert result["voor-vrijlating-huisvesting"].status == "open"


def test_a_changed_release_date_moves_the_release_deadlines_only():
    before = compute(REGULAR, D(2026, 3, 5))
    after = compute(dataclasses.replace(REGULAR, expected_end_date=D(2027, 1, 15)), D(2026, 3, 5))
    assert after["voor-vrijlating-zorg"].due == D(2027, 1, 15)
    assert after["voorbereiding-vrijlating"].due == D(2026, 12, 4)
    assert before["voorbereiding-vrijlating"].due != after["voorbereiding-vrijlating"].due
    assert before["screening"].due == after["screening"].due


def test_no_expected_release_date_means_no_release_deadlines():
    result = compute(dataclasses.replace(REGULAR, expected_end_date=None), D(2026, 3, 5))
    assert not any(code.startswith("voor") for code in result)
    assert "plan-vastgesteld" in result


def test_a_short_stay_clamps_before_release_and_switches_to_quick_wins():
    # Eleven days: release on Friday 13 March, before the 10-working-day screening term.
    facts = TrajectoryFacts(
        start_date=D(2026, 3, 2), expected_end_date=D(2026, 3, 13), phase="instroom"
    )
    result = compute(facts, D(2026, 3, 3))
    assert {"plan-vastgesteld", "mdo", "trajectoverleg", "voor-vrijlating-id"}.isdisjoint(result)
    assert {
        "snelle-winst-id",
        "snelle-winst-betalingsregeling",
        "snelle-winst-woning-behouden",
        "snelle-winst-uitkering",
        "voor-vrijlating-zorg",
    } <= set(result)
    assert all(spec.due < D(2026, 3, 13) for spec in result.values())
    assert result["screening"].due == D(2026, 3, 12)  # clamped from 16 March
    assert "Kort verblijf" in result["screening"].explanation
    assert result["snelle-winst-id"].due == D(2026, 3, 12)


def test_a_stay_of_89_days_is_short_and_of_90_days_is_not():
    start = D(2026, 3, 2)
    short = compute(TrajectoryFacts(start, start + dt.timedelta(days=89)), start)
    regular = compute(TrajectoryFacts(start, start + dt.timedelta(days=90)), start)
    assert "snelle-winst-id" in short and "plan-vastgesteld" not in short
    assert "plan-vastgesteld" in regular and "snelle-winst-id" not in regular


def test_trajectory_meetings_follow_the_agreed_frequency_after_the_plan():
    facts = dataclasses.replace(
        REGULAR, plan_established_at=D(2026, 3, 25), meeting_frequency_weeks=8
    )
    spec = compute(facts, D(2026, 4, 1))["trajectoverleg"]
    assert spec.due == D(2026, 5, 20)
    assert spec.status == "open"


def test_probation_meets_the_detainee_only_when_supervision_follows():
    supervised = dataclasses.replace(REGULAR, judicial_title="vi", probation_involved=True)
    spec = compute(supervised, D(2026, 3, 5))["reclassering-ontmoeting"]
    assert (spec.due, spec.responsible, spec.status) == (D(2026, 12, 15), "reclassering", "open")
    assert "allebei aanwezig" in spec.explanation
    assert "reclassering-ontmoeting" not in compute(
        dataclasses.replace(REGULAR, judicial_title="vi"), D(2026, 3, 5)
    )
    assert "reclassering-ontmoeting" not in compute(
        dataclasses.replace(REGULAR, judicial_title="geen", probation_involved=True),
        D(2026, 3, 5),
    )


def test_after_release_deadlines_end_as_they_were_and_nothing_new_appears():
    released = dataclasses.replace(
        REGULAR,
        end_date=D(2026, 6, 1),
        phase="na-detentie",
        screening_completed_at=D(2026, 3, 10),
    )
    soon = deadlines(released, DEFAULTS, CAL, D(2026, 6, 2))
    later = deadlines(released, DEFAULTS, CAL, D(2027, 6, 1))
    assert [(s.code, s.due, s.status) for s in soon] == [(s.code, s.due, s.status) for s in later]
    assert all(s.due <= D(2026, 6, 1) for s in soon)
    statuses = {s.code: s.status for s in soon}
    assert statuses["screening"] == "gehaald"
    assert statuses["voor-vrijlating-id"] == "te-laat"  # due on the day of release, not met
    assert set(statuses.values()) <= {"gehaald", "te-laat"}


def test_specs_are_frozen_values():
    spec = compute(REGULAR, D(2026, 3, 5))["screening"]
    assert isinstance(spec, DeadlineSpec)
    assert dataclasses.is_dataclass(spec)


def test_the_municipality_reacts_within_five_working_days_of_the_sheet():
    sent_friday = D(2026, 3, 6)
    facts = dataclasses.replace(REGULAR, first_infosheet_sent_at=sent_friday)
    reaction = compute(facts, D(2026, 3, 9))["gemeente-reactie"]
    assert (reaction.due, reaction.status, reaction.responsible) == (
        D(2026, 3, 13),
        "open",
        "gemeente",
    )
    assert compute(facts, D(2026, 3, 16))["gemeente-reactie"].status == "te-laat"
    acked = dataclasses.replace(
        facts,
        first_infosheet_acknowledged_at=D(2026, 3, 10),
        first_infosheet_acknowledged_by="Carol",
    )
    met = compute(acked, D(2026, 3, 16))["gemeente-reactie"]
    assert (met.status, met.met_by) == ("gehaald", "Carol")
    assert "gemeente-reactie" not in compute(REGULAR, D(2026, 3, 16))  # nothing sent, nothing due


def test_a_held_mdo_starts_the_next_six_weeks():
    held = dataclasses.replace(REGULAR, mdo_dates=(D(2026, 4, 8),))
    spec = compute(held, D(2026, 4, 9))["mdo"]
    assert (spec.due, spec.status) == (D(2026, 5, 20), "open")  # 6 weeks after 8 April
    assert "Laatst gehouden: 08-04-2026" in spec.explanation
    late = compute(REGULAR, D(2026, 4, 14))["mdo"]
    assert (late.due, late.status) == (D(2026, 4, 13), "te-laat")  # none held: 6 weeks from arrival


def test_the_last_held_trajectory_meeting_counts():
    facts = dataclasses.replace(
        REGULAR,
        plan_established_at=D(2026, 3, 25),
        meeting_frequency_weeks=4,
        trajectory_meeting_dates=(D(2026, 4, 1), D(2026, 4, 20)),
    )
    assert compute(facts, D(2026, 4, 21))["trajectoverleg"].due == D(2026, 5, 18)


def test_a_held_pre_release_meeting_meets_the_warm_handover():
    open_spec = compute(REGULAR, D(2026, 10, 1))["voorbereiding-vrijlating"]
    assert (open_spec.status, open_spec.met_on) == ("open", None)
    held = dataclasses.replace(REGULAR, pre_release_meeting_dates=(D(2026, 10, 20),))
    spec = compute(held, D(2026, 11, 10))["voorbereiding-vrijlating"]
    assert (spec.status, spec.met_on) == ("gehaald", D(2026, 10, 20))
    assert "in de 12 weken voor de vrijlating" in spec.explanation
    late = dataclasses.replace(REGULAR, pre_release_meeting_dates=(D(2026, 11, 10),))
    assert (
        "Gehaald na de termijn"
        in compute(late, D(2026, 11, 10))["voorbereiding-vrijlating"].explanation
    )


def test_a_pre_release_meeting_months_before_the_window_does_not_count():
    # Release 15 December 2026: the window opens 12 weeks before, on 22 September 2026.
    early = dataclasses.replace(REGULAR, pre_release_meeting_dates=(D(2026, 6, 10),))
    spec = compute(early, D(2026, 11, 4))["voorbereiding-vrijlating"]
    assert (spec.due, spec.status, spec.met_on) == (D(2026, 11, 3), "te-laat", None)
    on_opening = dataclasses.replace(
        REGULAR, pre_release_meeting_dates=(D(2026, 6, 10), D(2026, 9, 22))
    )
    assert compute(on_opening, D(2026, 11, 4))["voorbereiding-vrijlating"].met_on == D(2026, 9, 22)
    day_before = dataclasses.replace(REGULAR, pre_release_meeting_dates=(D(2026, 9, 21),))
    assert compute(day_before, D(2026, 11, 4))["voorbereiding-vrijlating"].met_on is None


def test_a_pre_release_meeting_counts_again_only_after_the_release_moves_closer():
    held = dataclasses.replace(REGULAR, pre_release_meeting_dates=(D(2026, 11, 1),))
    assert compute(held, D(2026, 11, 4))["voorbereiding-vrijlating"].status == "gehaald"
    postponed = dataclasses.replace(held, expected_end_date=D(2027, 6, 15))
    spec = compute(postponed, D(2026, 11, 4))["voorbereiding-vrijlating"]
    assert (spec.status, spec.met_on) == ("open", None)  # coordinate again near the new date


def test_a_pre_release_meeting_after_the_release_does_not_count():
    released = dataclasses.replace(
        REGULAR,
        end_date=D(2026, 12, 15),
        phase="na-detentie",
        pre_release_meeting_dates=(D(2026, 12, 16),),
    )
    spec = compute(released, D(2026, 12, 20))["voorbereiding-vrijlating"]
    assert (spec.status, spec.met_on) == ("te-laat", None)


def test_a_short_stay_counts_every_pre_release_meeting_during_the_stay():
    short = TrajectoryFacts(
        start_date=D(2026, 3, 2),
        expected_end_date=D(2026, 4, 10),
        phase="detentie",
        pre_release_meeting_dates=(D(2026, 3, 4),),
    )
    assert compute(short, D(2026, 3, 5))["voorbereiding-vrijlating"].met_on == D(2026, 3, 4)


def test_probation_meeting_the_detainee_in_a_meeting_meets_the_deadline():
    supervised = dataclasses.replace(
        REGULAR, judicial_title="vi", probation_involved=True, probation_met_dates=(D(2026, 6, 3),)
    )
    spec = compute(supervised, D(2026, 12, 16))["reclassering-ontmoeting"]
    assert (spec.status, spec.met_on) == ("gehaald", D(2026, 6, 3))
    unmet = dataclasses.replace(supervised, probation_met_dates=())
    assert compute(unmet, D(2026, 12, 16))["reclassering-ontmoeting"].status == "te-laat"


def test_probation_meeting_the_detainee_after_the_release_does_not_count():
    released = dataclasses.replace(
        REGULAR,
        judicial_title="vi",
        probation_involved=True,
        end_date=D(2026, 12, 10),  # released before the expected date
        phase="na-detentie",
        probation_met_dates=(D(2026, 12, 14),),
    )
    assert released.probation_met_on is None
    spec = compute(released, D(2026, 12, 16))["reclassering-ontmoeting"]
    assert (spec.due, spec.status, spec.met_on) == (D(2026, 12, 10), "te-laat", None)
    on_the_day = dataclasses.replace(released, probation_met_dates=(D(2026, 12, 10),))
    spec = compute(on_the_day, D(2026, 12, 16))["reclassering-ontmoeting"]
    assert (spec.status, spec.met_on) == ("gehaald", D(2026, 12, 10))
    before_and_after = dataclasses.replace(
        released, probation_met_dates=(D(2026, 11, 2), D(2026, 12, 14))
    )
    assert before_and_after.probation_met_on == D(2026, 11, 2)
