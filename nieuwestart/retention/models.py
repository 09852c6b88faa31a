"""Retention state: what was reported, what was carried out, and what is on legal hold.

Rules (docs/retention.md):
- A run first reports what is due (`RetentionItem`, one per trajectory, category and action,
  with the moment it was first reported). Nothing is removed unless an earlier report proposed
  exactly that removal at least `RETENTION_NOTICE_DAYS` days before: the privacy officer has
  that time to stop it with a legal hold.
- A carried-out item is marked `uitgevoerd` in the same transaction as the removal and its
  processing-log entry, so a rerun skips it (idempotent).
- Items and reports name trajectories by UUID only, without a foreign key: they outlive a
  deleted trajectory and hold no personal data.
- `LegalHold` ("bewaren wegens bezwaar, klacht of procedure") keeps a trajectory out of every
  removal while it is active. Holds are never deleted; lifting sets `lifted_at`. A lifted hold
  stays when its trajectory is deleted later: the link is emptied, `trajectory_uuid` remains.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RunMode(models.TextChoices):
    DRY_RUN = "proefrun", _("Proefrun (verandert niets)")
    APPLY = "uitvoeren", _("Uitvoeren")


class RetentionReport(models.Model):
    """One run of `manage.py retention_run`: the terms it used and the counts per category."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mode = models.CharField(_("soort"), max_length=16, choices=RunMode.choices)
    started_at = models.DateTimeField(_("gestart"))
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    # {category: {"maanden": n, "actie": ...}} and the log term, as used by this run.
    terms = models.JSONField(default=dict)
    # {category: {"actie": ..., "voorgesteld": n, "uitgevoerd": n, "wacht": n, "bewaard": n}}
    summary = models.JSONField(default=dict)
    # Trajectories whose transaction failed and was rolled back: [{"traject": uuid, "fout": ...}].
    errors = models.JSONField(default=list)
    log_cutoff = models.DateTimeField(null=True, blank=True)
    log_due = models.PositiveIntegerField(default=0)
    log_removed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bewaartermijnrapport")
        verbose_name_plural = _("bewaartermijnrapporten")
        ordering = ["-started_at", "-id"]


class ItemStatus(models.TextChoices):
    PROPOSED = "voorgesteld", _("Voorgesteld")
    DONE = "uitgevoerd", _("Uitgevoerd")


class RetentionItem(models.Model):
    """One category of one closed trajectory whose term has passed, or one finished import
    batch whose term has passed (category `importbestanden`)."""

    # For the category `importbestanden` this is the `ImportBatch`'s UUID (import_batches.py).
    trajectory_uuid = models.UUIDField(_("traject"))
    category = models.CharField(_("categorie"), max_length=24)
    action = models.CharField(_("actie"), max_length=16)
    closed_on = models.DateField(_("afgesloten op"))
    due_on = models.DateField(_("termijn verstreken op"))
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PROPOSED
    )
    first_report = models.ForeignKey(
        RetentionReport, on_delete=models.PROTECT, related_name="proposed_items"
    )
    first_reported_at = models.DateTimeField(_("eerst gemeld"))
    done_report = models.ForeignKey(
        RetentionReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="done_items",
    )
    done_at = models.DateTimeField(_("uitgevoerd op"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rijen"), default=0)

    class Meta:
        verbose_name = _("bewaartermijnactie")
        verbose_name_plural = _("bewaartermijnacties")
        ordering = ["first_reported_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory_uuid", "category", "action"], name="retention_item_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["first_reported_at"],
                condition=Q(status="voorgesteld"),
                name="retention_item_pending",
            )
        ]


class HoldReason(models.TextChoices):
    OBJECTION = "bezwaar", _("Bezwaar")
    COMPLAINT = "klacht", _("Klacht")
    PROCEEDINGS = "procedure", _("Procedure (rechtszaak, onderzoek van een toezichthouder)")
    OTHER = "anders", _("Andere reden")


class LegalHold(models.Model):
    """Keep a trajectory's data past its term: "bewaren wegens bezwaar, klacht of procedure"."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # SET_NULL: a lifted hold outlives its trajectory when that is later deleted (an active hold
    # keeps the trajectory from every removal); `trajectory_uuid` still names it.
    trajectory = models.ForeignKey(
        "trajectories.Trajectory",
        null=True,
        on_delete=models.SET_NULL,
        related_name="legal_holds",
    )
    trajectory_uuid = models.UUIDField(_("traject"))
    reason = models.CharField(_("reden"), max_length=16, choices=HoldReason.choices)
    # A reference (case number), never personal data: the form says so.
    reference = models.CharField(_("kenmerk"), max_length=100, blank=True)
    placed_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bewaarplicht")
        verbose_name_plural = _("bewaarplichten")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_hold_per_trajectory",
            )
        ]

    @property
    def active(self) -> bool:
        return self.lifted_at is None
