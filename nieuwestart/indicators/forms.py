"""The dashboard's filters, one validator for the web page, the exports and the API.

Parameters (the same names everywhere): `van` and `tot` (months, YYYY-MM, inclusive), `per`
(`maand` or `kwartaal`: the trend's step), `inrichting`, `gemeente`, `reclassering`
(organisation codes), `grootteklasse` (`klein`, `middel`, `groot`: the return municipality's
size class from its population), `kortVerblijf` and `lvb` (`ja`/`nee`, LVB also `onbekend`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from nieuwestart.organisations.models import Organisation, OrganisationKind, SizeClass
from nieuwestart.screening.short_stay import add_months

MAX_MONTHS = 60
MONTH = "maand"
QUARTER = "kwartaal"


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months up to and including this month."""
    end = today.replace(day=1)
    return add_months(end, -11), end


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m")


class QuickSelect(forms.Select):
    """A select rendered in Python: the municipality filter has 342 options, and rendering each
    through Django's option template costs tens of milliseconds on every dashboard request."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        current = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if str(code) == current else "", label)  # nosec B308  # a constant
                for code, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


def _month_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m"],
        widget=MonthInput(),
        error_messages={"invalid": _("Vul een maand in als jjjj-mm, bijvoorbeeld 2026-05.")},
    )


def _organisations(kind: str) -> list[tuple[str, Any]]:
    return [
        ("", _("Alle")),
        *Organisation.objects.filter(kind=kind).order_by("name").values_list("code", "name"),
    ]


YES_NO = [("", _("Alle trajecten")), ("ja", _("ja")), ("nee", _("nee"))]


class FilterForm(forms.Form):
    van = _month_field(_("Van (maand)"))
    tot = _month_field(_("Tot en met (maand)"))
    per = forms.ChoiceField(
        label=_("Verloop per"),
        required=False,
        choices=[(MONTH, _("maand")), (QUARTER, _("kwartaal"))],
    )
    inrichting = forms.ChoiceField(label=_("Inrichting"), required=False)
    gemeente = forms.ChoiceField(label=_("Terugkeergemeente"), required=False)
    grootteklasse = forms.ChoiceField(
        label=_("Grootte van de gemeente"),
        required=False,
        choices=[("", _("Alle")), *SizeClass.choices],
    )
    reclassering = forms.ChoiceField(label=_("Reclasseringsorganisatie"), required=False)
    kortVerblijf = forms.ChoiceField(label=_("Kort verblijf"), required=False, choices=YES_NO)
    lvb = forms.ChoiceField(
        label=_("Licht verstandelijke beperking (LVB)"),
        required=False,
        choices=[*YES_NO, ("onbekend", _("onbekend"))],
    )

    def __init__(self, *args: Any, fixed: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "inrichting": OrganisationKind.PRISON,
            "gemeente": OrganisationKind.MUNICIPALITY,
            "reclassering": OrganisationKind.PROBATION,
        }
        for name, kind in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _organisations(kind)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                widget = QuickSelect()
                widget.choices = field.choices  # type: ignore[assignment]  # a list here
                field.widget = widget
        # A management user's own organisation is fixed: the page does not offer it.
        for name in fixed:
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = default_period(timezone.localdate())
        van = data.get("van") or start
        tot = data.get("tot") or end
        if van > tot:
            self.add_error("tot", _("Deze maand ligt voor de maand bij 'Van'."))
        elif add_months(van, MAX_MONTHS - 1) < tot:
            self.add_error("tot", _("Kies een periode van hoogstens 60 maanden."))
        data["van"], data["tot"] = van.replace(day=1), tot.replace(day=1)
        data["per"] = data.get("per") or MONTH
        return data
