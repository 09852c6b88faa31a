"""Writes on meetings. Each is one transaction that also writes its processing-log row.

- `meeting_plan`: plan an MDO, a trajectory meeting or the pre-release coordination, with its
  participants (professionals of the involved organisations, external people, the detainee)
  and its agenda (from the proposal of `agenda.py` and free items).
- `meeting_record`: record once what happened: attendance per participant, minutes per agenda
  item, and decisions. Each decision becomes a task in the D&R-plan through
  `plans.services.plan_task_add`, in the same transaction. Afterwards the meeting is held and
  read-only.
- `meeting_cancel`: a planned meeting does not go ahead, with a reason.

Permissions are checked before, in the access chokepoint (`Action.MEETING_EDIT`). The services
check the facts: the trajectory is not closed, the people are from involved organisations, the
online link is https, a meeting is planned between the trajectory's start and two years ahead
and held between the start and today, the minutes are recorded once and not before the day of
the meeting, and minutes about care are written only by who may read care content
(`may_write_care_minutes`). A write based on an older `version` raises `MeetingConflict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.access.policy import CASE_ROLES, Category
from nieuwestart.access.trajectories import sees_care_content
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.meetings.models import (
    MEETING_TRANSITIONS,
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
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans.models import PlanDomain, PlanTask
from nieuwestart.plans.services import involved_organisations, plan_task_add
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import Conflict, ServiceError

PURPOSE = "overleg"
CATEGORIES = [Category.PLAN.value, Category.CONTACTS.value]
MAX_MINUTES = 10_000
MAX_ITEMS = 40
MAX_PARTICIPANTS = 40
MAX_DECISIONS = 30
# How far ahead a meeting can be planned (two years, in days).
MAX_DAYS_AHEAD = 730

__all__ = [
    "AgendaInput",
    "DecisionInput",
    "MeetingConflict",
    "ParticipantInput",
    "may_write_care_minutes",
    "meeting_cancel",
    "meeting_plan",
    "meeting_record",
]


class MeetingConflict(Conflict):
    """Somebody recorded, cancelled or changed the meeting after the user opened it."""


@dataclass(frozen=True)
class ParticipantInput:
    """A professional (`user`), an external person (`name`, `organisation_name`) or the
    detainee (kind `gedetineerde`)."""

    kind: str
    user: User | None = None
    name: str = ""
    organisation_name: str = ""


@dataclass(frozen=True)
class AgendaInput:
    """An agenda item. For a task the caller passes the task's fields; `title` is kept as
    written (the reader's view hides a care task of another organisation)."""

    title: str
    source: str = AgendaSource.FREE
    source_ref: str = ""
    domain: str = PlanDomain.GENERAL.value
    organisation_id: int | None = None


@dataclass(frozen=True)
class DecisionInput:
    """A decision: what, under which basic condition, who, by when. Becomes a plan task."""

    text: str
    domain: str = PlanDomain.GENERAL.value
    organisation: Organisation | None = None
    assignee: User | None = None
    for_detainee: bool = False
    due_date: dt.date | None = None
    agenda_item: UUID | str | None = None


def _log(meeting: Meeting, *, actor: User, action: str, channel: str, detail: str) -> None:
    trajectory = meeting.trajectory
    log_processing(
        actor=actor,
        action=action,
        categories=CATEGORIES,
        purpose=PURPOSE,
        channel=channel,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail=detail,
    )


def _clean_text(value: str, *, limit: int, field_name: str) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ServiceError(
            _("Deze tekst is te lang: maximaal %(max)d tekens.") % {"max": limit},
            field=field_name,
            code="max_length",
        )
    return text


def clean_online_link(value: str) -> str:
    """An https link to an online meeting, or empty. Other schemes are refused: the link is
    clicked by people in three organisations, so it must not lead to plain http or a script."""
    link = str(value or "").strip()
    if not link:
        return ""
    if urlsplit(link).scheme.lower() != "https":
        raise ServiceError(
            _("Vul een link in die begint met https://."), field="onlineLink", code="invalid"
        )
    try:
        URLValidator(schemes=["https"])(link)
    except ValidationError as exc:
        raise ServiceError(
            _("Deze link klopt niet. Kopieer de link uit de uitnodiging."),
            field="onlineLink",
            code="invalid",
        ) from exc
    if len(link) > 500:
        raise ServiceError(
            _("Deze link is te lang: maximaal 500 tekens."), field="onlineLink", code="max_length"
        )
    return link


def may_write_care_minutes(user: User) -> bool:
    """Minutes of an agenda item about care (basic condition `zorg`) may hold diagnoses and
    treatment. Only a user who may read care content in full (`zorginhoud`: probation) writes
    them; the PI casemanager and the municipality see care content only as a signal, so they
    could not read back what they wrote (docs/meetings.md, "Who sees what")."""
    return sees_care_content(user)


def _local_day(value: dt.datetime, field_name: str) -> dt.date:
    """The local date of `value`; a moment so far in the past or future that it cannot be
    converted is refused like any date outside the bounds."""
    try:
        return timezone.localdate(value)
    except (OverflowError, ValueError) as exc:
        raise ServiceError(
            _("Deze datum kan niet. Vul een datum in als 19-11-2026."),
            field=field_name,
            code="invalid",
        ) from exc


def check_planned_day(trajectory: Trajectory, day: dt.date, *, field_name: str = "aanvang") -> None:
    """A meeting is planned on or after the start of the trajectory and at most two years
    ahead (`MAX_DAYS_AHEAD`)."""
    if day < trajectory.start_date:
        raise ServiceError(
            _(
                "Deze datum is voor het begin van het traject (%(start)s). Kies een datum op "
                "of na %(start)s."
            )
            % {"start": f"{trajectory.start_date:%d-%m-%Y}"},
            field=field_name,
            code="too_early",
        )
    latest = timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if day > latest:
        raise ServiceError(
            _("Deze datum is te ver vooruit. Plan een overleg hoogstens twee jaar vooruit."),
            field=field_name,
            code="too_late",
        )


def check_held_day(trajectory: Trajectory, day: dt.date, *, field_name: str = "gehoudenOp") -> None:
    """A meeting was held on or after the start of the trajectory and not after today."""
    if day < trajectory.start_date:
        raise ServiceError(
            _(
                "Deze datum is voor het begin van het traject (%(start)s). Vul de dag in "
                "waarop het overleg echt was."
            )
            % {"start": f"{trajectory.start_date:%d-%m-%Y}"},
            field=field_name,
            code="too_early",
        )
    if day > timezone.localdate():
        raise ServiceError(
            _(
                "Dit overleg is nog niet geweest. U legt het verslag vast op of na de dag van "
                "het overleg."
            ),
            field=field_name,
            code="not_yet",
        )


def _participants(
    trajectory: Trajectory, participants: Sequence[ParticipantInput]
) -> list[Participant]:
    involved = {o.pk: o for o in involved_organisations(trajectory)}
    rows: list[Participant] = []
    seen_users: set[int] = set()
    detainee = False
    for index, p in enumerate(participants):
        name_field = f"deelnemers.{index}"
        if p.kind == ParticipantKind.PROFESSIONAL:
            user = p.user
            if (
                user is None
                or not user.is_active
                or user.organisation_id not in involved
                or user.role not in CASE_ROLES
            ):
                raise ServiceError(
                    _(
                        "Deze persoon werkt niet bij een organisatie die bij het traject "
                        "betrokken is. Kies iemand uit de lijst, of voeg hem of haar toe als "
                        "iemand van een andere organisatie."
                    ),
                    field=name_field,
                )
            if user.pk in seen_users:
                continue
            seen_users.add(user.pk)
            organisation = involved[user.organisation_id]
            rows.append(
                Participant(
                    kind=p.kind,
                    user=user,
                    organisation=organisation,
                    name=user.display_name[:200],
                    organisation_name=organisation.name[:200],
                )
            )
        elif p.kind == ParticipantKind.EXTERNAL:
            name = str(p.name or "").strip()
            if not name:
                raise ServiceError(_("Vul de naam in."), field=f"{name_field}.naam")
            rows.append(
                Participant(
                    kind=p.kind,
                    name=name[:200],
                    organisation_name=str(p.organisation_name or "").strip()[:200],
                )
            )
        elif p.kind == ParticipantKind.DETAINEE:
            if detainee:
                continue
            detainee = True
            rows.append(
                Participant(
                    kind=p.kind,
                    name=trajectory.person.full_name[:200],
                    organisation_name="",
                )
            )
        else:
            raise ServiceError(_("Kies wie er meedoet."), field=f"{name_field}.soort")
    if not rows:
        raise ServiceError(_("Kies wie er meedoen."), field="deelnemers", code="required")
    if len(rows) > MAX_PARTICIPANTS:
        raise ServiceError(
            _("Kies hoogstens %(max)d deelnemers.") % {"max": MAX_PARTICIPANTS},
            field="deelnemers",
        )
    return rows


def _agenda(agenda: Sequence[AgendaInput]) -> list[AgendaItem]:
    items = []
    for index, item in enumerate(agenda):
        title = _clean_text(item.title, limit=500, field_name=f"agenda.{index}.onderwerp")
        if not title:
            continue
        if item.source not in AgendaSource.values:
            raise ServiceError(
                _("Kies waar dit agendapunt vandaan komt."), field=f"agenda.{index}.bron"
            )
        items.append(
            AgendaItem(
                title=title,
                source=item.source,
                source_ref=str(item.source_ref or "")[:64]
                if item.source != AgendaSource.FREE
                else "",
                domain=item.domain if item.domain in PlanDomain.values else "algemeen",
                organisation_id=item.organisation_id,
            )
        )
    if not items:
        raise ServiceError(
            _("Zet minstens één punt op de agenda."), field="agenda", code="required"
        )
    if len(items) > MAX_ITEMS:
        raise ServiceError(
            _("Zet hoogstens %(max)d punten op de agenda.") % {"max": MAX_ITEMS}, field="agenda"
        )
    return items


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    trajectory: Trajectory,
    kind: str,
    starts_at: dt.datetime | None,
    location: str = "",
    online_link: str = "",
    participants: Sequence[ParticipantInput],
    agenda: Sequence[AgendaInput],
    channel: str = Channel.WEB,
) -> Meeting:
    """Plan a meeting. It needs a kind, a date and time, a place or an online link (or both),
    at least one participant and at least one agenda item."""
    if not trajectory.is_open:
        raise ServiceError(
            _("Dit traject is afgesloten. U kunt geen overleg meer plannen."),
            field="traject",
            code="closed",
        )
    if kind not in MeetingKind.values:
        raise ServiceError(_("Kies het soort overleg."), field="soort", code="required")
    if starts_at is None:
        raise ServiceError(_("Vul de datum en de tijd in."), field="aanvang", code="required")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    check_planned_day(trajectory, _local_day(starts_at, "aanvang"))
    location = _clean_text(location, limit=200, field_name="locatie")
    link = clean_online_link(online_link)
    if not location and not link:
        raise ServiceError(
            _("Vul in waar het overleg is, of een link om online mee te doen."),
            field="locatie",
            code="required",
        )
    participant_rows = _participants(trajectory, participants)
    agenda_rows = _agenda(agenda)
    meeting = Meeting.objects.create(
        trajectory=trajectory,
        kind=kind,
        starts_at=starts_at,
        location=location,
        online_link=link,
        created_by=actor,
        created_by_organisation=actor.organisation,
    )
    for position, row in enumerate(participant_rows):
        row.meeting = meeting
        row.position = position
    Participant.objects.bulk_create(participant_rows)
    for position, item in enumerate(agenda_rows):
        item.meeting = meeting
        item.position = position
    AgendaItem.objects.bulk_create(agenda_rows)
    _log(
        meeting,
        actor=actor,
        action=LogAction.CREATE,
        channel=channel,
        detail=f"{kind} gepland op {timezone.localtime(starts_at):%Y-%m-%d %H:%M}",
    )
    return meeting


def _lock(meeting: Meeting, expected_version: int | None) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(no_key=True)
        .select_related("trajectory", "trajectory__person")
        .get(pk=meeting.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        if locked.status == MeetingStatus.HELD:
            message = _(
                "Iemand anders heeft het verslag van dit overleg al vastgelegd nadat u het "
                "opende. Uw verslag is niet opgeslagen."
            )
        elif locked.status == MeetingStatus.CANCELLED:
            message = _(
                "Iemand anders heeft dit overleg afgelast nadat u het opende. Uw wijziging is "
                "niet opgeslagen."
            )
        else:
            message = _(
                "Iemand anders heeft dit overleg gewijzigd nadat u het opende. Uw wijziging "
                "is niet opgeslagen."
            )
        raise MeetingConflict(message, field="versie", code="conflict")
    return locked


def _move(meeting: Meeting, to_status: str) -> None:
    if to_status not in MEETING_TRANSITIONS.get(meeting.status, frozenset()):
        if meeting.status == MeetingStatus.HELD:
            message = _(
                "Het verslag van dit overleg is al vastgelegd. Het kan niet meer veranderen."
            )
        else:
            message = _("Dit overleg is afgelast.")
        raise ServiceError(message, field="status", code="transition")
    meeting.status = to_status


def _decision_rows(
    meeting: Meeting, decisions: Sequence[DecisionInput], items: dict[str, AgendaItem]
) -> list[tuple[int, DecisionInput, AgendaItem | None]]:
    if len(decisions) > MAX_DECISIONS:
        raise ServiceError(
            _("Leg hoogstens %(max)d besluiten tegelijk vast.") % {"max": MAX_DECISIONS},
            field="besluiten",
        )
    rows = []
    for index, decision in enumerate(decisions):
        prefix = f"besluiten.{index}"
        if not str(decision.text or "").strip():
            raise ServiceError(_("Schrijf op wat er is besloten."), field=f"{prefix}.tekst")
        item = None
        if decision.agenda_item:
            item = items.get(str(decision.agenda_item))
            if item is None:
                raise ServiceError(
                    _("Dit agendapunt hoort niet bij dit overleg."), field=f"{prefix}.agendapunt"
                )
        rows.append((index, decision, item))
    return rows


# plan_task_add's field names, as they appear under a decision (the API's names: `tekst`,
# `domein`, `organisatie`, `uitvoerder`; the web form puts the last two on its "wie" field).
_TASK_FIELDS = {"wat": "tekst"}


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    meeting: Meeting,
    expected_version: int | None,
    attendance: Mapping[str, str],
    minutes: Mapping[str, str],
    decisions: Sequence[DecisionInput] = (),
    held_at: dt.datetime | None = None,
    channel: str = Channel.WEB,
) -> Meeting:
    """Record the meeting once: attendance (participant uuid -> aanwezig, afwezig, afgemeld,
    onbekend), minutes (agenda item uuid -> text) and decisions, each of which becomes a plan
    task. `held_at` corrects the date and time when the meeting moved on the day.

    Everything is stored together or not at all; afterwards the meeting is read-only.
    """
    meeting = _lock(meeting, expected_version)
    trajectory = meeting.trajectory
    if not trajectory.is_open:
        raise ServiceError(
            _("Dit traject is afgesloten. U kunt geen verslag meer vastleggen."),
            field="traject",
            code="closed",
        )
    _move(meeting, MeetingStatus.HELD)
    if held_at is not None:
        if timezone.is_naive(held_at):
            held_at = timezone.make_aware(held_at)
        meeting.starts_at = held_at
    check_held_day(trajectory, _local_day(meeting.starts_at, "gehoudenOp"))
    care_writer = may_write_care_minutes(actor)
    participants = {str(p.uuid): p for p in meeting.participants.all()}
    items = {str(i.uuid): i for i in meeting.agenda_items.all()}
    for key, value in attendance.items():
        participant = participants.get(str(key))
        if participant is None:
            raise ServiceError(
                _("Deze persoon staat niet op de lijst van deelnemers."),
                field=f"aanwezigheid.{key}",
            )
        if value not in Attendance.values:
            raise ServiceError(
                _("Kies aanwezig, afwezig, afgemeld of onbekend."), field=f"aanwezigheid.{key}"
            )
        participant.attendance = value
    for key, text in minutes.items():
        item = items.get(str(key))
        if item is None:
            raise ServiceError(
                _("Dit agendapunt hoort niet bij dit overleg."), field=f"verslag.{key}"
            )
        cleaned = _clean_text(text, limit=MAX_MINUTES, field_name=f"verslag.{key}")
        if cleaned and item.domain == PlanDomain.CARE and not care_writer:
            raise ServiceError(
                _(
                    "Dit punt gaat over zorg. Alleen wie zorginhoud mag zien, schrijft hier "
                    "een verslag. Laat dit verslag leeg."
                ),
                field=f"verslag.{key}",
                code="care_minutes",
            )
        item.minutes = cleaned
    decision_rows = _decision_rows(meeting, decisions, items)
    Participant.objects.bulk_update(list(participants.values()), ["attendance"])
    AgendaItem.objects.bulk_update(list(items.values()), ["minutes"])
    for index, decision, item in decision_rows:
        try:
            task: PlanTask = plan_task_add(
                actor=actor,
                trajectory=trajectory,
                expected_version=None,
                domain=decision.domain,
                what=decision.text,
                organisation=decision.organisation,
                for_detainee=decision.for_detainee,
                assignee=decision.assignee,
                due_date=decision.due_date,
                channel=channel,
            )
        except ServiceError as exc:
            name = _TASK_FIELDS.get(exc.field or "wat", exc.field)
            raise ServiceError(
                exc.message, field=f"besluiten.{index}.{name}", code=exc.code
            ) from exc
        Decision.objects.create(
            meeting=meeting,
            agenda_item=item,
            position=index,
            text=task.what,
            domain=task.domain,
            organisation=task.organisation,
            assignee=task.assignee,
            for_detainee=task.for_detainee,
            due_date=task.due_date,
            plan_task=task,
            plan_task_uuid=task.uuid,
        )
    meeting.recorded_by = actor
    meeting.recorded_by_organisation = actor.organisation
    meeting.recorded_at = timezone.now()
    meeting.version += 1
    meeting.save()
    present = sum(1 for p in participants.values() if p.attendance == Attendance.PRESENT)
    _log(
        meeting,
        actor=actor,
        action=LogAction.UPDATE,
        channel=channel,
        detail=(
            f"verslag {meeting.kind} vastgelegd: {present} aanwezig, "
            f"{len(decision_rows)} besluit(en)"
        ),
    )
    return meeting


@transaction.atomic
def meeting_cancel(
    *,
    actor: User,
    meeting: Meeting,
    expected_version: int | None,
    reason: str,
    channel: str = Channel.WEB,
) -> Meeting:
    """A planned meeting does not go ahead. The reason is required, so the partners know."""
    text = _clean_text(reason, limit=500, field_name="reden")
    if not text:
        raise ServiceError(
            _("Schrijf waarom het overleg niet doorgaat."), field="reden", code="required"
        )
    meeting = _lock(meeting, expected_version)
    _move(meeting, MeetingStatus.CANCELLED)
    meeting.cancel_reason = text
    meeting.version += 1
    meeting.save()
    _log(meeting, actor=actor, action=LogAction.UPDATE, channel=channel, detail="afgelast")
    return meeting
