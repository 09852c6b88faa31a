"""The quick form renderer (core.forms) writes choices grouped in optgroups exactly as Django's
templates do. The screening's own pages have no groups (test_form_rendering.py pins those); a
form that has them must look the same to its users with either renderer."""

from __future__ import annotations

from typing import Any

from django import forms

from nieuwestart.core.forms import QuickUtrechtFormRenderer, UtrechtFormRenderer

GROUPED = [
    ("", "Kies"),
    ('Wonen <eigen> & "huur"', [("huur", "Huurwoning"), ("koop", "Koop & <eigen>")]),
    ("Opvang", [("mo", "Maatschappelijke opvang"), ("bw", "Begeleid wonen")]),
    ("onbekend", "Weet ik niet"),
]


class GroupedForm(forms.Form):
    woonvorm = forms.ChoiceField(choices=GROUPED, required=False)
    keuze = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect, required=False)


class WatchedQuickRenderer(QuickUtrechtFormRenderer):
    """Records the templates it still had to load: the widgets must not be among them."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: set[str] = set()

    def get_template(self, template_name: str) -> Any:
        self.loaded.add(template_name)
        return super().get_template(template_name)


def _html(renderer: UtrechtFormRenderer, data: dict[str, str] | None) -> list[str]:
    form = GroupedForm(data, renderer=renderer)
    return [str(form[name]) for name in form.fields] + [
        form[name].as_field_group() for name in form.fields
    ]


def test_grouped_choices_are_the_same_bytes_as_the_templates() -> None:
    for data in (None, {"woonvorm": "koop", "keuze": "bw"}, {"woonvorm": "x", "keuze": "x"}):
        renderer = WatchedQuickRenderer()
        quick = _html(renderer, data)
        assert quick == _html(UtrechtFormRenderer(), data), data
        assert not {t for t in renderer.loaded if t.startswith("django/forms/widgets/")}
        assert "<optgroup" in quick[0] and "&lt;eigen&gt;" in quick[0]
        assert 'type="radio"' in quick[1]
