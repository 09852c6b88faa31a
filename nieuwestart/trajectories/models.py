"""The shared trajectory file: one detention period of one person (DOMAIN.md, §2.5).

A trajectory runs from the detention notification until aftercare ends. Organisations see it
only while they are involved (an active `Involvement` row); professionals are named on it
through `Assignment` rows. Phase, lead and return municipality change only through the services
in `services.py`, which append `TrajectoryEvent` rows: history is never overwritten.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nieuwestart.core.compiled import CompiledQuery


class Person(models.Model):
    """The detainee. Matched on BSN; only RvIG test BSNs appear outside production."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Unique through Meta.constraints, not `unique=True`: that would add a second (LIKE) index,
    # which nothing searches with and every new person pays for (docs/benchmarks.md, ingest).
    bsn = models.CharField(_("BSN"), max_length=9)
    given_names = models.CharField(_("voornamen"), max_length=200)
    surname_prefix = models.CharField(_("voorvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("geslachtsnaam"), max_length=200)
    birth_date = models.DateField(_("geboortedatum"))

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        constraints = [models.UniqueConstraint(fields=["bsn"], name="person_bsn_unique")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.surname_prefix, self.surname) if p)

    @property
    def sort_name(self) -> str:
        prefix = f" {self.surname_prefix}" if self.surname_prefix else ""
        return f"{self.surname}, {self.given_names}{prefix}"


class Phase(models.TextChoices):
    INTAKE = "instroom", _("Instroom")
    PLAN = "plan", _("D&R-plan opstellen")
    DETENTION = "detentie", _("Tijdens detentie")
    AFTER_RELEASE = "na-detentie", _("Na detentie")
    CLOSED = "afgesloten", _("Afgesloten")


# The phases of an open trajectory. Filter with `phase__in=OPEN_PHASES` rather than excluding
# `afgesloten`: an equality list can use the (phase, expected_end_date) index, a "not equal"
# cannot, so the work lists' count scanned every closed trajectory (docs/benchmarks.md).
OPEN_PHASES: tuple[str, ...] = tuple(p for p in Phase.values if p != Phase.CLOSED)


class JudicialTitle(models.TextChoices):
    """Whether a judicial title follows release; decides who leads after release."""

    UNKNOWN = "onbekend", _("nog niet bekend")
    NONE = "geen", _("geen justitiële titel")
    CONDITIONAL_RELEASE = "vi", _("voorwaardelijke invrijheidstelling")
    CONDITIONAL_SENTENCE = "voorwaardelijke-straf", _("voorwaardelijke straf")


class TrajectoryQuerySet(models.QuerySet["Trajectory"]):
    """`with_organisations()`: the organisations a trajectory names, read in one query.

    A trajectory names up to five organisations (PI, registration and return municipality,
    case and process lead). Joining all five made PostgreSQL spend 4 ms planning a query that
    runs in 0.3 ms, on every case page, and the work list joined them for every open trajectory
    before taking its page. Read with `with_organisations()`, the rows come first and then the
    organisations they name, in one query by primary key, set as if they had been joined. Not
    for `iterator()`, which skips the result cache (as `prefetch_related` does without a chunk
    size). Django's `fetch_mode(FETCH_PEERS)` does not replace this: it reads each foreign key
    on first use in a query of its own, five queries for one trajectory instead of one.
    """

    ORGANISATION_FIELDS = (
        "prison",
        "registration_municipality",
        "return_municipality",
        "case_lead",
        "process_lead",
    )
    _with_organisations = False

    def with_organisations(self) -> TrajectoryQuerySet:
        clone: TrajectoryQuerySet = self._chain()  # type: ignore[attr-defined]
        clone._with_organisations = True
        return clone

    def _clone(self) -> TrajectoryQuerySet:
        clone: TrajectoryQuerySet = super()._clone()  # type: ignore[misc]
        clone._with_organisations = self._with_organisations
        return clone

    def _fetch_all(self) -> None:
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self._with_organisations and self._result_cache:
            rows: list[Trajectory] = [
                row for row in self._result_cache if isinstance(row, Trajectory)
            ]
            if rows:
                attach_organisations(rows)


def _organisations_by_key(ids: list[int]) -> models.QuerySet[Any]:
    from nieuwestart.organisations.models import Organisation

    return Organisation.objects.filter(pk__in=ids)


# Read with every trajectory: the SQL is kept per process (core.compiled).
_ORGANISATIONS: CompiledQuery[Any] = CompiledQuery("organisations by key", _organisations_by_key)


# The active assignments of trajectories, in start order (the trajectory page's records, the
# API): the SQL is kept per process.
ACTIVE_ASSIGNMENTS: CompiledQuery[Assignment] = CompiledQuery(
    "active assignments",
    lambda ids: (
        Assignment.objects.filter(trajectory_id__in=ids, active=True)
        .select_related("user", "organisation")
        .order_by("started_at", "pk")
    ),
)


def attach_organisations(trajectories: list[Trajectory]) -> None:
    """Set the organisations the trajectories name from one query (see `TrajectoryQuerySet`)."""
    fields = [
        cast(models.ForeignKey, Trajectory._meta.get_field(name))
        for name in TrajectoryQuerySet.ORGANISATION_FIELDS
    ]
    wanted = {
        value
        for trajectory in trajectories
        for field in fields
        if not field.is_cached(trajectory)
        and (value := getattr(trajectory, field.attname)) is not None
    }
    found = {o.pk: o for o in _ORGANISATIONS(sorted(wanted))} if wanted else {}
    for trajectory in trajectories:
        for field in fields:
            value = getattr(trajectory, field.attname)
            if value in found and not field.is_cached(trajectory):
                field.set_cached_value(trajectory, found[value])


class Trajectory(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trajectories")
    # No index of its own on prison and return municipality: the (…, phase) indexes below
    # start with them.
    prison = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("inrichting"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unit = models.CharField(_("afdeling"), max_length=100, blank=True)
    start_date = models.DateField(_("startdatum"))
    expected_end_date = models.DateField(_("verwachte einddatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    registration_municipality = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("gemeente van inschrijving"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_municipality = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("terugkeergemeente"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    return_municipality_confirmed = models.BooleanField(default=False)
    phase = models.CharField(_("fase"), max_length=16, choices=Phase.choices, default=Phase.INTAKE)
    # Casusregie: the organisation that leads the case now. Never empty (DOMAIN.md, §2.5).
    case_lead = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("casusregie"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Procesregie: the municipality or its safety house, in every phase.
    process_lead = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("procesregie"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    judicial_title = models.CharField(
        _("justitiële titel na vrijlating"),
        max_length=24,
        choices=JudicialTitle.choices,
        default=JudicialTitle.UNKNOWN,
    )
    # Optimistic concurrency: every write bumps it; a stale version is a conflict.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        indexes = [
            models.Index(fields=["phase", "expected_end_date"], name="trajectory_phase_end"),
            models.Index(fields=["prison", "phase"], name="trajectory_prison_phase"),
            models.Index(fields=["return_municipality", "phase"], name="trajectory_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.start_date:%d-%m-%Y})"

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.CLOSED


class InvolvementKind(models.TextChoices):
    PRISON = "inrichting", _("inrichting")
    MUNICIPALITY = "terugkeergemeente", _("terugkeergemeente")
    SAFETY_HOUSE = "zorg-en-veiligheidshuis", _("zorg- en veiligheidshuis")
    PROBATION = "reclassering", _("reclassering")


class Involvement(models.Model):
    """An organisation involved in a trajectory. Only involved organisations see it at all."""

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="involvements"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="involvements"
    )
    kind = models.CharField(max_length=24, choices=InvolvementKind.choices)
    active = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # False once the trajectory is closed (`services._transition`, in the same transaction; a
    # closed trajectory never opens again). Only for the index `involvement_open`: the work
    # lists of an organisation read its open trajectories through it, not through every
    # trajectory it was ever involved in (decision 0022). Visibility does not depend on it, and
    # every reader still checks the phase, so a row written with the default on a closed
    # trajectory shows nothing that is closed.
    trajectory_open = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "kind"],
                condition=Q(active=True),
                name="one_active_involvement_per_kind",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "trajectory"],
                condition=Q(active=True),
                name="involvement_visible",
            ),
            models.Index(
                fields=["organisation", "trajectory"],
                condition=Q(active=True, trajectory_open=True),
                name="involvement_open",
            ),
        ]


class Assignment(models.Model):
    """A named professional on a trajectory: casemanager, mentor, probation officer, ..."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="assignments")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=32)
    active = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "role"],
                condition=Q(active=True),
                name="one_active_assignment_per_role",
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "trajectory"], condition=Q(active=True), name="assignment_user"
            )
        ]


class EventKind(models.TextChoices):
    CREATED = "aangemaakt", _("traject aangemaakt")
    PHASE = "fase", _("fase gewijzigd")
    CASE_LEAD = "casusregie", _("casusregie gewijzigd")
    PROCESS_LEAD = "procesregie", _("procesregie gewijzigd")
    RETURN_MUNICIPALITY = "terugkeergemeente", _("terugkeergemeente gewijzigd")
    TRANSFER = "overplaatsing", _("overgeplaatst")
    RELEASE_DATE = "einddatum", _("verwachte einddatum gewijzigd")
    RELEASE = "vrijlating", _("vrijgelaten")
    ASSIGNMENT = "toewijzing", _("persoon toegewezen")
    INVOLVEMENT = "betrokkenheid", _("organisatie betrokken")
    JUDICIAL_TITLE = "justitiele-titel", _("justitiële titel na vrijlating")


class TrajectoryEvent(models.Model):
    """Append-only history of a trajectory: what changed, from what, to what, by whom, why."""

    # Indexed by event_trajectory_time, which starts with it.
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    # Who did it: attribution, as in the processing log, not case data. No database
    # constraint (each cost a check per event written; decision 0015); deleting a user or an
    # organisation through Django still sets these to NULL.
    actor = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["trajectory", "created_at"], name="event_trajectory_time")]


class NotificationKind(models.TextChoices):
    START = "aanvang", _("aanvang")
    CHANGE = "wijziging", _("wijziging")
    END = "einde", _("einde")


class DetentionNotification(models.Model):
    """A detention notification from JustID (art. 51c Wjsg), kept for idempotency and audit."""

    message_id = models.CharField(max_length=100)  # unique: Meta.constraints (see Person.bsn)
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="notifications"
    )
    payload = models.JSONField()
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(  # attribution: no database constraint (see the event)
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="notification_message_id_unique")
        ]


class ImportBatch(models.Model):
    """A file of detention notifications, processed in chunks: progress shows, a crash resumes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    total_rows = models.PositiveIntegerField(default=0)
    # The file's SHA-256: a resumed import must be given the same file (decision 0015).
    content_sha256 = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)


class ImportRowStatus(models.TextChoices):
    PENDING = "wachtend", _("nog niet verwerkt")
    ACCEPTED = "geaccepteerd", _("verwerkt")
    DUPLICATE = "dubbel", _("al eerder ontvangen")
    REJECTED = "afgewezen", _("afgewezen")


class ImportRow(models.Model):
    # Indexed by import_row_unique, which starts with it. Bookkeeping of the import, not case
    # data: no database constraint here and on `trajectory` (a check per row; decision 0015);
    # deleting a batch or a trajectory through Django still removes or unlinks the rows.
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    line_number = models.PositiveIntegerField()
    # Rows that share a BSN or a meldingId, directly or through each other, have the same
    # partition; partitions may be processed side by side (decision 0015).
    partition = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField()
    status = models.CharField(
        max_length=16, choices=ImportRowStatus.choices, default=ImportRowStatus.PENDING
    )
    errors = models.JSONField(default=list)
    trajectory = models.ForeignKey(
        Trajectory, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )

    class Meta:
        ordering = ["line_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line_number"], name="import_row_unique")
        ]
        indexes = [models.Index(fields=["batch", "status"], name="import_row_status")]
