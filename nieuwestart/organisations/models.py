"""Organisations of the chain: prisons (PI), probation, municipalities and safety houses.

Every organisation has a central contact point (phone, e-mail, opening hours) because the report's
central complaint is that nobody knows whom to call (§3.4). Reference data comes from files inside
the project (organisations/data, sources in its README) and is loaded by `load_reference_data`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PRISON = "penitentiaire-inrichting", _("Penitentiaire inrichting")
    PROBATION = "reclassering", _("Reclassering")
    MUNICIPALITY = "gemeente", _("Gemeente")
    SAFETY_HOUSE = "zorg-en-veiligheidshuis", _("Zorg- en Veiligheidshuis")
    CHAIN = "keten", _("Ketenorganisatie")


class SizeClass(models.TextChoices):
    SMALL = "klein", _("klein")
    MEDIUM = "middel", _("middelgroot")
    LARGE = "groot", _("groot")


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=32, choices=OrganisationKind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    active = models.BooleanField(_("actief"), default=True)
    # Central contact point, visible to every partner in a shared trajectory.
    contact_phone = models.CharField(_("telefoon contactpunt"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail contactpunt"), blank=True)
    contact_hours = models.CharField(_("bereikbaar"), max_length=200, blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    place = models.CharField(_("plaats"), max_length=100, blank=True)
    # Municipalities only.
    province = models.CharField(_("provincie"), max_length=40, blank=True)
    population = models.PositiveIntegerField(_("inwoners"), null=True, blank=True)
    safety_house = models.ForeignKey(
        "self",
        verbose_name=_("zorg- en veiligheidshuis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="municipalities",
        limit_choices_to={"kind": OrganisationKind.SAFETY_HOUSE},
    )
    # The municipality lets its safety house coordinate aftercare (DOMAIN: ZVH may take procesregie).
    aftercare_via_safety_house = models.BooleanField(
        _("nazorg via zorg- en veiligheidshuis"), default=False
    )
    # Prisons only: women's prisons serve the whole country.
    for_women = models.BooleanField(_("inrichting voor vrouwen"), default=False)
    source = models.CharField(_("bron"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name

    @property
    def size_class(self) -> str | None:
        """Municipality size class from its population; thresholds are settings."""
        if self.kind != OrganisationKind.MUNICIPALITY or self.population is None:
            return None
        if self.population < settings.MUNICIPALITY_SMALL_BELOW:
            return SizeClass.SMALL
        if self.population >= settings.MUNICIPALITY_LARGE_FROM:
            return SizeClass.LARGE
        return SizeClass.MEDIUM
