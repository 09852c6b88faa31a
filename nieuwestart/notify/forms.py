"""The e-mail preference form on the notifications page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nieuwestart.core.forms import QuickUtrechtFormRenderer
from nieuwestart.notify.models import DigestFrequency


class PreferenceForm(forms.Form):
    # On every work list or notifications page: the fields built in Python (core.forms).
    default_renderer = QuickUtrechtFormRenderer()

    digest = forms.ChoiceField(
        label=_("E-mail over nieuwe berichten"),
        choices=DigestFrequency.choices,
        initial=DigestFrequency.DAILY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies of u een e-mail wilt ontvangen.")},
    )
