"""The dashboard's filters, one validator for the web page, the exports and the API.

Parameters (the same names everywhere): `van` and `tot` (months, YYYY-MM, inclusive), `per`
(`maand` or `kwartaal`: the trend's step), `inrichting`, `gemeente`, `reclassering`
(organisation codes), `grootteklasse` (`klein`, `middel`, `groot`: the return municipality's
size class from its population), `kortVerblijf` and `lvb` (`ja`/`nee`, LVB also `onbekend`).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.core.forms import QuickUtrechtFormRenderer
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


@functools.lru_cache(maxsize=64)
def _escaped_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """Per option its value as given, and its value and label escaped for HTML. Kept per list
    of choices (the organisations read on this request, in this language), so a changed list
    is escaped anew and an unchanged one, on every dashboard request, is not."""
    return tuple((code, escape(code), escape(label)) for code, label in choices)


class QuickSelect(forms.Select):
    """A select rendered in Python: the municipality filter has 342 options, and rendering each
    through Django's option template costs tens of milliseconds on every dashboard request.
    Escaping 342 names was then still half of the dashboard's rendering: the escaped options
    are kept per list of choices (`_escaped_options`)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        current = "" if value is None else str(value)
        options = _escaped_options(tuple((str(code), str(label)) for code, label in self.choices))
        html = "".join(
            f'<option value="{value_html}"{" selected" if code == current else ""}>'
            f"{label_html}</option>"
            for code, value_html, label_html in options
        )
        safe = mark_safe(html)  # noqa: S308  # nosec B308 B703  # every value escaped above
        return format_html("<select{}>{}</select>", flatatt(final), safe)


def _month_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m"],
        widget=MonthInput(),
        error_messages={"invalid": _("Vul een maand in als jjjj-mm, bijvoorbeeld 2026-05.")},
    )


# Read on every dashboard request: the SQL is kept per process (core.compiled).
_ORGANISATIONS: CompiledQuery[tuple[str, str]] = CompiledQuery(
    "organisations of a kind",
    lambda kind: (
        Organisation.objects.filter(kind=kind).order_by("name").values_list("code", "name")
    ),
)


def _organisations(kind: str) -> list[tuple[str, Any]]:
    return [("", _("Alle")), *_ORGANISATIONS(kind)]


YES_NO = [("", _("Alle trajecten")), ("ja", _("ja")), ("nee", _("nee"))]


class FilterForm(forms.Form):
    # The fields' markup built in Python (core.forms): the same bytes as the templates.
    default_renderer = QuickUtrechtFormRenderer()

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
