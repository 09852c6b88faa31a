"""Settings of the deadline clock that an administrator manages (DOMAIN.md, "The timeline").

Deadlines themselves are not stored: they are derived from the facts of a trajectory each time
(`rules.py`), so they move by themselves when the facts change (a new release date, a
transfer). Only two things are stored, both edited in the Django admin:

- `DeadlineConfig`: one row with the agreed terms (defaults from DOMAIN.md). Without a row the
  defaults apply.
- `ExtraNonWorkingDay`: days that count as non-working on top of weekends and public holidays.

For the work lists the open deadlines are also kept as an index (`index.py`): `OpenDeadline`
rows per trajectory, derived by the same rules, with `DeadlineIndex` saying whether they are
still current. The rules stay the only source: the index is recomputed from them whenever a
fact, the terms or the rules change, and a stale index is never read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nieuwestart.deadlines.rules import DEFAULTS, DeadlineSettings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ExtraNonWorkingDay(models.Model):
    date = models.DateField(_("datum"), unique=True)
    reason = models.CharField(_("reden"), max_length=200)

    class Meta:
        verbose_name = _("extra niet-werkdag")
        verbose_name_plural = _("extra niet-werkdagen")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} ({self.reason})"


def _positive(
    default: int, label: StrOrPromise, help_text: StrOrPromise = ""
) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1)], help_text=help_text
    )


class DeadlineConfig(models.Model):
    """The agreed terms. A singleton: always primary key 1 (`load`)."""

    screening_working_days = _positive(
        DEFAULTS.screening_working_days, _("screening binnen (werkdagen na aankomst)")
    )
    municipality_contact_working_days = _positive(
        DEFAULTS.municipality_contact_working_days,
        _("gemeente gecontacteerd binnen (werkdagen na aankomst)"),
    )
    plan_weeks = _positive(DEFAULTS.plan_weeks, _("D&R-plan vastgesteld binnen (weken)"))
    mdo_weeks = _positive(DEFAULTS.mdo_weeks, _("MDO elke (weken)"))
    pre_release_weeks = _positive(
        DEFAULTS.pre_release_weeks, _("voorbereiding vrijlating (weken voor vrijlating)")
    )
    escalation_grace_working_days = _positive(
        DEFAULTS.escalation_grace_working_days,
        _("escalatie na (werkdagen te laat)"),
    )
    infosheet_reaction_working_days = _positive(
        DEFAULTS.infosheet_reaction_working_days,
        _("reactie gemeente op informatieblad binnen (werkdagen)"),
    )
    short_stay_days = _positive(
        DEFAULTS.short_stay_days,
        _("kort verblijf: korter dan (dagen)"),
        _("Bij een kortere verwachte verblijfsduur gelden de snelle winsten."),
    )

    class Meta:
        verbose_name = _("termijninstellingen")
        verbose_name_plural = _("termijninstellingen")

    def __str__(self) -> str:
        return str(_("Termijninstellingen"))

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def load(cls) -> DeadlineSettings:
        """The settings in force: the stored row, or the defaults when there is none."""
        row = cls.objects.filter(pk=1).first()
        return row.as_settings() if row is not None else DEFAULTS

    def as_settings(self) -> DeadlineSettings:
        return DeadlineSettings(
            screening_working_days=self.screening_working_days,
            municipality_contact_working_days=self.municipality_contact_working_days,
            plan_weeks=self.plan_weeks,
            mdo_weeks=self.mdo_weeks,
            pre_release_weeks=self.pre_release_weeks,
            escalation_grace_working_days=self.escalation_grace_working_days,
            infosheet_reaction_working_days=self.infosheet_reaction_working_days,
            short_stay_days=self.short_stay_days,
        )


class DeadlineIndex(models.Model):
    """Whether a trajectory's `OpenDeadline` rows are current (see `index.py`).

    Current when `terms_key` is the key of the terms and rules in force and `valid_until` is
    empty or not yet past. A write to a fact the rules read empties `terms_key` in the same
    transaction; a trajectory without a row has no current rows either."""

    # No constraint in the database (like the processing log): inserting a row would take a
    # key-share lock on the trajectory, which waits for a service that holds the trajectory
    # FOR UPDATE while that service waits for this row to mark it stale: a deadlock. Django
    # still deletes the rows with the trajectory; `index.rebuild` removes any left behind.
    trajectory = models.OneToOneField(
        "trajectories.Trajectory",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="deadline_index",
        db_constraint=False,
    )
    terms_key = models.CharField(max_length=40, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("termijnenindex van een traject")
        verbose_name_plural = _("termijnenindex")


class OpenDeadline(models.Model):
    """A deadline of a trajectory that is not met yet: what the work lists sort and show.
    Status (open or late) and working days left follow from `due` and today when read."""

    trajectory = models.ForeignKey(  # no database constraint: see DeadlineIndex.trajectory
        "trajectories.Trajectory",
        on_delete=models.CASCADE,
        related_name="open_deadlines",
        db_constraint=False,
    )
    code = models.CharField(max_length=40)
    responsible = models.CharField(max_length=20)
    due = models.DateField()

    class Meta:
        verbose_name = _("open termijn")
        verbose_name_plural = _("open termijnen")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "code"], name="open_deadline_unique")
        ]
