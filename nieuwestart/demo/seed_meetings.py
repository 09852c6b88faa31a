"""Demo meetings: held MDOs and trajectory meetings, planned ones coming up, and the
pre-release coordination for people who leave soon, written through the meetings services.

Which trajectories get what (only trajectories past intake, with a PI user to act):
- phase `plan`: the joint trajectory meeting about 3 weeks after arrival, held when that day
  has passed, else planned;
- phases `detentie` and `na-detentie`: a held MDO every 6 weeks from arrival, up to today (or
  the release), with minutes; the second one also has a decision that became a plan task;
- phase `detentie`: every other trajectory has its next MDO planned in the coming weeks;
- phase `detentie` with release within 8 weeks: the pre-release meeting (warm handover), held
  when its day (6 weeks before release) has passed for every other one, else planned.

Idempotent: a trajectory that has any meeting is left alone, so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Channel
from nieuwestart.deadlines.selectors import deadlines_for
from nieuwestart.meetings.agenda import agenda_proposal
from nieuwestart.meetings.models import Attendance, Meeting, MeetingKind, ParticipantKind
from nieuwestart.meetings.selectors import open_plan_tasks
from nieuwestart.meetings.services import (
    AgendaInput,
    DecisionInput,
    ParticipantInput,
    may_write_care_minutes,
    meeting_plan,
    meeting_record,
)
from nieuwestart.trajectories.models import Assignment, Phase, Trajectory

MINUTES = (
    "Besproken. Loopt volgens plan.",
    "Besproken met de gedetineerde. Volgende stap afgesproken.",
    "Nog niet geregeld. De partners houden dit in de gaten.",
)
ROOMS = ("spreekkamer 1", "spreekkamer 2", "bezoekzaal", "overlegruimte afdeling B")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    while day.weekday() >= 5:  # weekend: the next Monday
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _people(trajectory: Trajectory) -> list[User]:
    return [
        a.user
        for a in Assignment.objects.filter(trajectory=trajectory, active=True)
        .select_related("user", "user__organisation")
        .order_by("started_at", "pk")
        if a.user.is_active
    ]


def _actor(trajectory: Trajectory, people: list[User]) -> User | None:
    for person in people:
        if person.role == Role.CASEMANAGER:
            return person
    return (
        User.objects.filter(organisation=trajectory.prison, role=Role.CASEMANAGER)
        .order_by("username")
        .first()
    )


def _plan(
    trajectory: Trajectory,
    actor: User,
    people: list[User],
    kind: str,
    starts_at: dt.datetime,
    index: int,
    today: dt.date,
) -> Meeting:
    proposal = agenda_proposal(
        open_plan_tasks(trajectory),
        deadlines_for(trajectory, today),
        until=today + dt.timedelta(weeks=6),
    )
    participants = [ParticipantInput(kind=ParticipantKind.PROFESSIONAL, user=p) for p in people]
    participants.append(ParticipantInput(kind=ParticipantKind.DETAINEE))
    online = kind != MeetingKind.MDO and index % 2 == 0
    return meeting_plan(
        actor=actor,
        trajectory=trajectory,
        kind=kind,
        starts_at=starts_at,
        location=f"{trajectory.prison.name}, {ROOMS[index % len(ROOMS)]}",
        online_link=f"https://overleg.nieuwestart.example/{trajectory.uuid.hex[:10]}"
        if online
        else "",
        participants=participants,
        agenda=[
            AgendaInput(
                title=item.title,
                source=item.source,
                source_ref=item.source_ref,
                domain=item.domain,
                organisation_id=item.organisation_id,
            )
            for item in proposal[:8]
        ],
        channel=Channel.SYSTEM,
    )


def _hold(meeting: Meeting, actor: User, index: int, *, decide: bool) -> None:
    attendance: dict[str, str] = {}
    for participant in meeting.participants.select_related("organisation"):
        absent = (
            participant.organisation is not None
            and participant.organisation.kind == "gemeente"
            and index % 3 == 0
        )
        attendance[str(participant.uuid)] = Attendance.EXCUSED if absent else Attendance.PRESENT
    # Minutes about care are written only by who may read care content (meetings rule).
    care_writer = may_write_care_minutes(actor)
    minutes = {
        str(item.uuid): MINUTES[(index + n) % len(MINUTES)]
        for n, item in enumerate(meeting.agenda_items.all())
        if care_writer or item.domain != "zorg"
    }
    decisions = []
    if decide:
        municipality = meeting.trajectory.return_municipality
        decisions.append(
            DecisionInput(
                text="Afspraak maken met de schuldhulpverlening",
                domain="financien",
                organisation=municipality,
                due_date=timezone.localdate(meeting.starts_at) + dt.timedelta(weeks=3),
            )
        )
    meeting_record(
        actor=actor,
        meeting=meeting,
        expected_version=None,
        attendance=attendance,
        minutes=minutes,
        decisions=decisions,
        channel=Channel.SYSTEM,
    )


def _seed_one(trajectory: Trajectory, index: int, today: dt.date) -> int:
    people = _people(trajectory)
    actor = _actor(trajectory, people)
    if actor is None:
        return 0
    made = 0
    start = trajectory.start_date
    end = trajectory.end_date or today
    if trajectory.phase == Phase.PLAN:
        day = start + dt.timedelta(days=20)
        meeting = _plan(trajectory, actor, people, MeetingKind.TRAJECTORY, _at(day), index, today)
        if timezone.localdate(meeting.starts_at) <= today:
            _hold(meeting, actor, index, decide=False)
        return 1
    if trajectory.phase not in (Phase.DETENTION, Phase.AFTER_RELEASE):
        return 0
    day = start + dt.timedelta(weeks=6)
    number = 0
    while day <= min(end, today):
        meeting = _plan(trajectory, actor, people, MeetingKind.MDO, _at(day), index, today)
        if timezone.localdate(meeting.starts_at) <= today:
            _hold(meeting, actor, index + number, decide=number == 1)
        made += 1
        number += 1
        day += dt.timedelta(weeks=6)
    if trajectory.phase != Phase.DETENTION:
        return made
    if index % 2 == 0:
        soon = today + dt.timedelta(days=3 + index % 18)
        _plan(trajectory, actor, people, MeetingKind.MDO, _at(soon, 14), index, today)
        made += 1
    release = trajectory.expected_end_date
    if release is not None and today < release <= today + dt.timedelta(weeks=8):
        # Six weeks before release, but not before the trajectory began (a short detention).
        day = max(release - dt.timedelta(weeks=6), start)
        if day < today and index % 2 == 1:
            meeting = _plan(
                trajectory, actor, people, MeetingKind.PRE_RELEASE, _at(day), index, today
            )
            if timezone.localdate(meeting.starts_at) <= today:
                _hold(meeting, actor, index, decide=False)
        else:
            when = max(day, today + dt.timedelta(days=2))
            _plan(trajectory, actor, people, MeetingKind.PRE_RELEASE, _at(when, 11), index, today)
        made += 1
    return made


def demo_meetings_load(
    *, today: dt.date | None = None, trajectories: QuerySet[Trajectory] | None = None
) -> dict[str, Any]:
    """Seed meetings on the demo trajectories (or the ones given). Returns counts."""
    today = today or timezone.localdate()
    queryset = trajectories if trajectories is not None else Trajectory.objects.all()
    queryset = (
        queryset.filter(phase__in=[Phase.PLAN, Phase.DETENTION, Phase.AFTER_RELEASE])
        .exclude(meetings__isnull=False)
        .select_related("prison", "return_municipality")
        .order_by("pk")
    )
    made = 0
    for trajectory in queryset:
        # The primary key, not the position in this run, so a second run decides the same.
        with transaction.atomic():
            made += _seed_one(trajectory, trajectory.pk, today)
    return {"meetings": Meeting.objects.count(), "created": made}


__all__ = ["demo_meetings_load"]
