"""The screening form: flags, own words and all six domains on one page, saved at once.

Field names follow the API: flags by their API code (`lvb`, `eersteDetentie`, ...), and per
domain `<domain>__<name>` (`huisvesting__hulpvraag`, `huisvesting__woonsituatie`). So the
service's errors, keyed by API path (`domeinen.huisvesting.hulpvraag`), map onto the fields.
Defaults are "onbekend"; derived facts (short stay) are shown, never asked; care content fields
exist only for users who may see care content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nieuwestart.core.forms import QuickUtrechtFormRenderer
from nieuwestart.screening.domains import (
    ANSWERS,
    FLAGS,
    OWN_WORDS_LABEL,
    SCHEMA,
    Fact,
    FactType,
    fact_visible,
)
from nieuwestart.screening.models import Answer, Domain, Partner, Status
from nieuwestart.screening.selectors import ScreeningView
from nieuwestart.screening.validation import (
    ACTING_NOTE_MAX,
    CONTRIBUTION_MAX,
    HELP_QUESTION_MAX,
    LANGUAGE_NEEDS_MAX,
    OWN_WORDS_MAX,
)

SEPARATOR = "__"


def field_name(domain: str, name: str) -> str:
    return f"{domain}{SEPARATOR}{name}"


def form_field_for(path: str) -> str | None:
    """The form field of an API path: `domeinen.zorg.feiten.verslaving` -> `zorg__verslaving`."""
    parts = path.split(".")
    if parts[0] == "kenmerken" and len(parts) == 2:
        return parts[1]
    if parts[0] == "eigenWoorden":
        return "eigenWoorden"
    if parts[0] == "domeinen" and len(parts) == 3:
        return field_name(parts[1], parts[2])
    if parts[0] == "domeinen" and len(parts) == 4 and parts[2] == "feiten":
        return field_name(parts[1], parts[3])
    return None


def _fact_field(fact: Fact) -> forms.Field:
    common: dict[str, Any] = {"label": fact.label, "required": False}
    if fact.help_text:
        common["help_text"] = fact.help_text
    if fact.type == FactType.BOOL:
        return forms.BooleanField(**common)
    if fact.type == FactType.CHOICE:
        if fact.choices == ANSWERS:
            return forms.ChoiceField(choices=fact.choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", _("Nog niet ingevuld")), *fact.choices], **common)
    if fact.type == FactType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if fact.type == FactType.MONEY:
        return forms.CharField(
            max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
        )
    return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **common)


@dataclass
class FieldGroup:
    """One fieldset of the page: the person (own words, flags), or one domain (its facts, then
    status, help question and who acts). Shown as two columns on a wide screen."""

    code: str
    legend: str
    columns: list[list[forms.BoundField]]

    @property
    def fields(self) -> list[forms.BoundField]:
        return [field for column in self.columns for field in column]


class ScreeningForm(forms.Form):
    # Some 50 fields with about 260 inputs and options: their markup is built in Python, the
    # same as the templates would, at half the CPU of the whole request (docs/benchmarks.md;
    # pinned to the templates by nieuwestart/screening/tests/test_form_rendering.py).
    default_renderer = QuickUtrechtFormRenderer()

    versie = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    lvb = forms.ChoiceField(
        label=FLAGS[0].label,
        help_text=FLAGS[0].help_text,
        choices=Answer.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    eersteDetentie = forms.ChoiceField(
        label=FLAGS[1].label, choices=Answer.choices, widget=forms.RadioSelect, required=False
    )
    taalbehoeften = forms.CharField(
        label=FLAGS[2].label,
        help_text=FLAGS[2].help_text,
        max_length=LANGUAGE_NEEDS_MAX,
        required=False,
    )
    leesbehoeften = forms.BooleanField(label=FLAGS[3].label, required=False)
    eigenWoorden = forms.CharField(
        label=OWN_WORDS_LABEL,
        help_text=_("Schrijf op wat de persoon zelf zegt en wil, met zijn of haar woorden."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OWN_WORDS_MAX,
        required=False,
    )

    def __init__(self, *args: Any, care_details: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.care_details = care_details
        self.domain_fields: dict[str, tuple[list[str], list[str]]] = {}
        for code, spec in SCHEMA.items():
            names: list[str] = []
            for fact in spec.facts:
                if fact_visible(fact, care_details=care_details):
                    self.fields[field_name(code, fact.code)] = _fact_field(fact)
                    names.append(field_name(code, fact.code))
            self.fields[field_name(code, "status")] = forms.ChoiceField(
                label=_("Status"), choices=Status.choices, widget=forms.RadioSelect, required=False
            )
            help_text = _("Wat is er nodig, en waarvoor? Bijvoorbeeld: %(example)s") % {
                "example": spec.example
            }
            if code == Domain.CARE:
                # Every involved partner reads the help question; care content stays in the
                # care content fields, which only probation sees.
                help_text += " " + _(
                    "Noem hier geen diagnose of verslaving: iedere betrokkene leest de hulpvraag."
                )
            self.fields[field_name(code, "hulpvraag")] = forms.CharField(
                label=_("Hulpvraag in woorden"),
                help_text=help_text,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=HELP_QUESTION_MAX,
                required=False,
            )
            self.fields[field_name(code, "actiePartner")] = forms.ChoiceField(
                label=_("Wie pakt het op?"),
                choices=[("", _("Nog niet bekend")), *Partner.choices],
                required=False,
            )
            self.fields[field_name(code, "toelichtingActie")] = forms.CharField(
                label=_("Wie precies?"),
                help_text=_("Bijvoorbeeld de naam van de organisatie of de persoon."),
                max_length=ACTING_NOTE_MAX,
                required=False,
            )
            assessment = [
                field_name(code, n)
                for n in ("status", "hulpvraag", "actiePartner", "toelichtingActie")
            ]
            self.domain_fields[code] = (names, assessment)

    @classmethod
    def initial_from(cls, view: ScreeningView) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "versie": view.version,
            "lvb": view.lvb,
            "eersteDetentie": view.first_detention,
            "taalbehoeften": view.language_needs,
            "leesbehoeften": view.reading_needs,
            "eigenWoorden": view.own_words,
        }
        for domain in view.domains:
            initial[field_name(domain.code, "status")] = domain.status
            initial[field_name(domain.code, "hulpvraag")] = domain.help_question
            initial[field_name(domain.code, "actiePartner")] = domain.acting_partner
            initial[field_name(domain.code, "toelichtingActie")] = domain.acting_note
            for code, value in domain.fact_values.items():
                initial[field_name(domain.code, code)] = _initial_fact(domain.code, code, value)
        return initial

    def groups(self) -> list[FieldGroup]:
        person = FieldGroup(
            "persoon",
            str(_("De persoon zelf")),
            [
                [self["eigenWoorden"]],
                [self[n] for n in ("lvb", "eersteDetentie", "taalbehoeften", "leesbehoeften")],
            ],
        )
        return [person] + [
            FieldGroup(
                code,
                str(SCHEMA[code].label),
                [[self[n] for n in facts], [self[n] for n in assessment]],
            )
            for code, (facts, assessment) in self.domain_fields.items()
        ]

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `services.screening_update` from the cleaned data."""
        data = self.cleaned_data
        domains: dict[str, dict[str, Any]] = {}
        for code, spec in SCHEMA.items():
            facts = {
                fact.code: data.get(field_name(code, fact.code))
                for fact in spec.facts
                if fact_visible(fact, care_details=self.care_details)
            }
            domains[code] = {
                "status": data.get(field_name(code, "status")) or Status.UNKNOWN,
                "help_question": data.get(field_name(code, "hulpvraag"), ""),
                "acting_partner": data.get(field_name(code, "actiePartner"), ""),
                "acting_note": data.get(field_name(code, "toelichtingActie"), ""),
                "facts": facts,
            }
        return {
            "expected_version": data["versie"],
            "lvb": data.get("lvb") or Answer.UNKNOWN,
            "first_detention": data.get("eersteDetentie") or Answer.UNKNOWN,
            "language_needs": data.get("taalbehoeften", ""),
            "reading_needs": bool(data.get("leesbehoeften")),
            "own_words": data.get("eigenWoorden", ""),
            "domains": domains,
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for path, messages in errors.items():
            name = form_field_for(path)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)

    def error_items(self) -> list[tuple[str, str, str]]:
        """(field id, label with its domain, message) for the error summary at the top."""
        items = []
        for group in self.groups():
            for bound in group.fields:
                for error in bound.errors:
                    prefix = "" if group.code == "persoon" else f"{group.legend}: "
                    items.append((bound.id_for_label, f"{prefix}{bound.label}", str(error)))
        return items


def _initial_fact(domain: str, code: str, value: Any) -> Any:
    fact = SCHEMA[domain].fact(code)
    if fact is not None and fact.type == FactType.MONEY and isinstance(value, str):
        return value.replace(".", ",").removesuffix(",00")
    return value


class ContributionForm(forms.Form):
    # Checked on the server; a `required` attribute would paint the empty box red at once.
    use_required_attribute = False

    domein = forms.ChoiceField(
        label=_("Over welke basisvoorwaarde?"),
        choices=[("", _("Kies een basisvoorwaarde")), *Domain.choices],
        error_messages={"required": _("Kies een basisvoorwaarde.")},
    )
    tekst = forms.CharField(
        label=_("Wat weet u?"),
        help_text=_(
            "Uw naam en organisatie komen erbij te staan. Over zorg: alleen wie zorginhoud mag "
            "zien en uw eigen organisatie lezen dit."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=CONTRIBUTION_MAX,
        error_messages={"required": _("Schrijf op wat u weet.")},
    )
