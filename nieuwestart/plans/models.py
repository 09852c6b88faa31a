"""The D&R-plan: one living plan per trajectory, with versions (DOMAIN.md, "The D&R-plan").

Rules:
- One plan per trajectory (`Plan.trajectory` is one-to-one). PI, probation and municipality
  work in the same plan; each writes the parts it owns (`sections.SECTION_EDITORS`).
- Status is a small state machine (`PLAN_TRANSITIONS`): a draft (`concept`) is established
  (`vastgesteld`) by the PI (art. 18a Pbw); any later change to its content makes it a draft
  revision again until the PI establishes it again.
- Every establishment is a `PlanVersion` with a full snapshot, numbered 1, 2, ...; versions are
  never changed afterwards, so "what changed between versions" is a diff of two snapshots.
- `Plan.version` counts every write, for optimistic concurrency: a save based on an older
  version is refused. `PlanChange` records what each write changed, so the refusal can say what
  the other person changed.

Only `services.py` writes these rows; nothing happens in `save()` or signals.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "concept", _("Concept")
    ESTABLISHED = "vastgesteld", _("Vastgesteld")


# The state machine as data: which status may follow which.
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.ESTABLISHED}),
    PlanStatus.ESTABLISHED: frozenset({PlanStatus.DRAFT}),
}


class PlanDomain(models.TextChoices):
    """The basic conditions (DOMAIN.md) plus `algemeen` for tasks that fit none of them.

    The codes are the screening's codes, so the two can be read side by side.
    """

    IDENTITY = "identiteit", _("Identiteitsbewijs")
    HOUSING = "huisvesting", _("Huisvesting")
    INCOME = "inkomen", _("Werk en inkomen")
    FINANCES = "financien", _("Financiën en schulden")
    CARE = "zorg", _("Zorg")
    SOCIAL_NETWORK = "sociaal-netwerk", _("Sociaal netwerk")
    GENERAL = "algemeen", _("Algemeen")


class PlanTaskStatus(models.TextChoices):
    OPEN = "open", _("Nog niet begonnen")
    IN_PROGRESS = "bezig", _("Bezig")
    DONE = "klaar", _("Klaar")


class Plan(models.Model):
    trajectory = models.OneToOneField(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="plan"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # Optimistic concurrency: 0 until the first change, then +1 on every write.
    version = models.PositiveIntegerField(default=0)

    # Goals and activities (written by the PI).
    reintegration_goals = models.TextField(_("re-integratiedoelen"), blank=True)
    behaviour_goals = models.TextField(_("gedragsdoelen"), blank=True)
    activities = models.TextField(_("activiteiten"), blank=True)
    leave = models.TextField(_("verlof"), blank=True)
    guidance = models.TextField(_("begeleiding en zorg"), blank=True)

    # Agreements of the joint meeting within 4 weeks (any partner may record them).
    agreements = models.TextField(_("afspraken"), blank=True)
    case_lead_agreement = models.TextField(_("afspraak over casusregie"), blank=True)
    monitoring = models.TextField(_("monitoring"), blank=True)
    meeting_frequency_weeks = models.PositiveSmallIntegerField(
        _("trajectoverleg elke zoveel weken"), null=True, blank=True
    )
    meeting_held_on = models.DateField(_("gezamenlijk overleg op"), null=True, blank=True)

    # Probation's advice (D&R-advies), its own section; only probation writes it.
    probation_advice = models.TextField(_("advies van de reclassering"), blank=True)
    probation_advice_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    probation_advice_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    probation_advice_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    # Last write of any kind (content, tasks, advice, establishment): plan_changed_since.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("D&R-plan")
        verbose_name_plural = _("D&R-plannen")

    def __str__(self) -> str:
        return f"D&R-plan {self.trajectory_id} v{self.version}"


class PlanTask(models.Model):
    """One task per basic condition: what, who (organisation and/or person, or the detainee
    themselves), by when, and how far it is."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    domain = models.CharField(_("basisvoorwaarde"), max_length=20, choices=PlanDomain.choices)
    what = models.CharField(_("wat"), max_length=500)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    for_detainee = models.BooleanField(_("doet de persoon zelf"), default=False)
    person_name = models.CharField(_("naam"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uitvoerder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_tasks",
    )
    due_date = models.DateField(_("uiterlijk"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=PlanTaskStatus.choices, default=PlanTaskStatus.OPEN
    )
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "position", "pk"]
        indexes = [
            models.Index(fields=["plan", "domain", "position"], name="plantask_plan_order"),
            # "What is asked of my organisation", across trajectories: open tasks only.
            models.Index(
                fields=["organisation", "due_date"],
                condition=~Q(status="klaar"),
                name="plantask_open_by_organisation",
            ),
            models.Index(
                fields=["assignee", "due_date"],
                condition=Q(assignee__isnull=False) & ~Q(status="klaar"),
                name="plantask_open_by_assignee",
            ),
        ]

    def __str__(self) -> str:
        return self.what


class PlanVersion(models.Model):
    """An established version: the whole plan as it was, never changed afterwards."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Plain dict with the API's Dutch keys (snapshots.plan_snapshot), so two can be diffed.
    snapshot = models.JSONField()
    established_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    established_by_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    established_at = models.DateTimeField()
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]
        indexes = [models.Index(fields=["established_at"], name="plan_version_established")]


class PlanChange(models.Model):
    """What one write changed (append-only): the plan's history and the conflict message."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    # The plan's version after this write.
    version = models.PositiveIntegerField()
    # Records of snapshots.Change (section key, kind, short values only).
    changes = models.JSONField(default=list)
    actor = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_change_unique")
        ]
