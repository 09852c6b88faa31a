"""Forms of release and handover. Labels and errors in plain Dutch (B1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nieuwestart.handover.models import ClosingReason, ConditionState
from nieuwestart.trajectories.models import JudicialTitle

MAX_NOTE = 1000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("De versie ontbreekt. Open de pagina opnieuw."),
            "invalid": _("De versie ontbreekt. Open de pagina opnieuw."),
        },
    )


class CheckForm(forms.Form):
    stand = forms.ChoiceField(
        label=_("Hoe staat het ervoor op de dag van vrijlating?"),
        choices=ConditionState.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Geregeld: het is rond, maar gaat pas later in. Bijvoorbeeld: de uitkering gaat in "
            "op de dag van vrijlating."
        ),
        error_messages={"required": _("Kies: in orde, geregeld of niet in orde.")},
    )
    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat is er geregeld, of wat ontbreekt nog? Nodig als het niet in orde is."),
    )
    gaat_in_op = forms.DateField(
        label=_("Gaat in op"),
        required=False,
        widget=DateInput(),
        help_text=_("Alleen bij geregeld: de dag dat het ingaat."),
        error_messages={"invalid": _("Vul een datum in, zoals 15-03-2027.")},
    )
    versie = _version_field()


class ReleaseForm(forms.Form):
    datum = forms.DateField(
        label=_("Datum van vrijlating"),
        widget=DateInput(),
        help_text=_("Vandaag of eerder. Is de persoon nog niet vrij? Leg dan nog niets vast."),
        error_messages={
            "required": _("Vul de datum van vrijlating in."),
            "invalid": _("Vul een datum in, zoals 15-03-2027."),
        },
    )
    justitiele_titel = forms.ChoiceField(
        label=_("Volgt er na vrijlating een justitiële titel?"),
        choices=[],
        widget=forms.RadioSelect,
        help_text=_(
            "Bij een voorwaardelijke invrijheidstelling of voorwaardelijke straf krijgt de "
            "reclassering de casusregie. Anders de gemeente."
        ),
        error_messages={"required": _("Kies of er na de vrijlating een justitiële titel volgt.")},
    )
    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    versie = _version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["justitiele_titel"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, label)
            for value, label in JudicialTitle.choices
            if value != JudicialTitle.UNKNOWN
        ]


class CloseForm(forms.Form):
    reden = forms.ChoiceField(
        label=_("Waarom stopt het traject?"),
        choices=ClosingReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies waarom het traject stopt.")},
    )
    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Nodig bij 'Anders'. Alleen uw eigen organisatie ziet deze toelichting; de andere "
            "partners zien de reden. Schrijf hier geen zorginhoud, zoals een diagnose of "
            "behandeling."
        ),
    )
    versie = _version_field()
