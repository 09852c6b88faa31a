"""The screening of the basic conditions (basisvoorwaarden, DOMAIN.md; report §3.1).

Within ten working days the casemanager screens, with the detainee, the five basic conditions
and the social network: per domain a status, the concrete help question in words (the report
complains that help questions are answered only yes or no), who acts, and the few structured
facts that matter for that domain. Probation and the municipality add what they know to the same
screening (`Contribution`, attributed to them) instead of screening again.

One `Screening` per trajectory, with one `DomainAssessment` per domain. Short stay is not stored:
it follows from the trajectory's dates (`short_stay.py`). Every save bumps `version` (optimistic
concurrency) and appends a `ScreeningChange` row, so a refused concurrent save can tell the user
exactly what the other person changed. Writes go through `services.py` only.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Answer(models.TextChoices):
    """Yes, no or not known yet: an unknown answer is a fact too (ask again later)."""

    YES = "ja", _("ja")
    NO = "nee", _("nee")
    UNKNOWN = "onbekend", _("onbekend")


class Domain(models.TextChoices):
    """The five basic conditions and the social network. The values are the API codes."""

    ID = "identiteit", _("Identiteitsbewijs")
    HOUSING = "huisvesting", _("Huisvesting")
    INCOME = "inkomen", _("Werk en inkomen")
    FINANCES = "financien", _("Financiën en schulden")
    CARE = "zorg", _("Zorg")
    SOCIAL_NETWORK = "sociaal-netwerk", _("Sociaal netwerk")


class Status(models.TextChoices):
    """Also the CSS modifiers of components/status_tile.html and the status badge (core/templatetags/ns_components.py)."""

    IN_ORDER = "in-orde", _("In orde")
    ATTENTION = "aandacht", _("Aandacht nodig")
    HELP_NEEDED = "hulp-nodig", _("Hulp nodig")
    UNKNOWN = "onbekend", _("Onbekend")


# A status that asks for help needs the help question in words.
STATUSES_NEEDING_HELP = frozenset({Status.ATTENTION, Status.HELP_NEEDED})


class Partner(models.TextChoices):
    """Who acts on a domain."""

    PRISON = "inrichting", _("De inrichting")
    PROBATION = "reclassering", _("De reclassering")
    MUNICIPALITY = "gemeente", _("De gemeente")
    PERSON = "gedetineerde", _("De gedetineerde zelf")
    OTHER = "anders", _("Iemand anders")


class Screening(models.Model):
    trajectory = models.OneToOneField(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="screening"
    )
    # Flags that change what help is needed (DOMAIN.md, "Flags the screening must capture").
    lvb = models.CharField(
        _("licht verstandelijke beperking (LVB)"),
        max_length=8,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    first_detention = models.CharField(
        _("eerste detentie"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN
    )
    language_needs = models.CharField(_("taalbehoeften"), max_length=200, blank=True)
    reading_needs = models.BooleanField(_("moeite met lezen"), default=False)
    own_words = models.TextField(_("wensen in eigen woorden"), blank=True)
    completed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    completed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # 0 until the first save; every save adds one. A stale version is a conflict.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [
            # Indicator "screening within 10 working days": completed screenings by date.
            models.Index(fields=["completed_at"], name="screening_completed"),
        ]

    def __str__(self) -> str:
        return f"Screening {self.trajectory_id} v{self.version}"


class DomainAssessment(models.Model):
    """One basic condition of one screening: status, help question, who acts, the facts.

    `facts` holds the structured facts of the domain, validated against `domains.SCHEMA`
    (code -> value). Care content facts are category `zorginhoud`: only users who see that
    category in full read or write them; a save by anyone else leaves them untouched.
    """

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="assessments")
    domain = models.CharField(_("basisvoorwaarde"), max_length=16, choices=Domain.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNKNOWN
    )
    help_question = models.TextField(_("hulpvraag"), blank=True)
    acting_partner = models.CharField(
        _("wie pakt het op"), max_length=16, choices=Partner.choices, blank=True
    )
    acting_note = models.CharField(_("toelichting wie het oppakt"), max_length=200, blank=True)
    facts = models.JSONField(_("feiten"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("beoordeling basisvoorwaarde")
        verbose_name_plural = _("beoordelingen basisvoorwaarden")
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "domain"], name="one_assessment_per_domain"
            )
        ]
        indexes = [
            # Indicators: "released with each basic condition in order", per domain and status.
            models.Index(fields=["domain", "status"], name="assessment_domain_status"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.status}"


class Contribution(models.Model):
    """What a partner knows about one domain, in their words, attributed to them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        DomainAssessment, on_delete=models.CASCADE, related_name="contributions"
    )
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("bijdrage"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("bijdrage")
        verbose_name_plural = _("bijdragen")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["assessment", "created_at"], name="contribution_assessment"),
        ]


class ScreeningChange(models.Model):
    """Append-only: what one save changed, so a refused concurrent save can say what changed.

    `changes` is a list of {"path": "domeinen.huisvesting.status", "value": "hulp-nodig"}: the
    API path of each changed field and its new value. Labels are looked up when shown, in the
    reader's language, and care content only for readers who may see it.
    """

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    changes = models.JSONField(default=list)
    changed_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "version"], name="one_change_per_version")
        ]
