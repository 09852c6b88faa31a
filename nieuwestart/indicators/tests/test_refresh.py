"""Real registrations (screening, information sheet, plan, release) become the facts the
indicators count, with the working-day due dates of the deadline rules; refreshing twice
changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from nieuwestart.audit.models import Channel
from nieuwestart.indicators.models import TrajectoryFact
from nieuwestart.indicators.services import indicator_fact_refresh, indicator_facts_refresh
from nieuwestart.infosheet.services import infosheet_acknowledge, infosheet_send
from nieuwestart.plans.services import plan_establish, plan_update
from nieuwestart.screening.services import screening_complete, screening_update
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive

pytestmark = pytest.mark.django_db

DOMAINS = ("identiteit", "huisvesting", "inkomen", "financien", "zorg", "sociaal-netwerk")


def _at(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(f"{day}T10:00:00+01:00"), tick=False)


def _screen(trajectory, alice, in_order: set[str]) -> None:
    domains = {
        code: {
            "status": "in-orde" if code in in_order else "hulp-nodig",
            "help_question": "" if code in in_order else "Hulp gevraagd.",
            "acting_partner": "gedetineerde" if code in in_order else "gemeente",
            "acting_note": "",
            "facts": {},
        }
        for code in DOMAINS
    }
    screening_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        lvb="ja",
        first_detention="nee",
        language_needs="",
        reading_needs=False,
        own_words="",
        domains=domains,
        channel=Channel.SYSTEM,
    )


def test_registrations_become_facts(trajectory, alice, carol, justid, payload):
    # Arrival Monday 2 November 2026: 10 working days -> Monday 16 November.
    with _at("2026-11-10"):
        _screen(trajectory, alice, {"identiteit", "zorg"})
        screening_complete(actor=alice, trajectory=trajectory)
    with _at("2026-11-12"):
        infosheet_send(actor=alice, trajectory=trajectory)
    with _at("2026-11-20"):  # 5 working days after the 12th is the 19th: one day late
        infosheet_acknowledge(actor=carol, trajectory=trajectory, number=1)
    with _at("2026-12-10"):  # 4 weeks after arrival is Monday 30 November: late
        plan_update(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            sections={
                "reintegration_goals": "Eigen woonplek.",
                "agreements": "PI regelt ID.",
                "monitoring": "In het MDO.",
                "meeting_frequency_weeks": 6,
                "meeting_held_on": dt.date(2026, 11, 25),
            },
        )
        plan_establish(actor=alice, trajectory=trajectory, expected_version=None)

    indicator_facts_refresh(today=dt.date(2026, 12, 15))
    fact = TrajectoryFact.objects.get(trajectory=trajectory)

    assert fact.prison.code == "PI-ALMELO"
    assert fact.municipality.code == "GM0153" and fact.municipality_size == "groot"
    assert fact.probation is not None and fact.probation.code == "RN"
    assert fact.lvb == "ja" and fact.short_stay is False
    assert fact.arrival_date == dt.date(2026, 11, 2)
    assert (fact.screening_due, fact.screening_done) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 10),
    )
    assert (fact.contact_due, fact.contact_done) == (dt.date(2026, 11, 16), dt.date(2026, 11, 12))
    assert (fact.reaction_due, fact.reaction_done) == (dt.date(2026, 11, 19), dt.date(2026, 11, 20))
    assert (fact.plan_due, fact.plan_done) == (dt.date(2026, 11, 30), dt.date(2026, 12, 10))
    assert fact.sheet_with_contact is True  # Alice is named with her phone and e-mail
    assert fact.release_date is None and fact.release_id_ok is None

    # Released on 15 March 2027: ID and care were in order (set in November), the rest not.
    with _at("2027-03-15"):
        end = validate_notification(
            payload(meldingId="JUSTID-EINDE-1", soort="einde", einddatum="2027-03-15"),
            today=dt.date(2027, 3, 15),
        )
        notification_receive(actor=justid, notification=end)
    trajectory.refresh_from_db()
    indicator_fact_refresh(trajectory=trajectory, today=dt.date(2027, 3, 16))
    fact.refresh_from_db()
    assert fact.release_date == dt.date(2027, 3, 15)
    assert (fact.release_id_ok, fact.release_care_ok) == (True, True)
    assert (fact.release_housing_ok, fact.release_income_ok, fact.release_finances_ok) == (
        False,
        False,
        False,
    )


def test_refresh_is_idempotent(trajectory):
    first = indicator_facts_refresh(today=dt.date(2026, 12, 1))
    before = TrajectoryFact.objects.values().get(trajectory=trajectory)
    second = indicator_facts_refresh(today=dt.date(2026, 12, 1))
    after = TrajectoryFact.objects.values().get(trajectory=trajectory)

    assert first == second == TrajectoryFact.objects.count() == 1
    before.pop("refreshed_at"), after.pop("refreshed_at")
    assert before == after
    assert TrajectoryFact.objects.get().refreshed_at <= timezone.now()


def test_refresh_command(trajectory):
    from django.core.management import call_command

    call_command("indicators_refresh", "--traject", str(trajectory.uuid))
    assert TrajectoryFact.objects.filter(trajectory=trajectory).exists()


def _held(trajectory, actor, day: str, kind: str, users, absent=()) -> None:
    """Plan a meeting a week ahead and record it on its day: everyone present but `absent`."""
    from nieuwestart.meetings.services import meeting_record
    from nieuwestart.meetings.tests.case import plan_meeting

    starts = dt.datetime.fromisoformat(f"{day}T10:00:00+01:00")
    with time_machine.travel(starts - dt.timedelta(days=7), tick=False):
        meeting = plan_meeting(trajectory, actor, users=users, kind=kind, starts_at=starts)
    with time_machine.travel(starts + dt.timedelta(hours=2), tick=False):
        meeting_record(
            actor=actor,
            meeting=meeting,
            expected_version=1,
            attendance={
                str(p.uuid): "afwezig" if p.user in absent else "aanwezig"
                for p in meeting.participants.all()
            },
            minutes={},
        )


def test_meetings_handover_and_referrals_become_facts(trajectory, alice, bob, carol):
    from nieuwestart.handover.models import ReleaseOutcome
    from nieuwestart.handover.services import handover_check_record
    from nieuwestart.indicators.models import MeetingAttendanceFact, MeetingTermFact
    from nieuwestart.referrals.services import referral_register
    from nieuwestart.trajectories.services import trajectory_release

    # Arrival Monday 2 November 2026 (conftest), probation (RN) involved, release 15 March 2027.
    # The joint meeting with PI, probation, municipality and the detainee: within 4 weeks.
    _held(trajectory, alice, "2026-11-19", "trajectoverleg", [alice, bob, carol])
    _held(trajectory, alice, "2026-12-10", "mdo", [alice])  # first MDO due 14 December
    with _at("2026-12-10"):  # plan established, trajectory meetings every 6 weeks
        plan_update(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            sections={
                "reintegration_goals": "Eigen woonplek.",
                "agreements": "PI regelt ID.",
                "monitoring": "In het MDO.",
                "meeting_frequency_weeks": 6,
                "meeting_held_on": dt.date(2026, 11, 19),
            },
        )
        plan_establish(actor=alice, trajectory=trajectory, expected_version=None)
    # A trajectory meeting without probation, on time (due 21 January 2027).
    _held(trajectory, alice, "2027-01-14", "trajectoverleg", [alice, bob, carol], absent=[bob])
    with _at("2027-03-01"):
        handover_check_record(
            actor=carol,
            trajectory=trajectory,
            condition="inkomen",
            state="geregeld",
            note="Bijstand aangevraagd, gaat in op 29 maart.",
            in_place_on=dt.date(2027, 3, 29),
        )
        handover_check_record(
            actor=carol,
            trajectory=trajectory,
            condition="huisvesting",
            state="geregeld",
            note="Kamer bij broer vanaf de dag van vrijlating.",
            in_place_on=dt.date(2027, 3, 15),
        )
    with _at("2027-02-01"):
        referral_register(
            actor=carol,
            trajectory=trajectory,
            kind="beschermd-wonen",
            referred_on=dt.date(2027, 2, 1),
            provider="Beschermd Wonen Twente",
            status="op-wachtlijst",
        )
    with _at("2027-03-15"):
        trajectory_release(
            actor=alice,
            trajectory=trajectory,
            end_date=dt.date(2027, 3, 15),
            judicial_title="vi",
        )
    with _at("2027-03-23"):
        referral_register(
            actor=bob,
            trajectory=trajectory,
            kind="reclasseringstoezicht",
            referred_on=dt.date(2027, 3, 1),
            provider="Reclassering Nederland, unit Enschede",
            status="gestart",
            actual_start=dt.date(2027, 3, 22),
        )

    indicator_facts_refresh(today=dt.date(2027, 3, 24))
    fact = TrajectoryFact.objects.get(trajectory=trajectory)

    assert (fact.plan_due, fact.joint_meeting_on) == (dt.date(2026, 11, 30), dt.date(2026, 11, 19))
    # Casusregie after release (v.i., probation involved) is RN; Bob met Jan on 19 November.
    assert fact.lead_met_on == dt.date(2026, 11, 19)
    terms = {
        (t.kind, t.due, t.held_on)
        for t in MeetingTermFact.objects.filter(fact=fact).order_by("due")
    }
    assert terms == {
        ("mdo", dt.date(2026, 12, 14), dt.date(2026, 12, 10)),
        ("mdo", dt.date(2027, 1, 21), None),  # missed: the next counts from this one
        ("mdo", dt.date(2027, 3, 4), None),
        # From the plan's establishment (10 December); the meeting of 19 November is before it.
        ("trajectoverleg", dt.date(2027, 1, 21), dt.date(2027, 1, 14)),
        ("trajectoverleg", dt.date(2027, 2, 25), None),
    }
    attendance = list(
        MeetingAttendanceFact.objects.filter(fact=fact)
        .order_by("held_on")
        .values_list("held_on", "prison_present", "probation_present", "municipality_present")
    )
    assert attendance == [
        (dt.date(2026, 11, 19), True, True, True),
        (dt.date(2027, 1, 14), True, False, True),
    ]
    # The outcome at release: income arranged from two weeks after release (not in order at
    # release), housing arranged from the day of release (in order).
    assert fact.release_source == "overdracht"
    assert (fact.release_income_ok, fact.release_housing_ok) == (False, True)
    assert fact.income_days == 14
    assert (fact.supervision_days, fact.supervision_waiting) == (7, False)
    assert (fact.housing_days, fact.housing_waiting) == (None, True)

    # A release without recorded outcomes (before the handover was recorded in Nieuwe Start)
    # falls back on the screening; no income date is known then.
    ReleaseOutcome.objects.filter(trajectory=trajectory).delete()
    indicator_fact_refresh(trajectory=trajectory, today=dt.date(2027, 3, 24))
    fact.refresh_from_db()
    assert fact.release_source == "screening"
    assert (fact.release_income_ok, fact.release_housing_ok, fact.income_days) == (
        False,
        False,
        None,
    )
    # Refreshing replaces the child rows, it does not add to them.
    assert MeetingTermFact.objects.filter(fact=fact).count() == 5
    assert MeetingAttendanceFact.objects.filter(fact=fact).count() == 2


def test_rolling_terms_follow_the_deadline_rules():
    from nieuwestart.deadlines.calendar import WorkingCalendar
    from nieuwestart.indicators.services import rolling_terms

    cal = WorkingCalendar.netherlands({2026, 2027}, [])
    arrival = dt.date(2026, 11, 2)

    def terms(held, cap=None, until=dt.date(2027, 6, 1)):
        return rolling_terms(anchor=arrival, weeks=6, held=held, cap=cap, until=until, cal=cal)

    # Nothing held: a missed term every 6 weeks.
    assert [due for due, _held in terms([], until=dt.date(2027, 2, 1))] == [
        dt.date(2026, 12, 14),
        dt.date(2027, 1, 25),
    ]
    # Held late: one late term, the next counts from the meeting.
    assert terms([dt.date(2026, 12, 20)], until=dt.date(2027, 1, 31)) == [
        (dt.date(2026, 12, 14), dt.date(2026, 12, 20)),
    ]
    # Nothing after the release.
    assert terms([], cap=dt.date(2027, 1, 1)) == [(dt.date(2026, 12, 14), None)]


def test_refresh_reads_a_batch_in_a_fixed_number_of_queries(trajectory, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nieuwestart.indicators.tests.factories import fact
    from nieuwestart.meetings.models import Meeting, Participant
    from nieuwestart.referrals.models import Referral

    def add_meeting(t) -> None:
        meeting = Meeting.objects.create(
            trajectory=t,
            kind="trajectoverleg",
            starts_at=dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC),
            location="PI",
            status="gehouden",
        )
        Participant.objects.create(
            meeting=meeting, kind="gedetineerde", name="-", attendance="aanwezig"
        )
        Participant.objects.create(
            meeting=meeting,
            kind="professional",
            user=alice,
            organisation=alice.organisation,
            name="-",
            attendance="aanwezig",
        )
        Referral.objects.create(
            trajectory=t,
            kind="beschermd-wonen",
            condition="huisvesting",
            referred_on=dt.date(2026, 11, 20),
            created_by=alice,
            organisation=alice.organisation,
        )

    add_meeting(trajectory)
    trajectory.end_date = dt.date(2027, 1, 5)  # released: the outcomes and referrals are read
    trajectory.save(update_fields=["end_date"])
    # The trajectories by id: a refresh of all of them also counts the snapshot (its own test).
    with CaptureQueriesContext(connection) as one:
        indicator_facts_refresh(trajectory_ids=[trajectory.pk], today=dt.date(2027, 1, 10))
    for _ in range(4):
        other = fact(arrival=dt.date(2026, 10, 1)).trajectory
        other.end_date = dt.date(2026, 12, 1)
        other.save(update_fields=["end_date"])
        add_meeting(other)
    everyone = list(Trajectory.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as five:
        assert indicator_facts_refresh(trajectory_ids=everyone, today=dt.date(2027, 1, 10)) == 5

    assert len(five.captured_queries) == len(one.captured_queries)


def test_figures_are_counted_again_after_a_refresh(trajectory):
    from nieuwestart.indicators.selectors import Filters, indicator_results

    period = Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 1), step="maand")
    today = dt.date(2026, 12, 15)

    def arrivals() -> int | None:
        result = next(
            r for r in indicator_results(period, today) if r.indicator.code == "plan-op-tijd"
        )
        return result.total.denominator

    # A refresh by id: the dashboards count from the facts (no snapshot; see test_snapshot.py).
    indicator_facts_refresh(trajectory_ids=[trajectory.pk], today=today)
    assert arrivals() is None  # one trajectory: withheld (fewer than 5)
    on_time = {"plan_due": dt.date(2026, 11, 30), "plan_done": dt.date(2026, 11, 20)}
    TrajectoryFact.objects.update(**on_time)
    for _ in range(4):
        from nieuwestart.indicators.tests.factories import fact

        fact(arrival=dt.date(2026, 11, 2), **on_time)
    assert arrivals() == 5  # the new facts are counted, not the cached figures


def test_a_refresh_that_commits_after_a_later_one_still_shows(trajectory):
    """Two refreshes at once: the one that began first carries the older `refreshed_at` but may
    commit last. Its facts must show at once, not after the cache's six hours."""
    from django.core.cache import cache

    from nieuwestart.indicators.selectors import Filters, indicator_results
    from nieuwestart.indicators.tests.factories import fact

    period = Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 1), step="maand")
    today = dt.date(2026, 12, 15)

    def plan_on_time() -> tuple[int | None, int | None]:
        result = next(
            r for r in indicator_results(period, today) if r.indicator.code == "plan-op-tijd"
        )
        return result.total.numerator, result.total.denominator

    on_time = {"plan_due": dt.date(2026, 11, 30), "plan_done": dt.date(2026, 11, 20)}
    facts = [fact(arrival=dt.date(2026, 11, 2), **on_time) for _ in range(6)]
    assert plan_on_time() == (6, 6)  # counted, and cached

    # Began an hour ago, commits now: the recount of one trajectory that has no plan.
    with time_machine.travel(timezone.now() - dt.timedelta(hours=1), tick=False):
        indicator_fact_refresh(trajectory=facts[0].trajectory, today=today)
    shown = plan_on_time()
    cache.clear()
    assert shown == plan_on_time() != (6, 6)
