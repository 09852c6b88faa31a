"""Release and handover: the checklist before release, the outcome at release, the closing.

Rules (issue 4, item 5; DOMAIN.md, "Before release"; report §4.2):
- Before release the partners check, per basic condition, whether it is in order at release:
  `in-orde`, `geregeld` (arranged, but not yet in place, e.g. the benefit starts on the day of
  release or the room is available from a date) or `niet-in-orde`. By default the state is
  derived from the screening and the plan (`checklist.py`); a partner confirms or corrects it
  with a note (`HandoverCheck`, append-only: the latest row per condition counts).
- At release the state per condition is frozen as a `ReleaseOutcome` row: one set per
  trajectory (unique per condition), whichever way the release came (`einde` notification or
  by hand). The indicators count these rows.
- Closing records why the trajectory ended (`Closure`, one per trajectory).
The basic conditions are the screening's domains (`screening.domains.SCHEMA`): never a second
list here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConditionState(models.TextChoices):
    """The state of one basic condition at (or before) release."""

    IN_ORDER = "in-orde", _("In orde")
    ARRANGED = "geregeld", _("Geregeld")
    NOT_IN_ORDER = "niet-in-orde", _("Niet in orde")


class OutcomeSource(models.TextChoices):
    """How the release was registered (the values of `trajectories.signals`)."""

    BY_HAND = "vrijlating-handmatig", _("vrijlating met de hand vastgelegd")
    NOTIFICATION = "einde-melding", _("einde-detentiemelding")


class ClosingReason(models.TextChoices):
    AFTERCARE_DONE = "nazorg-afgerond", _("Nazorg afgerond")
    DECEASED = "overleden", _("Overleden")
    TRANSFERRED = "overgeplaatst", _("Overgeplaatst of uitgezet")
    OTHER = "anders", _("Anders")


class Handover(models.Model):
    """One per trajectory: the concurrency counter of its checklist."""

    trajectory = models.OneToOneField(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="handover"
    )
    # 0 until the first check; every check adds one. A stale version is a conflict.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")


class HandoverCheck(models.Model):
    """A partner confirms or corrects the state of one basic condition before release."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="checks")
    condition = models.CharField(_("basisvoorwaarde"), max_length=16)
    state = models.CharField(_("stand"), max_length=16, choices=ConditionState.choices)
    note = models.TextField(_("toelichting"), blank=True)
    # For `geregeld`: the day it is in place (benefit starts, room available).
    in_place_on = models.DateField(_("gaat in op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("controle basisvoorwaarde")
        verbose_name_plural = _("controles basisvoorwaarden")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["handover", "condition", "recorded_at"], name="handover_check")
        ]


class ReleaseOutcome(models.Model):
    """The state of one basic condition at release, for the indicators. Never changed."""

    trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="release_outcomes"
    )
    condition = models.CharField(_("basisvoorwaarde"), max_length=16)
    outcome = models.CharField(_("uitkomst"), max_length=16, choices=ConditionState.choices)
    note = models.TextField(_("toelichting"), blank=True)
    # The organisation that wrote the note (care notes are shown like the care help question).
    note_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed = models.BooleanField(_("bevestigd door een partner"), default=False)
    in_place_on = models.DateField(_("gaat in op"), null=True, blank=True)
    released_on = models.DateField(_("vrijgelaten op"))
    source = models.CharField(_("bron"), max_length=24, choices=OutcomeSource.choices)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("uitkomst bij vrijlating")
        verbose_name_plural = _("uitkomsten bij vrijlating")
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "condition"], name="one_outcome_per_condition"
            )
        ]
        indexes = [
            # Indicators: "released with each basic condition in order", per period.
            models.Index(fields=["condition", "outcome", "released_on"], name="outcome_indicator"),
        ]


class Closure(models.Model):
    """Why and by whom the trajectory was closed."""

    trajectory = models.OneToOneField(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="closure"
    )
    reason = models.CharField(_("reden"), max_length=20, choices=ClosingReason.choices)
    note = models.TextField(_("toelichting"), blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_by_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("afsluiting")
        verbose_name_plural = _("afsluitingen")
