"""The screening form renders its ~260 fields in Python (core.forms.QuickUtrechtFormRenderer):
the page must be the same as with Django's field and widget templates (issue 6).

Pinned against the templates themselves (nieuwestart/templates/forms/utrecht_field.html and
Django's widget templates, through the project's FORM_RENDERER): for a screening with data in
every domain, for a prison user and a municipality user (who does not see care content) and
for probation (who does), on the page as opened and after an invalid save. Compared are the
parsed form controls (name, type, value, checked or selected, id, label, aria attributes, help
and error text) and, to catch anything else, the whole page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from nieuwestart.core.forms import QuickUtrechtFormRenderer, UtrechtFormRenderer
from nieuwestart.screening.forms import ScreeningForm
from nieuwestart.screening.tests.conftest import web_form
from nieuwestart.screening.tests.test_screening_web import FULL_SCREENING

pytestmark = pytest.mark.django_db

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "col", "wbr", "base"}
CONTROLS = {"input", "select", "textarea", "fieldset", "option"}

# Every domain filled in, care content too, and text that must be escaped.
WITH_CARE = {
    **FULL_SCREENING,
    "zorg__verslaving": 'Alcohol <sinds 2019> & "soms" drugs',
    "zorg__psychischeGezondheid": "Depressie, behandeld",
    "zorg__zorgaanbieder": "Tactus, ambulant",
    "sociaal-netwerk__toelichtingActie": "Zus <Fatima> & 'familie'",
}

# Invalid saves: what the form refuses (a date that is no date, a text over its maximum length,
# an unknown answer), and what the service refuses (help questions missing, an amount that is
# no amount).
INVALID_FORM = {
    **WITH_CARE,
    "identiteit__geldigTot": "30-30-2026",
    "huisvesting__toelichtingActie": "x" * 400,
    "lvb": "misschien",
}
INVALID_SERVICE = {
    **WITH_CARE,
    "identiteit__hulpvraag": "",
    "huisvesting__hulpvraag": "",
    "financien__schuldenSchatting": "veel <euro>",
}
EXPECTED_ERRORS = {
    "form": (
        INVALID_FORM,
        {"identiteit__geldigTot", "huisvesting__toelichtingActie"},
    ),
    "service": (
        INVALID_SERVICE,
        {"identiteit__hulpvraag", "huisvesting__hulpvraag", "financien__schuldenSchatting"},
    ),
}


class FormControls(HTMLParser):
    """The controls of a page as a user agent sees them: per control its attributes, its text
    (options, textareas), the texts of its label and of what aria-describedby points to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict[str, Any]] = []
        self.texts: dict[str, list[str]] = {}  # element id -> text inside it
        self.labels: dict[str, list[str]] = {}  # the `for` of a label -> its text
        self.open: list[tuple[str, dict[str, Any], list[list[str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        buffers: list[list[str]] = []
        if attributes.get("id"):
            buffers.append(self.texts.setdefault(attributes["id"] or "", []))
        if tag == "label" and attributes.get("for"):
            buffers.append(self.labels.setdefault(attributes["for"] or "", []))
        control: dict[str, Any] = {}
        if tag in CONTROLS:
            control = {"tag": tag, **attributes, "text": []}
            self.controls.append(control)
            buffers.append(control["text"])
        if tag not in VOID:
            self.open.append((tag, control, buffers))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # the paths of the icons' svg

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            name, _control, _buffers = self.open.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _tag, _control, buffers in self.open:
            for buffer in buffers:
                buffer.append(data)

    def result(self) -> list[dict[str, Any]]:
        def text(parts: list[str]) -> str:
            return " ".join("".join(parts).split())

        out = []
        for control in self.controls:
            item = {k: v for k, v in control.items() if k != "text"}
            item["text"] = text(control["text"]) if control["tag"] != "fieldset" else ""
            if item.get("id"):
                item["label"] = text(self.labels.get(item["id"], []))
                item["error"] = text(self.texts.get(f"{item['id']}_error", []))
                item["help"] = text(self.texts.get(f"{item['id']}_helptext", []))
            item["described_by"] = [
                text(self.texts.get(ref, []))
                for ref in (item.get("aria-describedby") or "").split()
            ]
            out.append(item)
        return out


def controls(html: str) -> list[dict[str, Any]]:
    parser = FormControls()
    parser.feed(html)
    return [c for c in parser.result() if c.get("name") != "csrfmiddlewaretoken"]


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _url(trajectory: Any) -> str:
    return f"/trajecten/{trajectory.uuid}/screening"


def _both(monkeypatch: Any, request: Any) -> tuple[str, str]:
    """The page from `request()` rendered in Python, then through the templates."""
    quick = request()
    monkeypatch.setattr(ScreeningForm, "default_renderer", UtrechtFormRenderer())
    templates = request()
    monkeypatch.undo()
    return quick.content.decode(), templates.content.decode()


@pytest.fixture
def filled(web: Any, trajectory: Any, bob: Any) -> Any:
    """Probation filled in every domain, care content included."""
    response = web(bob).post(_url(trajectory), WITH_CARE)
    assert response.status_code == 302
    return trajectory


@pytest.mark.parametrize("persona", ["alice", "carol", "bob"])
def test_opened_form_is_the_same_as_with_the_templates(web, filled, persona, request, monkeypatch):
    client = web(request.getfixturevalue(persona))
    quick, templates = _both(monkeypatch, lambda: client.get(_url(filled)))

    found = controls(quick)
    assert found == controls(templates)
    assert without_csrf(quick) == without_csrf(templates)
    by_name = {c["name"]: c for c in found if c.get("name") and c["tag"] != "option"}
    # The rendering really shows the saved data, with its label, and escaped.
    assert by_name["sociaal-netwerk__toelichtingActie"]["value"] == "Zus <Fatima> & 'familie'"
    assert by_name["huisvesting__hulpvraag"]["text"].startswith("Huur doorbetalen tot")
    assert by_name["huisvesting__hulpvraag"]["label"] == "Hulpvraag in woorden (niet verplicht)"
    assert by_name["huisvesting__hulpvraag"]["described_by"][0].startswith("Wat is er nodig")
    checked = {c["name"]: c.get("value") for c in found if "checked" in c}
    assert checked["huisvesting__status"] == "aandacht"
    assert "leesbehoeften" in checked
    care = "zorg__verslaving" in by_name
    assert care == (persona == "bob")  # only probation sees care content
    if care:
        assert by_name["zorg__verslaving"]["text"] == 'Alcohol <sinds 2019> & "soms" drugs'


@pytest.mark.parametrize("refused_by", ["form", "service"])
@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_invalid_save_shows_every_error_next_to_its_field_as_before(
    web, filled, persona, refused_by, request, monkeypatch
):
    client = web(request.getfixturevalue(persona))
    invalid, expected = EXPECTED_ERRORS[refused_by]
    data = web_form(version=1, **{k: v for k, v in invalid.items() if k != "versie"})
    quick, templates = _both(monkeypatch, lambda: client.post(_url(filled), data))

    found = controls(quick)
    assert found == controls(templates)
    assert without_csrf(quick) == without_csrf(templates)
    errors = {c["name"]: c["error"] for c in found if c.get("name") and c.get("error")}
    assert set(errors) == expected, errors
    for name in expected:
        field = next(c for c in found if c.get("name") == name)
        assert field["aria-invalid"] == "true"
        assert field["error"].startswith("Fout: ")
        assert field["error"] in field["described_by"]
    if refused_by == "form":
        # The radio group's error is on its fieldset, which a screen reader announces.
        lvb = next(
            c
            for c in found
            if c["tag"] == "fieldset" and (c.get("aria-describedby") or "").startswith("id_lvb")
        )
        assert any(text.startswith("Fout: ") for text in lvb["described_by"])


def _forms(renderer: Any) -> list[ScreeningForm]:
    initial = {"lvb": "ja", "leesbehoeften": True, "huisvesting__woonsituatie": "huurwoning"}
    forms = []
    for invalid in (INVALID_FORM, INVALID_SERVICE):
        data = web_form(**{k: v for k, v in invalid.items() if k != "versie"})
        forms += [
            ScreeningForm(data, care_details=True, renderer=renderer),
            ScreeningForm(data, care_details=False, renderer=renderer),
            ScreeningForm(data, care_details=True, auto_id=False, renderer=renderer),
        ]
    forms += [
        ScreeningForm(initial=initial, care_details=True, renderer=renderer),
        ScreeningForm(initial=initial, care_details=False, renderer=renderer),
    ]
    for form in forms:
        if form.is_bound and form.is_valid():
            # As the view does with the service's errors; two on one field, with markup.
            form.add_error("huisvesting__hulpvraag", "Schrijf de <hulpvraag> op.")
            form.add_error("huisvesting__hulpvraag", "En nog iets & meer.")
            form.add_error("lvb", "Kies een antwoord.")
    return forms


def test_every_field_is_byte_for_byte_the_template_rendering():
    compared = 0
    quick_forms = _forms(QuickUtrechtFormRenderer())
    template_forms = _forms(UtrechtFormRenderer())
    for quick, templates in zip(quick_forms, template_forms, strict=True):
        assert quick.errors == templates.errors
        for name in quick.fields:
            fast, slow = str(quick[name].as_field_group()), str(templates[name].as_field_group())
            if fast != slow:
                pytest.fail(f"{name}:\n{fast}\n---\n{slow}")
            compared += 1
    assert compared > 200
    assert any(form.errors for form in quick_forms)
