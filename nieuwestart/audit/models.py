"""The processing log (verwerkingenlog): every read and write of personal data.

Criminal-justice data is a special category (art. 10 AVG); reads as well as writes are logged
with their purpose (DOMAIN.md, "Sharing personal data"). A row records who (user, organisation,
role, as they were at that moment), when, which trajectory and person, the action, the data
categories, the purpose and the result. Rows are append-only: the model refuses updates and
deletes, and a database trigger refuses UPDATE and DELETE on the table (PostgreSQL and SQLite).

The one exception is retention (issue 6, docs/retention.md): rows older than the log's term are
removed by `services.log_entries_purge`, which opens a narrow gate for its own transaction only
(a `LogPurgePermit` row: on SQLite written by the purge itself, migration 0003; on PostgreSQL
only by the `SECURITY DEFINER` function `audit_log_purge`, migration 0004).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "raadplegen", _("raadplegen")
    CREATE = "aanmaken", _("aanmaken")
    UPDATE = "wijzigen", _("wijzigen")
    DELETE = "verwijderen", _("verwijderen")
    EXPORT = "exporteren", _("exporteren")


class Result(models.TextChoices):
    ALLOWED = "toegestaan", _("toegestaan")
    DENIED = "geweigerd", _("geweigerd")
    NOT_VISIBLE = "niet-zichtbaar", _("niet zichtbaar")
    INVALID = "ongeldig", _("ongeldige invoer")


class Channel(models.TextChoices):
    WEB = "web", _("website")
    API = "api", _("API")
    SYSTEM = "systeem", _("systeem")


class ImmutableLogError(Exception):
    """Raised when code tries to change or remove a log row."""


class ProcessingLogQuerySet(models.QuerySet["ProcessingLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableLogError("Het verwerkingenlog kan niet worden gewijzigd.")

    def delete(self) -> NoReturn:
        raise ImmutableLogError("Het verwerkingenlog kan niet worden verwijderd.")


class ProcessingLogEntry(models.Model):
    timestamp = models.DateTimeField(_("tijdstip"), db_index=False)
    # Snapshot of the actor: the user and their organisation may change or disappear later.
    # No index of its own: log_user_time starts with it, and every log write pays for each.
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    username = models.CharField(_("gebruiker"), max_length=150)
    user_display = models.CharField(_("naam"), max_length=300, blank=True)
    organisation_code = models.CharField(_("organisatiecode"), max_length=32, blank=True)
    organisation_name = models.CharField(_("organisatie"), max_length=200, blank=True)
    role = models.CharField(_("rol"), max_length=32, blank=True)
    # The subject: no foreign-key constraint, so the log outlives (anonymised) case data.
    trajectory_uuid = models.UUIDField(_("traject"), null=True)
    person_id = models.BigIntegerField(_("persoon"), null=True)
    action = models.CharField(_("actie"), max_length=16, choices=Action.choices)
    categories = models.CharField(_("categorieën"), max_length=300, blank=True)
    purpose = models.CharField(_("doel"), max_length=100)
    result = models.CharField(_("resultaat"), max_length=16, choices=Result.choices)
    channel = models.CharField(_("kanaal"), max_length=8, choices=Channel.choices)
    detail = models.CharField(_("toelichting"), max_length=300, blank=True)

    objects = ProcessingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("verwerking")
        verbose_name_plural = _("verwerkingenlog")
        indexes = [
            models.Index(fields=["trajectory_uuid", "timestamp"], name="log_trajectory_time"),
            models.Index(fields=["person_id", "timestamp"], name="log_person_time"),
            models.Index(fields=["user", "timestamp"], name="log_user_time"),
            models.Index(fields=["timestamp"], name="log_time"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableLogError("Het verwerkingenlog kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableLogError("Het verwerkingenlog kan niet worden verwijderd.")

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class LogPurgePermit(models.Model):
    """The gate for the retention purge of the processing log (migrations 0003 and 0004).

    The DELETE trigger lets a row go only while a permit with a later `cutoff` exists. The purge
    inserts the permit and deletes it again inside one transaction, so no other connection ever
    sees it. On PostgreSQL only the function `audit_log_purge` (migration 0004) writes and
    removes the permit; the application role has no rights on this table in production.
    """

    cutoff = models.DateTimeField()

    class Meta:
        verbose_name = _("vergunning opschonen verwerkingenlog")
        verbose_name_plural = _("vergunningen opschonen verwerkingenlog")
