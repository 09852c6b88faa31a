"""Forms for the trajectory screens. Labels and errors in plain Dutch (B1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nieuwestart.accounts.models import User
from nieuwestart.core.forms import QuickUtrechtFormRenderer
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.trajectories.models import Phase
from nieuwestart.trajectories.phases import phase_screen_targets


class WorklistFilterForm(forms.Form):
    # On every work list or notifications page: the fields built in Python (core.forms).
    default_renderer = QuickUtrechtFormRenderer()

    zoek = forms.CharField(label=_("Zoek op naam"), required=False, max_length=100)
    fase = forms.ChoiceField(
        label=_("Fase"), required=False, choices=[("", _("Alle open fasen")), *Phase.choices[:-1]]
    )
    mijn = forms.BooleanField(label=_("Alleen trajecten waar ik op sta"), required=False)


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ReturnMunicipalityForm(forms.Form):
    terugkeergemeente = MunicipalityChoiceField(
        label=_("Terugkeergemeente"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("name"),
        empty_label=_("Kies een gemeente"),
        help_text=_("De gemeente waar de persoon na de detentie gaat wonen."),
        error_messages={
            "required": _("Kies een gemeente."),
            "invalid_choice": _("Kies een gemeente uit de lijst."),
        },
    )
    toelichting = forms.CharField(
        label=_("Waarom is dit de terugkeergemeente?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Bijvoorbeeld: gaat bij zijn moeder wonen in deze gemeente."),
        error_messages={"required": _("Schrijf kort op waarom dit de terugkeergemeente is.")},
    )
    versie = forms.IntegerField(widget=forms.HiddenInput)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.organisation.name})"


class AssignForm(forms.Form):
    gebruiker = UserChoiceField(
        label=_("Persoon"),
        queryset=User.objects.none(),
        empty_label=_("Kies een persoon"),
        error_messages={
            "required": _("Kies een persoon."),
            "invalid_choice": _("Kies een persoon uit de lijst."),
        },
    )

    def __init__(self, *args: Any, users: list[User], label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["gebruiker"]
        assert isinstance(field, UserChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in users]).select_related(
            "organisation"
        )
        field.label = label


class ProbationForm(forms.Form):
    reclassering = forms.ModelChoiceField(
        label=_("Reclasseringsorganisatie"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROBATION, active=True),
        empty_label=_("Kies een organisatie"),
        error_messages={"required": _("Kies een reclasseringsorganisatie.")},
    )


class ImportForm(forms.Form):
    bestand = forms.FileField(
        label=_("Bestand met detentiemeldingen (CSV)"),
        help_text=_(
            "Eén melding per regel, met kolommen meldingId, soort, bsn, voornamen, voorvoegsel, "
            "geslachtsnaam, geboortedatum, inrichting, startdatum, verwachteEinddatum, "
            "gemeenteVanInschrijving, einddatum."
        ),
        error_messages={"required": _("Kies een bestand.")},
    )


class PhaseForm(forms.Form):
    """The phase screen: only the moves without rules of their own. Release and closing have
    their own screens (`vrijlaten`, `afsluiten`); the phase page links to them."""

    fase = forms.ChoiceField(
        label=_("Nieuwe fase"),
        choices=[],
        error_messages={
            "required": _("Kies een fase."),
            "invalid_choice": _("Deze fase kan nu niet."),
        },
    )
    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    versie = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, current_phase: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = phase_screen_targets(current_phase)
        self.has_choices = bool(allowed)
        field = self.fields["fase"]
        assert isinstance(field, forms.ChoiceField)
        # No phase is preselected: changing the phase is a deliberate choice.
        field.choices = [("", _("Kies een fase"))] + [
            (value, label) for value, label in Phase.choices if value in allowed
        ]
