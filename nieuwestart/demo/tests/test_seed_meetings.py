"""The demo meetings: held MDOs with minutes, the pre-release meeting near release, a planned
next one, decisions in the plan, and nothing new when run again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nieuwestart.deadlines.selectors import deadlines_for, facts_for
from nieuwestart.demo.seed_meetings import demo_meetings_load
from nieuwestart.meetings.models import Decision, Meeting
from nieuwestart.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db
# Jan de Vries arrived on 2 November 2026 and leaves on 15 March 2027: five weeks to go.
NOW = dt.datetime(2027, 2, 8, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2027, 2, 8)


def test_a_trajectory_in_detention_gets_held_mdos_and_its_pre_release_meeting(trajectory):
    Trajectory.objects.filter(pk=trajectory.pk).update(phase="detentie")
    with time_machine.travel(NOW, tick=False):
        result = demo_meetings_load(today=TODAY)
        again = demo_meetings_load(today=TODAY)
        facts = facts_for(trajectory)
        deadlines = {d.code: d for d in deadlines_for(trajectory, TODAY)}
    meetings = list(Meeting.objects.filter(trajectory=trajectory).order_by("starts_at"))
    assert result["created"] == len(meetings) >= 3
    assert again["created"] == 0 and again["meetings"] == result["meetings"]
    held_mdos = [m for m in meetings if m.kind == "mdo" and m.status == "gehouden"]
    assert [m.starts_at.date() for m in held_mdos] == [dt.date(2026, 12, 14), dt.date(2027, 1, 25)]
    assert all(m.agenda_items.exclude(minutes="").exists() for m in held_mdos)
    assert facts.mdo_dates == (dt.date(2026, 12, 14), dt.date(2027, 1, 25))
    assert any(m.kind == "voorbereiding-vrijlating" for m in meetings)
    assert deadlines["mdo"].status == "open"  # the last MDO was within six weeks
    # Every participant was present (index 0: the municipality stays away every third one).
    assert facts.probation_met_on == dt.date(2026, 12, 14)


def test_decisions_of_the_demo_become_plan_tasks(trajectory):
    Trajectory.objects.filter(pk=trajectory.pk).update(phase="detentie")
    with time_machine.travel(NOW, tick=False):
        demo_meetings_load(today=TODAY)
    decision = Decision.objects.filter(meeting__trajectory=trajectory).first()
    assert decision is not None and decision.plan_task is not None
    assert decision.plan_task.plan.trajectory_id == trajectory.pk


def test_intake_and_closed_trajectories_get_no_meetings(trajectory):
    with time_machine.travel(NOW, tick=False):
        assert demo_meetings_load(today=TODAY)["created"] == 0  # still in intake
    assert not Meeting.objects.exists()


def test_a_short_detention_gets_its_pre_release_meeting_not_before_it_began(trajectory):
    """Five weeks inside: six weeks before release would be before the arrival."""
    from nieuwestart.demo.seed_meetings import _seed_one

    Trajectory.objects.filter(pk=trajectory.pk).update(
        phase="detentie", start_date=dt.date(2026, 11, 2), expected_end_date=dt.date(2026, 12, 7)
    )
    trajectory.refresh_from_db()
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        _seed_one(trajectory, 1, dt.date(2026, 11, 20))  # odd: the pre-release meeting is held

    meeting = Meeting.objects.get(trajectory=trajectory, kind="voorbereiding-vrijlating")
    assert meeting.starts_at.date() == dt.date(2026, 11, 2)
    assert meeting.status == "gehouden"
