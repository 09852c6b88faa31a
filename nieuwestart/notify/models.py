"""Notifications in the app, the user's e-mail preference and the outbox of e-mail.

Rules (issue 4, item 3; docs/notifications.md):
- A `Notification` is derived by the scheduler (`services.notifications_derive`) from facts that
  already exist (deadlines, escalations, the municipal inbox, assignments). Its `dedup_key` is
  unique per recipient, so deriving again creates nothing new: running the scheduler twice
  notifies nobody twice.
- Data minimisation: a notification stores no name, BSN or other personal data of the detainee;
  it points to the trajectory. The app shows the person's name next to it at read time, and only
  while the user may still see that trajectory (`selectors.notifications_for`).
- E-mail is never sent directly. It is queued as an `OutboxMessage` (unique `dedup_key`, e.g.
  one digest per user per day) and delivered by the scheduler; when the mail server is down the
  message stays queued with a later `next_attempt_at` (exponential backoff), so nothing is lost.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DEADLINE_SOON = "termijn-binnenkort", _("Termijn binnenkort")
    DEADLINE_LATE = "termijn-te-laat", _("Termijn te laat")
    ESCALATION = "escalatie", _("Escalatie")
    NO_REACTION = "gemeente-reageert-niet", _("Gemeente reageert niet")
    NEW_TRAJECTORY = "nieuw-traject", _("Nieuw traject")
    ASSIGNED = "toegewezen", _("Toegewezen")


class Notification(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Null for a notification that is not about one trajectory. Deleting a trajectory (retention)
    # deletes its notifications: they hold nothing worth keeping without it.
    trajectory = models.ForeignKey(
        "trajectories.Trajectory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=32, choices=NotificationKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    text = models.CharField(_("tekst"), max_length=500, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedup_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # When the notification was counted in an e-mail digest; each is counted once.
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"], name="notification_unique_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dedup_key}"


class DigestFrequency(models.TextChoices):
    DAILY = "dagelijks", _("Eén e-mail per dag als er iets nieuw is")
    OFF = "uit", _("Geen e-mail, alleen berichten in Nieuwe Start")


class NotificationPreference(models.Model):
    """Whether the user wants the daily e-mail digest. Without a row: daily."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digest = models.CharField(
        _("e-mail"), max_length=16, choices=DigestFrequency.choices, default=DigestFrequency.DAILY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("berichtinstelling")
        verbose_name_plural = _("berichtinstellingen")


class OutboxStatus(models.TextChoices):
    PENDING = "wachtend", _("wacht op verzending")
    SENT = "verstuurd", _("verstuurd")
    FAILED = "mislukt", _("mislukt (na het maximale aantal pogingen)")


class OutboxMessage(models.Model):
    """One e-mail waiting to be, or already, handed to the mail server."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.EmailField(_("aan"))
    subject = models.CharField(_("onderwerp"), max_length=200)
    body_text = models.TextField(_("tekst"))
    body_html = models.TextField(_("HTML"), blank=True)
    dedup_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    last_error = models.TextField(_("laatste fout"), blank=True)
    next_attempt_at = models.DateTimeField(_("volgende poging"))
    # A scheduler that takes a message holds it until this moment (a lease): a second scheduler
    # running at the same time skips it, and a scheduler that crashes releases it by expiry.
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="wachtend"),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to} ({self.status})"
