"""Professionals and system accounts.

Each user belongs to one organisation and has one role; what they may see and do follows from
the organisation's involvement in a trajectory and the role (see nieuwestart.access.policy).
API tokens are stored as a SHA-256 hash, never in plain text.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class Role(models.TextChoices):
    CASEMANAGER = "casemanager", _("casemanager")
    MENTOR = "mentor", _("mentor")
    STAFF_OFFICER = "staffunctionaris", _("staffunctionaris")
    PROBATION_OFFICER = "reclasseringswerker", _("reclasseringswerker")
    AFTERCARE_COORDINATOR = "nazorgcoordinator", _("nazorgcoördinator")
    PROCESS_DIRECTOR = "procesregisseur", _("procesregisseur")
    PRIVACY_OFFICER = "privacyfunctionaris", _("privacyfunctionaris")
    SYSTEM = "systeem", _("systeemkoppeling")
    ADMINISTRATOR = "beheerder", _("functioneel beheerder")
    # Indicators only (issue 5): aggregated figures, never a case file.
    MANAGEMENT = "management", _("management")
    CHAIN_ANALYST = "ketenanalist", _("ketenbreed (DJI, inspectie)")


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp is untyped
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices, blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    @classmethod
    def new_key(cls) -> str:
        return secrets.token_urlsafe(32)


class OidcIdentity(Device):
    """A person's identity at the organisation's OpenID provider, linked to one account.

    Sign-in through the organisation (nieuwestart.accounts.oidc) finds the account by this
    (issuer, subject) pair. The link is made once, on the first sign-in with a verified e-mail
    address of an account of the right organisation; accounts themselves are never created from
    a sign-in. It is a django-otp device as well: when the provider vouches for a strong enough
    sign-in (its `acr`), the session is verified with this device instead of a TOTP code.
    Setting `confirmed` to false blocks sign-in through this identity.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="oidc_identities",
    )
    issuer = models.CharField(_("uitgever"), max_length=255)
    subject = models.CharField(_("kenmerk bij de uitgever"), max_length=255)
    created_at = models.DateTimeField(_("gekoppeld op"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("laatst ingelogd"), null=True, blank=True)

    class Meta:
        verbose_name = _("koppeling met organisatie-inlog")
        verbose_name_plural = _("koppelingen met organisatie-inlog")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique"),
            # One identity per provider per account: a second person with the same e-mail
            # address cannot take over an account that is already linked.
            models.UniqueConstraint(fields=["issuer", "user"], name="oidc_identity_one_per_user"),
        ]

    def verify_token(self, token: object) -> bool:
        return False  # never a code: only the provider's sign-in verifies this device


class RateCounter(models.Model):
    """Requests counted in one fixed window, shared by every app replica (it is a table).

    nieuwestart.accounts.ratelimits writes it with one upsert per counted request; `key` names
    what is counted and for whom (`aanmelden:203.0.113.7`), `window_start` is the window's start in
    Unix seconds. Rows of past windows are deleted as new windows begin.
    """

    pk = models.CompositePrimaryKey("key", "window_start")
    key = models.CharField(max_length=120)
    window_start = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "accounts_ratecounter"
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window")]
        verbose_name = _("tellerstand")
        verbose_name_plural = _("tellerstanden")
