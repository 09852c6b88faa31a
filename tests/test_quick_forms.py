"""The filter and preference forms on the busiest pages (work list, notifications, dashboard)
build their fields in Python (`core.forms.QuickUtrechtFormRenderer`): the same bytes as the
templates, also with errors and in English, so nothing a user sees or a screen reader reads
changes with the speed-up."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from nieuwestart.core.forms import QuickUtrechtFormRenderer, UtrechtFormRenderer
from nieuwestart.indicators.forms import FilterForm
from nieuwestart.notify.forms import PreferenceForm
from nieuwestart.trajectories.forms import WorklistFilterForm

pytestmark = pytest.mark.django_db

# (form, data or None for an unbound form, whether the data has errors)
CASES = [
    (WorklistFilterForm, None, False),
    (WorklistFilterForm, {"fase": "plan", "mijn": "on", "zoek": "de <Vries>"}, False),
    (WorklistFilterForm, {"fase": "geen-fase", "zoek": "a" * 101}, True),
    (PreferenceForm, None, False),
    (PreferenceForm, {}, True),
    (PreferenceForm, {"digest": "elk-uur"}, True),
    (FilterForm, None, False),
    (
        FilterForm,
        {"van": "2026-01", "tot": "2026-06", "per": "kwartaal", "gemeente": "GM0153"},
        False,
    ),
    (FilterForm, {"van": "januari", "inrichting": "PI-NERGENS", "lvb": "misschien"}, True),
]


def _render(form_class: type, data: dict[str, str] | None, renderer: Any) -> str:
    form = (
        form_class(data, renderer=renderer) if data is not None else form_class(renderer=renderer)
    )
    if data is not None:
        form.is_valid()
    return str(form)


@pytest.mark.usefixtures("reference_data")
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("form_class", "data", "invalid"), CASES)
def test_the_fields_are_the_bytes_the_templates_built(
    language: str, form_class: type, data: dict[str, str] | None, invalid: bool
) -> None:
    assert form_class.default_renderer.__class__ is QuickUtrechtFormRenderer
    with translation.override(language):
        quick = _render(form_class, data, form_class.default_renderer)
        templates = _render(form_class, data, UtrechtFormRenderer())
    assert quick == templates
    # Errors show at their field, marked for assistive technology.
    assert ("utrecht-form-field--invalid" in quick) is invalid
    assert ('aria-invalid="true"' in quick) is invalid
