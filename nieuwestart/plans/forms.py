"""Forms for the D&R-plan screens. Field names are the API's Dutch names; labels and errors are
plain Dutch (B1). Every form carries the plan's version (`versie`) so that a save based on an
older plan is refused instead of overwriting someone else's work.

The plan page shows up to five of these forms; their fields are written in Python
(`core.forms.QuickUtrechtFormRenderer`), the same bytes as the templates
(plans/tests/test_form_rendering.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nieuwestart.accounts.models import Role, User
from nieuwestart.core.forms import QuickUtrechtFormRenderer
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans.models import PlanDomain, PlanTaskStatus
from nieuwestart.plans.sections import DATE, NUMBER, SECTIONS
from nieuwestart.plans.services import MAX_NOTE, MAX_TEXT, MAX_WEEKS

# One renderer for every plan form: it holds no state per form.
RENDERER = QuickUtrechtFormRenderer()

SELF = "zelf"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("De versie van het plan ontbreekt. Open het plan opnieuw."),
            "invalid": _("De versie van het plan ontbreekt. Open het plan opnieuw."),
        },
    )


class SectionsForm(forms.Form):
    """The sections of one group (goals or agreements) that the user may write."""

    default_renderer = RENDERER

    def __init__(self, *args: Any, group: str, keys: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{group}_%s")
        super().__init__(*args, **kwargs)
        allowed = set(keys)
        for section in SECTIONS:
            if section.group != group or section.key not in allowed:
                continue
            field: forms.Field
            if section.kind == NUMBER:
                field = forms.IntegerField(
                    min_value=1,
                    max_value=MAX_WEEKS,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                    error_messages={
                        "invalid": _("Vul een heel getal in, bijvoorbeeld 4."),
                        "min_value": _("Vul een aantal weken in van 1 tot en met 52."),
                        "max_value": _("Vul een aantal weken in van 1 tot en met 52."),
                    },
                )
            elif section.kind == DATE:
                field = forms.DateField(
                    widget=DateInput(),
                    error_messages={"invalid": _("Vul een geldige datum in.")},
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=MAX_TEXT,
                    strip=True,
                )
            field.required = False
            field.label = section.form_label
            field.help_text = section.help_text
            self.fields[section.key] = field
        self.fields["versie"] = _version_field()

    @property
    def section_keys(self) -> list[str]:
        return [name for name in self.fields if name != "versie"]


def who_choices(
    organisations: Iterable[Organisation], people: Iterable[User]
) -> list[tuple[str, Any]]:
    """ "De persoon zelf", then per involved organisation the organisation and its named people."""
    by_org: dict[int, list[User]] = {}
    for person in people:
        if person.organisation_id is not None:
            by_org.setdefault(person.organisation_id, []).append(person)
    choices: list[tuple[str, Any]] = [("", _("Kies wie dit doet")), (SELF, _("De persoon zelf"))]
    for organisation in organisations:
        options = [(f"org:{organisation.uuid}", organisation.name)]
        for person in by_org.get(organisation.pk, []):
            role = Role(person.role).label if person.role in Role.values else person.role
            options.append((f"user:{person.uuid}", f"{person.display_name} ({role})"))
        choices.append((organisation.name, options))
    return choices


class TaskForm(forms.Form):
    """Add a task (few inputs) or, with `full`, change one (also name and status)."""

    default_renderer = RENDERER

    domein = forms.ChoiceField(
        label=_("Basisvoorwaarde"),
        choices=[("", _("Kies een basisvoorwaarde")), *PlanDomain.choices],
        error_messages={"required": _("Kies een basisvoorwaarde.")},
    )
    wat = forms.CharField(
        label=_("Wat moet er gebeuren?"),
        max_length=500,
        help_text=_("Kort en concreet. Bijvoorbeeld: nieuwe ID-kaart aanvragen bij de gemeente."),
        error_messages={"required": _("Schrijf op wat er moet gebeuren.")},
    )
    wie = forms.ChoiceField(
        label=_("Wie doet het?"),
        error_messages={
            "required": _("Kies wie dit doet."),
            "invalid_choice": _("Kies iemand uit de lijst."),
        },
    )
    naam = forms.CharField(
        label=_("Naam van de contactpersoon"),
        required=False,
        max_length=200,
        help_text=_("Alleen als die niet in de lijst staat."),
    )
    uiterlijk = forms.DateField(
        label=_("Klaar op"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=PlanTaskStatus.choices)
    taak = forms.UUIDField(widget=forms.HiddenInput, required=False)
    versie = _version_field()

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        people: list[User],
        full: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = {f"org:{o.uuid}": o for o in organisations}
        self._people = {f"user:{p.uuid}": p for p in people}
        field = self.fields["wie"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = who_choices(organisations, people)
        if not full:
            del self.fields["naam"]
            del self.fields["status"]

    def who(self) -> dict[str, Any]:
        """The chosen "wie" as service arguments: organisation, assignee, for_detainee."""
        value = self.cleaned_data["wie"]
        person = self._people.get(value)
        return {
            "organisation": person.organisation if person else self._organisations.get(value),
            "assignee": person,
            "for_detainee": value == SELF,
        }


def who_initial(organisation: Organisation | None, assignee: User | None, itself: bool) -> str:
    if assignee is not None:
        return f"user:{assignee.uuid}"
    if organisation is not None:
        return f"org:{organisation.uuid}"
    return SELF if itself else ""


class EstablishForm(forms.Form):
    default_renderer = RENDERER

    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: vastgesteld in het MDO van vandaag, met de partners."),
    )
    versie = _version_field()


class AdviceForm(forms.Form):
    default_renderer = RENDERER

    advies = forms.CharField(
        label=_("Uw advies"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Uw D&R-advies voor dit plan. De gemeente ziet alleen dat er advies is."),
        error_messages={"required": _("Schrijf het advies.")},
    )
    versie = _version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "advies_%s")
        super().__init__(*args, **kwargs)
