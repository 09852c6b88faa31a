"""The plan page's forms write their fields in Python (core.forms.QuickUtrechtFormRenderer):
what casemanagers and screen readers get must be what Django's field and widget templates
gave. Every plan form, as opened and after an invalid save, with text that must be escaped and
choices in groups, renders to the same bytes with both renderers, and the quick one loads no
widget template."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django import forms

from nieuwestart.accounts.models import Role, User
from nieuwestart.core.forms import QuickUtrechtFormRenderer, UtrechtFormRenderer
from nieuwestart.core.tests.test_forms import WatchedQuickRenderer
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.plans.forms import AdviceForm, EstablishForm, SectionsForm, TaskForm
from nieuwestart.plans.models import PlanDomain, PlanTaskStatus
from nieuwestart.plans.sections import AGREEMENTS, DATE, GOALS, NUMBER, SECTIONS

HOSTILE = 'Zus <Fatima> & "familie" \'s avonds'


def _organisation(pk: int, name: str) -> Organisation:
    return Organisation(
        pk=pk, uuid=uuid.UUID(int=pk), name=name, kind=OrganisationKind.MUNICIPALITY
    )


ORGANISATIONS = [_organisation(1, "Gemeente 's-Hertogenbosch"), _organisation(2, "PI <Vught>")]


def _person(pk: int, first: str, last: str, role: str, organisation: Organisation) -> User:
    return User(
        pk=pk,
        uuid=uuid.UUID(int=pk),
        username=first.lower(),
        first_name=first,
        last_name=last,
        role=role,
        organisation=organisation,
    )


PEOPLE = [
    _person(10, "Anna", "de Vries & Zn", Role.AFTERCARE_COORDINATOR, ORGANISATIONS[0]),
    _person(11, "Bram", "<Bakker>", Role.CASEMANAGER, ORGANISATIONS[1]),
]


def _section_values(group: str, *, valid: bool) -> dict[str, Any]:
    values: dict[str, Any] = {"versie": 3}
    for section in SECTIONS:
        if section.group != group:
            continue
        if section.kind == NUMBER:
            values[section.key] = 4 if valid else "veel"
        elif section.kind == DATE:
            values[section.key] = dt.date(2027, 2, 1) if valid else "30-30-2026"
        else:
            values[section.key] = HOSTILE if valid else "x" * 5000
    return values


def _keys(group: str) -> list[str]:
    return [section.key for section in SECTIONS if section.group == group]


def _forms(renderer: Any) -> list[forms.Form]:
    task = {"organisations": ORGANISATIONS, "people": PEOPLE, "renderer": renderer}
    full_initial = {
        "domein": PlanDomain.values[1],
        "wat": HOSTILE,
        "wie": f"user:{PEOPLE[0].uuid}",
        "naam": HOSTILE,
        "uiterlijk": dt.date(2027, 1, 15),
        "status": PlanTaskStatus.values[-1],
        "taak": uuid.UUID(int=99),
        "versie": 3,
    }
    built: list[forms.Form] = []
    for group in (GOALS, AGREEMENTS):
        keys = _keys(group)
        built += [
            SectionsForm(
                group=group,
                keys=keys,
                initial=_section_values(group, valid=True),
                renderer=renderer,
            ),
            SectionsForm(group=group, keys=keys[1:], initial={"versie": 0}, renderer=renderer),
            SectionsForm(
                _section_values(group, valid=False), group=group, keys=keys, renderer=renderer
            ),
        ]
    built += [
        TaskForm(auto_id="nieuw_%s", initial={"domein": PlanDomain.values[0], "versie": 3}, **task),
        TaskForm(full=True, auto_id="taak_%s", initial=full_initial, **task),
        TaskForm({"wat": "", "wie": "org:onbekend", "versie": "x"}, auto_id="nieuw_%s", **task),
        TaskForm(
            {**full_initial, "uiterlijk": "morgen", "wie": f"org:{ORGANISATIONS[1].uuid}"},
            full=True,
            auto_id="taak_%s",
            **task,
        ),
        EstablishForm(initial={"toelichting": HOSTILE, "versie": 3}, renderer=renderer),
        EstablishForm({"toelichting": "x" * 5000}, renderer=renderer),
        AdviceForm(initial={"advies": HOSTILE, "versie": 3}, renderer=renderer),
        AdviceForm({"advies": "", "versie": "3"}, renderer=renderer),
    ]
    return built


@pytest.mark.django_db
def test_every_plan_form_is_the_same_bytes_as_with_the_templates() -> None:
    quick_renderer = WatchedQuickRenderer()
    quick = [str(form) for form in _forms(quick_renderer)]
    templates = [str(form) for form in _forms(UtrechtFormRenderer())]

    for index, (mine, theirs) in enumerate(zip(quick, templates, strict=True)):
        assert mine == theirs, index
    assert not {t for t in quick_renderer.loaded if t.startswith("django/forms/widgets/")}
    everything = "".join(quick)
    # What the comparison covers: escaped text, grouped choices, every kind of input, errors.
    assert "&lt;Fatima&gt; &amp; &quot;familie&quot;" in everything
    assert '<optgroup label="PI &lt;Vught&gt;">' in everything
    for kind in ("number", "date", "hidden", "text"):
        assert f'type="{kind}"' in everything
    assert "<textarea" in everything and "<select" in everything
    assert "ns-error-summary" in everything


def test_the_plan_forms_use_the_quick_renderer_by_default() -> None:
    for form_class in (SectionsForm, TaskForm, EstablishForm, AdviceForm):
        assert isinstance(form_class.default_renderer, QuickUtrechtFormRenderer)
