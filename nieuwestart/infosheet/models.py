"""The information sheet ("deelbaar D&R-plan") as sent to the municipality, one row per version.

Rule (DOMAIN.md, "The information sheet"; report §3.1, §3.4): the sheet is generated from what
is registered and never typed again. What the PI sends is frozen here as a numbered version:
`content` is the generated sheet exactly as the municipality received it, `content_hash` lets
the system see when the registered facts have moved on so that a new version can be offered.
Sending delivers the sheet to the municipality's work list, so it is received at the moment it
is sent; the municipality then acknowledges it. Rows are written only by the services.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InfoSheetStatus(models.TextChoices):
    RECEIVED = "ontvangen", _("Ontvangen door de gemeente")
    ACKNOWLEDGED = "bevestigd", _("Ontvangst bevestigd door de gemeente")


class InfoSheet(models.Model):
    trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="infosheets"
    )
    number = models.PositiveIntegerField(_("versie"))
    content = models.JSONField(_("inhoud"))
    content_hash = models.CharField(max_length=64)
    generated_at = models.DateTimeField(_("gemaakt op"))
    sent_at = models.DateTimeField(_("verstuurd op"))
    sent_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verstuurd door"),
    )
    sent_by_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The municipality it was delivered to (the return municipality at that moment).
    recipient = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ontvanger"),
    )
    received_at = models.DateTimeField(_("ontvangen op"))
    acknowledged_at = models.DateTimeField(_("ontvangst bevestigd op"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("informatieblad")
        verbose_name_plural = _("informatiebladen")
        ordering = ["trajectory", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "number"], name="infosheet_one_number_per_trajectory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trajectory} informatieblad {self.number}"

    @property
    def status(self) -> InfoSheetStatus:
        if self.acknowledged_at is not None:
            return InfoSheetStatus.ACKNOWLEDGED
        return InfoSheetStatus.RECEIVED
