"""Meetings of the partners about one trajectory: the MDO, the trajectory meeting and the
pre-release coordination (DOMAIN.md, "The timeline"; report §4.5 and §6.3).

Rules:
- A meeting is planned (`gepland`), then either held (`gehouden`, once its minutes and
  attendance are recorded) or cancelled (`afgelast`). Both end states are final
  (`MEETING_TRANSITIONS`): minutes are written once and are read-only afterwards.
- Participants are professionals of the involved organisations (a `User`), named people of
  other organisations (`extern`), and the detainee. Attendance starts as `onbekend`.
- The agenda is ordered. Each item keeps where it came from (`source`): an open plan task, a
  deadline of the handreiking, or typed in (`vrij`), so a reader's view can hide a care task of
  another organisation exactly as the plan does (`plans.sections.care_task_hidden`).
- A decision is turned into a task in the D&R-plan (`plans.services.plan_task_add`) in the
  same transaction as the minutes; `Decision.plan_task` keeps the link.
- `Meeting.version` counts every write, for optimistic concurrency.

Only `services.py` writes these rows; nothing happens in `save()` or signals.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    MDO = "mdo", _("MDO (multidisciplinair overleg)")
    TRAJECTORY = "trajectoverleg", _("Trajectoverleg")
    PRE_RELEASE = "voorbereiding-vrijlating", _("Voorbereiding vrijlating (warme overdracht)")


class MeetingStatus(models.TextChoices):
    PLANNED = "gepland", _("Gepland")
    HELD = "gehouden", _("Gehouden")
    CANCELLED = "afgelast", _("Afgelast")


# The state machine as data: which status may follow which.
MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}


class ParticipantKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional van een betrokken organisatie")
    EXTERNAL = "extern", _("Iemand van een andere organisatie")
    DETAINEE = "gedetineerde", _("De gedetineerde")


class Attendance(models.TextChoices):
    PRESENT = "aanwezig", _("Aanwezig")
    ABSENT = "afwezig", _("Afwezig")
    EXCUSED = "afgemeld", _("Afgemeld")
    UNKNOWN = "onbekend", _("Onbekend")


class AgendaSource(models.TextChoices):
    TASK = "taak", _("Open taak uit het plan")
    DEADLINE = "termijn", _("Termijn")
    FREE = "vrij", _("Eigen agendapunt")


class Meeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("soort overleg"), max_length=32, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("datum en tijd"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    online_link = models.URLField(_("link voor online meedoen"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # Optimistic concurrency: 1 when planned, +1 on every write.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reden"), max_length=500, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")
        indexes = [
            models.Index(fields=["trajectory", "status", "starts_at"], name="meeting_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d}"


class Participant(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=16, choices=ParticipantKind.choices)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The professional's organisation; empty for the detainee and external people.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshots, so the attendance list stays true when people change jobs.
    name = models.CharField(_("naam"), max_length=200)
    organisation_name = models.CharField(_("organisatie"), max_length=200, blank=True)
    attendance = models.CharField(
        _("aanwezigheid"), max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]


class AgendaItem(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("onderwerp"), max_length=500)
    source = models.CharField(max_length=8, choices=AgendaSource.choices)
    # The task's uuid or the deadline's code; empty for a free item.
    source_ref = models.CharField(max_length=64, blank=True)
    # A basic condition code of the plan (plans.models.PlanDomain) or "algemeen".
    domain = models.CharField(max_length=20, default="algemeen")
    # The organisation that does the task (decides what a summary reader sees of care).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    minutes = models.TextField(_("verslag"), blank=True)

    class Meta:
        ordering = ["position", "pk"]


class Decision(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("besluit"), max_length=500)
    domain = models.CharField(_("basisvoorwaarde"), max_length=20)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    for_detainee = models.BooleanField(default=False)
    due_date = models.DateField(_("uiterlijk"), null=True, blank=True)
    # The task in the D&R-plan this decision became (kept if the task is removed later).
    plan_task = models.ForeignKey(
        "plans.PlanTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan_task_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
