"""The privacy officer's form to place a legal hold on a trajectory, by its number (UUID)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nieuwestart.retention.models import HoldReason


class HoldForm(forms.Form):
    traject = forms.UUIDField(
        label=_("Trajectnummer"),
        help_text=_("Het nummer uit het verwerkingenlog of uit de lijst hieronder."),
        error_messages={
            "required": _("Vul het trajectnummer in."),
            "invalid": _("Dit is geen geldig trajectnummer."),
        },
    )
    reden = forms.ChoiceField(
        label=_("Waarom bewaren?"),
        choices=HoldReason.choices,
        error_messages={"required": _("Kies waarom de gegevens bewaard moeten blijven.")},
    )
    kenmerk = forms.CharField(
        label=_("Kenmerk (optioneel)"),
        help_text=_(
            "Bijvoorbeeld het zaaknummer. Schrijf hier geen namen of andere persoonsgegevens."
        ),
        max_length=100,
        required=False,
    )
