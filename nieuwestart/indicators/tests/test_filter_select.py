"""The dashboard's organisation filters are rendered in Python (indicators.forms.QuickSelect):
the same options, the same selected one and the same escaping as Django's own select, also
after the list of organisations changes."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms

from nieuwestart.indicators.forms import FilterForm, QuickSelect
from nieuwestart.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


class _Options(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.select: dict[str, Any] = {}
        self.options: list[tuple[str, bool, str]] = []
        self._open: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self.select = dict(attrs)
        if tag == "option":
            found = dict(attrs)
            self._open = (found.get("value") or "", "selected" in found)
            self.options.append((*self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            value, selected, text = self.options[-1]
            self.options[-1] = (value, selected, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._open = None


def _parsed(html: str) -> _Options:
    parser = _Options()
    parser.feed(html)
    return parser


def _both(choices: list[tuple[str, str]], value: str) -> tuple[_Options, _Options]:
    quick = QuickSelect(choices=choices).render("gemeente", value, {"id": "id_gemeente"})
    django = forms.Select(choices=choices).render("gemeente", value, {"id": "id_gemeente"})
    return _parsed(quick), _parsed(django)


def test_the_municipality_filter_is_what_djangos_select_renders():
    form = FilterForm(data={"gemeente": "GM0153"})
    choices = list(form.fields["gemeente"].choices)
    assert (
        len(choices) == 1 + Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count()
    )
    quick, django = _both(choices, "GM0153")
    assert quick.options == django.options
    assert quick.select == django.select
    assert [o for o in quick.options if o[1]] == [("GM0153", True, "Enschede")]


def test_names_with_markup_are_escaped_and_a_changed_list_is_rendered_anew():
    choices = [("", "Alle"), ("X1", 'Gemeente <b>"Vet"</b> & Co'), ("X2", "O'Neill")]
    for value in ("X1", "X2", ""):
        quick, django = _both(choices, value)
        assert quick.options == django.options
    html = QuickSelect(choices=choices).render("gemeente", "X1")
    assert "<b>" not in html and "&lt;b&gt;" in html
    changed = [*choices[:2], ("X3", "Nieuwe gemeente")]
    quick, django = _both(changed, "X3")
    assert quick.options == django.options
    assert ("X3", True, "Nieuwe gemeente") in quick.options
    assert all(value != "X2" for value, _, _ in quick.options)
