"""Reads of meetings, shaped for one reader.

Rule (docs/meetings.md, "Who sees what"): meetings belong to the category `plan`. Every
involved partner takes part in meetings, so every involved reader sees the date, place, link,
participants and attendance, the agenda, the decisions and the minutes. Two exceptions:

- Titles, the same as in the plan (`plans.sections.care_task_hidden`): a reader who sees the
  plan only as a summary (the municipality, its safety house) sees an agenda item that comes
  from a care task of another organisation as "Vervolg van zorg na detentie".
- Care content (`zorginhoud`: diagnoses, treatment): the minutes of every agenda item about the
  basic condition `zorg`, whatever its source (a task, a deadline such as
  `voor-vrijlating-zorg`), and the text of every decision on `zorg`, are shown only to a reader
  who sees care content in full (`category_visibility(user, CARE_DETAILS) == FULL`, probation),
  or whose own organisation wrote them (recorded the meeting; for a decision also the
  organisation that carries it out). Everyone else (the PI casemanager, the municipality) reads
  `HIDDEN_CARE_CONTENT` instead. Writing follows reading: see
  `services.may_write_care_minutes`.

The caller has passed the access chokepoint; these functions do not log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nieuwestart.access.policy import CASE_ROLES, Action
from nieuwestart.access.trajectories import may, sees_care_content
from nieuwestart.accounts.models import Role, User
from nieuwestart.meetings.agenda import ProposedItem
from nieuwestart.meetings.models import (
    AgendaItem,
    AgendaSource,
    Attendance,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantKind,
)
from nieuwestart.plans.models import PlanDomain, PlanTask, PlanTaskStatus
from nieuwestart.plans.sections import HIDDEN_CARE_TASK, care_task_hidden
from nieuwestart.trajectories.models import Involvement, Trajectory

# What a reader without full care visibility reads instead of care minutes or a care decision.
HIDDEN_CARE_CONTENT = gettext_lazy(
    "Vervolg van zorg na detentie (inhoud alleen voor wie zorginhoud mag zien)"
)


@dataclass(frozen=True)
class ParticipantView:
    uuid: UUID
    kind: str
    kind_label: str
    name: str
    organisation_name: str
    user_uuid: UUID | None
    attendance: str
    attendance_label: str

    @property
    def badge(self) -> str:
        """Status badge code (core/templatetags/ns_components.py); the label goes with it (never colour alone)."""
        badges: dict[str, str] = {
            Attendance.PRESENT: "in-orde",
            Attendance.EXCUSED: "aandacht",
            Attendance.ABSENT: "hulp-nodig",
        }
        return badges.get(self.attendance, "onbekend")


@dataclass(frozen=True)
class AgendaItemView:
    uuid: UUID
    number: int
    title: str
    source: str
    source_label: str
    source_ref: str
    domain: str
    domain_label: str
    hidden: bool  # the title is hidden (a care task of another organisation)
    minutes: str | None  # None: hidden from this reader
    minutes_hidden: bool  # care minutes this reader may not read (show HIDDEN_CARE_CONTENT)
    # May this reader write minutes on this item when recording the meeting?
    minutes_writable: bool = True

    @property
    def hidden_minutes_text(self) -> str:
        return str(HIDDEN_CARE_CONTENT)


@dataclass(frozen=True)
class DecisionView:
    uuid: UUID
    text: str
    hidden: bool
    domain: str
    domain_label: str
    organisation_code: str
    organisation_name: str
    assignee_uuid: UUID | None
    assignee_name: str
    for_detainee: bool
    who: str
    due_date: dt.date | None
    plan_task_uuid: UUID | None
    agenda_item_uuid: UUID | None


@dataclass(frozen=True)
class MeetingSummary:
    uuid: UUID
    kind: str
    kind_label: str
    starts_at: dt.datetime
    location: str
    online_link: str
    status: str
    status_label: str
    participant_count: int

    @property
    def badge(self) -> str:
        return _status_badge(self.status)


@dataclass(frozen=True)
class MeetingView:
    uuid: UUID
    trajectory_uuid: UUID
    kind: str
    kind_label: str
    starts_at: dt.datetime
    location: str
    online_link: str
    status: str
    status_label: str
    version: int
    created_by: str
    created_by_organisation: str
    created_at: dt.datetime
    recorded_by: str
    recorded_by_organisation: str
    recorded_at: dt.datetime | None
    cancel_reason: str
    participants: list[ParticipantView]
    agenda: list[AgendaItemView]
    decisions: list[DecisionView]

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def badge(self) -> str:
        return _status_badge(self.status)

    @property
    def present_count(self) -> int:
        return sum(1 for p in self.participants if p.attendance == Attendance.PRESENT)


def _status_badge(status: str) -> str:
    badges: dict[str, str] = {MeetingStatus.HELD: "in-orde", MeetingStatus.CANCELLED: "onbekend"}
    return badges.get(status, "aandacht")


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def _domain_label(code: str) -> str:
    return str(PlanDomain(code).label) if code in PlanDomain.values else code


def item_hidden(user: User, source: str, domain: str, organisation_id: int | None) -> bool:
    """An agenda item from another organisation's care task, for a plan summary reader."""
    return source == AgendaSource.TASK and care_task_hidden(user, domain, organisation_id)


def care_content_hidden(
    user: User, domain: str, *organisation_ids: int | None, full: bool | None = None
) -> bool:
    """Care content (domain `zorg`) for a reader without full care visibility, unless one of
    `organisation_ids` (who wrote it, who carries it out) is the reader's own organisation."""
    if domain != PlanDomain.CARE:
        return False
    if full is None:
        full = sees_care_content(user)
    if full:
        return False
    own = user.organisation_id
    return own is None or own not in organisation_ids


def _agenda_view(
    item: AgendaItem, number: int, user: User, writer_id: int | None, full: bool
) -> AgendaItemView:
    hidden = item_hidden(user, item.source, item.domain, item.organisation_id)
    minutes_hidden = hidden or care_content_hidden(user, item.domain, writer_id, full=full)
    return AgendaItemView(
        uuid=item.uuid,
        number=number,
        title=str(HIDDEN_CARE_TASK) if hidden else item.title,
        source=item.source,
        source_label=str(AgendaSource(item.source).label),
        source_ref="" if hidden else item.source_ref,
        domain=item.domain,
        domain_label=_domain_label(item.domain),
        hidden=hidden,
        minutes=None if minutes_hidden else item.minutes,
        minutes_hidden=minutes_hidden,
        minutes_writable=full or item.domain != PlanDomain.CARE,
    )


def _who(decision: Decision) -> str:
    by = ", ".join(
        p
        for p in (
            decision.organisation.name if decision.organisation else "",
            _name(decision.assignee),
        )
        if p
    )
    if decision.for_detainee:
        return _("De persoon zelf, met %(by)s") % {"by": by} if by else _("De persoon zelf")
    return by


def _decision_view(
    decision: Decision, user: User, writer_id: int | None, full: bool
) -> DecisionView:
    hidden = care_task_hidden(
        user, decision.domain, decision.organisation_id
    ) or care_content_hidden(user, decision.domain, writer_id, decision.organisation_id, full=full)
    return DecisionView(
        uuid=decision.uuid,
        text=str(HIDDEN_CARE_CONTENT) if hidden else decision.text,
        hidden=hidden,
        domain=decision.domain,
        domain_label=_domain_label(decision.domain),
        organisation_code=decision.organisation.code if decision.organisation else "",
        organisation_name=decision.organisation.name if decision.organisation else "",
        assignee_uuid=decision.assignee.uuid if decision.assignee else None,
        assignee_name=_name(decision.assignee),
        for_detainee=decision.for_detainee,
        who=_who(decision),
        due_date=decision.due_date,
        plan_task_uuid=decision.plan_task_uuid,
        agenda_item_uuid=decision.agenda_item.uuid if decision.agenda_item else None,
    )


def _participant_view(p: Participant) -> ParticipantView:
    return ParticipantView(
        uuid=p.uuid,
        kind=p.kind,
        kind_label=str(ParticipantKind(p.kind).label),
        name=p.name,
        organisation_name=p.organisation_name,
        user_uuid=p.user.uuid if p.user else None,
        attendance=p.attendance,
        attendance_label=str(Attendance(p.attendance).label),
    )


def get_meeting(trajectory: Trajectory, meeting_uuid: UUID | str) -> Meeting | None:
    """The trajectory's meeting with this uuid, or None (also for another trajectory's)."""
    try:
        return (
            Meeting.objects.select_related("trajectory", "trajectory__person")
            .filter(trajectory=trajectory)
            .get(uuid=meeting_uuid)
        )
    except (Meeting.DoesNotExist, ValueError):
        return None


def meeting_view(meeting: Meeting, user: User) -> MeetingView:
    """One meeting as `user` may see it (five queries)."""
    meeting = Meeting.objects.select_related(
        "trajectory",
        "created_by",
        "created_by_organisation",
        "recorded_by",
        "recorded_by_organisation",
    ).get(pk=meeting.pk)
    participants = [_participant_view(p) for p in meeting.participants.select_related("user")]
    full = sees_care_content(user)
    writer_id = meeting.recorded_by_organisation_id
    agenda = [
        _agenda_view(item, n, user, writer_id, full)
        for n, item in enumerate(meeting.agenda_items.all(), 1)
    ]
    decisions = [
        _decision_view(d, user, writer_id, full)
        for d in meeting.decisions.select_related("organisation", "assignee", "agenda_item")
    ]
    return MeetingView(
        uuid=meeting.uuid,
        trajectory_uuid=meeting.trajectory.uuid,
        kind=meeting.kind,
        kind_label=str(MeetingKind(meeting.kind).label),
        starts_at=meeting.starts_at,
        location=meeting.location,
        online_link=meeting.online_link,
        status=meeting.status,
        status_label=str(MeetingStatus(meeting.status).label),
        version=meeting.version,
        created_by=_name(meeting.created_by),
        created_by_organisation=meeting.created_by_organisation.name
        if meeting.created_by_organisation
        else "",
        created_at=meeting.created_at,
        recorded_by=_name(meeting.recorded_by),
        recorded_by_organisation=meeting.recorded_by_organisation.name
        if meeting.recorded_by_organisation
        else "",
        recorded_at=meeting.recorded_at,
        cancel_reason=meeting.cancel_reason,
        participants=participants,
        agenda=agenda,
        decisions=decisions,
    )


def _summary(meeting: Meeting) -> MeetingSummary:
    return MeetingSummary(
        uuid=meeting.uuid,
        kind=meeting.kind,
        kind_label=str(MeetingKind(meeting.kind).label),
        starts_at=meeting.starts_at,
        location=meeting.location,
        online_link=meeting.online_link,
        status=meeting.status,
        status_label=str(MeetingStatus(meeting.status).label),
        participant_count=getattr(meeting, "participant_count", 0),
    )


def meetings_for(trajectory: Trajectory) -> list[MeetingSummary]:
    """All meetings of the trajectory, newest first (one query). No content, so the same for
    every involved reader."""
    rows = (
        Meeting.objects.filter(trajectory=trajectory)
        .annotate(participant_count=Count("participants"))
        .order_by("-starts_at", "-pk")
    )
    return [_summary(m) for m in rows]


def trajectory_block(
    trajectory: Trajectory, user: User, *, rows: Iterable[Meeting] | None = None
) -> dict[str, Any]:
    """Context of `meetings/_trajectory_block.html` on the trajectory page (keys prefixed
    `meetings_`): the next planned meeting, the last held one, and whether the user may plan.
    `rows`: every meeting of the trajectory, already read by the caller, newest first and
    annotated `participant_count` (as `meetings_for` reads them)."""
    now = timezone.now()
    meetings = meetings_for(trajectory) if rows is None else [_summary(m) for m in rows]
    planned = sorted(
        (m for m in meetings if m.status == MeetingStatus.PLANNED), key=lambda m: m.starts_at
    )
    upcoming = [m for m in planned if m.starts_at >= now - dt.timedelta(hours=12)]
    overdue = [m for m in planned if m not in upcoming]
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    return {
        "meetings_next": upcoming[0] if upcoming else None,
        "meetings_to_record": overdue,
        "meetings_last_held": held[0] if held else None,
        "meetings_count": len(meetings),
        "meetings_can_plan": may(user, Action.MEETING_EDIT) and trajectory.is_open,
    }


def open_plan_tasks(trajectory: Trajectory) -> list[PlanTask]:
    """The plan's tasks that are not done, as rows (the agenda proposal keeps their text; the
    reader's view hides care tasks)."""
    return list(
        PlanTask.objects.filter(plan__trajectory=trajectory)
        .exclude(status=PlanTaskStatus.DONE)
        .select_related("organisation")
        .order_by("domain", "position", "pk")
    )


def proposal_label(item: ProposedItem, user: User) -> str:
    """A proposed item's title as `user` may see it."""
    if item_hidden(user, item.source, item.domain, item.organisation_id):
        return str(HIDDEN_CARE_TASK)
    return item.title


def people_to_invite(trajectory: Trajectory) -> list[User]:
    """The professionals who can be invited: active users in a case role at an organisation
    involved in the trajectory, the named ones (assigned) first."""
    organisations = list(
        Involvement.objects.filter(trajectory=trajectory, active=True)
        .order_by("started_at", "pk")
        .values_list("organisation_id", flat=True)
    )
    assigned = set(trajectory.assignments.filter(active=True).values_list("user_id", flat=True))
    users = list(
        User.objects.filter(
            organisation_id__in=organisations, is_active=True, role__in=list(CASE_ROLES)
        ).select_related("organisation")
    )
    order = {pk: i for i, pk in enumerate(organisations)}
    users.sort(
        key=lambda u: (
            order.get(u.organisation_id or 0, 99),
            u.pk not in assigned,
            u.role != Role.CASEMANAGER,
            u.last_name,
            u.first_name,
        )
    )
    return users
