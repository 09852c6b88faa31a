"""Every form builds its fields and its error summary in Python (`core.forms.
QuickUtrechtFormRenderer`, the project's FORM_RENDERER): the same bytes as the templates, also
with errors and in English, so nothing a user sees or a screen reader reads changes with the
speed-up. The filter and preference forms of the busiest pages (work list, notifications,
dashboard) are checked with real input; every other form that needs no arguments empty and
sent empty."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils import translation

import nieuwestart
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


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in an app's forms.py."""
    found = []
    for path in sorted(Path(nieuwestart.__file__).parent.glob("*/forms.py")):
        module = importlib.import_module(f"nieuwestart.{path.parent.name}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


@pytest.mark.usefixtures("reference_data")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_form_that_needs_no_arguments_is_the_same_bytes_as_the_templates(
    language: str,
) -> None:
    """The quick renderer is the project's FORM_RENDERER: every form a page shows with `{{ form
    }}` goes through it. Each form that can be made without arguments (the others have their
    own tests: screening, plans) is compared empty and sent empty (the required fields' errors
    and the error summary)."""
    assert isinstance(get_default_renderer(), QuickUtrechtFormRenderer)
    compared = []
    for form_class in _project_forms():
        for data in (None, {}):
            with translation.override(language):
                try:
                    quick = _render(form_class, data, QuickUtrechtFormRenderer())
                except TypeError:
                    break  # it needs arguments
                templates = _render(form_class, data, UtrechtFormRenderer())
            assert quick == templates, (form_class, data)
            compared.append((form_class.__name__, "ns-error-summary" in quick))
    # About 16 forms today, 12 of which show the error summary when sent empty.
    assert len({name for name, _ in compared}) >= 15, compared
    assert sum(with_summary for _, with_summary in compared) >= 10, compared
