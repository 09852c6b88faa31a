"""Referrals and their waiting lists (issue 4, item 6; report §4.5 and §5.3).

Rule: a referral to supported or sheltered housing, a shelter, care, treatment or the start of
probation supervision is registered once, by whoever made it, with the date referred, the
provider and the expected and actual start. Waiting lists for supported housing run up to a
year (§4.5), so the expected start is compared with the release date (`waiting.py`) to show a
release without a place before it happens.

A referral serves one basic condition (`condition`). Referrals that serve care (`zorg`) reveal
care content (category `zorginhoud`): the provider and the note are shown only to users who see
care content in full; the others see that a care referral runs and when it is expected to start
(see selectors and docs/referrals.md). Rows are written only by the services.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReferralKind(models.TextChoices):
    SUPPORTED_HOUSING = "begeleid-wonen", _("Begeleid wonen")
    SHELTERED_HOUSING = "beschermd-wonen", _("Beschermd wonen")
    SHELTER = "maatschappelijke-opvang", _("Maatschappelijke opvang")
    CARE = "zorg", _("Zorg (bijvoorbeeld GGZ of verslavingszorg)")
    TREATMENT = "behandeling", _("Behandeling (forensische zorg)")
    SUPERVISION = "reclasseringstoezicht", _("Start reclasseringstoezicht")
    OTHER = "anders", _("Andere verwijzing")


class Condition(models.TextChoices):
    """The basic condition a referral serves. The codes are the screening's domain codes."""

    IDENTITY = "identiteit", _("Identiteitsbewijs")
    HOUSING = "huisvesting", _("Huisvesting")
    INCOME = "inkomen", _("Werk en inkomen")
    FINANCES = "financien", _("Financiën en schulden")
    CARE = "zorg", _("Zorg")
    SOCIAL_NETWORK = "sociaal-netwerk", _("Sociaal netwerk")
    SUPERVISION = "toezicht", _("Toezicht na detentie")


# Every kind but "anders" serves one fixed basic condition.
CONDITION_OF_KIND: dict[str, str] = {
    ReferralKind.SUPPORTED_HOUSING: Condition.HOUSING,
    ReferralKind.SHELTERED_HOUSING: Condition.HOUSING,
    ReferralKind.SHELTER: Condition.HOUSING,
    ReferralKind.CARE: Condition.CARE,
    ReferralKind.TREATMENT: Condition.CARE,
    ReferralKind.SUPERVISION: Condition.SUPERVISION,
}


class ReferralStatus(models.TextChoices):
    REFERRED = "aangemeld", _("Aangemeld")
    WAITING = "op-wachtlijst", _("Op de wachtlijst")
    STARTED = "gestart", _("Geplaatst of gestart")
    REJECTED = "afgewezen", _("Afgewezen")
    WITHDRAWN = "ingetrokken", _("Ingetrokken")


OPEN_STATUSES = frozenset({ReferralStatus.REFERRED, ReferralStatus.WAITING})

# The status machine as data: a final status stays final (register a new referral instead).
TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.REFERRED: frozenset(
        {
            ReferralStatus.WAITING,
            ReferralStatus.STARTED,
            ReferralStatus.REJECTED,
            ReferralStatus.WITHDRAWN,
        }
    ),
    ReferralStatus.WAITING: frozenset(
        {ReferralStatus.STARTED, ReferralStatus.REJECTED, ReferralStatus.WITHDRAWN}
    ),
    ReferralStatus.STARTED: frozenset(),
    ReferralStatus.REJECTED: frozenset(),
    ReferralStatus.WITHDRAWN: frozenset(),
}

MAX_PROVIDER = 200
MAX_CITY = 100
MAX_NOTE = 2000


class Referral(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="referrals"
    )
    kind = models.CharField(_("soort verwijzing"), max_length=32, choices=ReferralKind.choices)
    condition = models.CharField(_("basisvoorwaarde"), max_length=24, choices=Condition.choices)
    provider = models.CharField(_("aanbieder"), max_length=MAX_PROVIDER, blank=True)
    provider_city = models.CharField(_("plaats"), max_length=MAX_CITY, blank=True)
    referred_on = models.DateField(_("aangemeld op"))
    expected_start = models.DateField(_("verwachte start"), null=True, blank=True)
    actual_start = models.DateField(_("werkelijke start"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    note = models.TextField(_("toelichting"), max_length=MAX_NOTE, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("door")
    )
    # The organisation that made the referral: it stays when the person changes jobs.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic concurrency: every change bumps it; a change based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        ordering = ["trajectory", "referred_on", "pk"]
        indexes = [
            models.Index(fields=["trajectory", "referred_on"], name="referral_trajectory"),
            # The waiting lists: the open referrals, per trajectory.
            models.Index(
                fields=["trajectory", "expected_start"],
                condition=Q(status__in=["aangemeld", "op-wachtlijst"]),
                name="referral_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.referred_on:%d-%m-%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_care(self) -> bool:
        """Serves the care condition, so it reveals care content (category `zorginhoud`)."""
        return self.condition == Condition.CARE
