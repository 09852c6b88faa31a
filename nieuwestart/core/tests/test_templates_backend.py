"""A page's objects are freed when the page is rendered (core/templates_backend.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.backends.django import Template as DjangoBackendTemplate
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from nieuwestart.core.templates_backend import Template


class Row:
    """Stands for what a page shows: a model instance, a row of a list."""

    def __str__(self) -> str:
        return "een rij"


@pytest.fixture
def collector_off() -> Iterator[None]:
    """Only reference counting frees objects while the test looks."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


def _render(template_class: type, request_factory: RequestFactory) -> tuple[str, weakref.ref]:
    request = request_factory.get("/")
    request.user = AnonymousUser()
    backend = engines["django"]
    template = template_class(backend.engine.from_string("<p>{{ row }}</p>"), backend)
    row = Row()
    html = template.render({"row": row}, request)
    return html, weakref.ref(row)


@pytest.mark.usefixtures("collector_off")
def test_a_rendered_pages_objects_are_freed_at_once(rf: RequestFactory) -> None:
    html, row = _render(Template, rf)
    assert html == "<p>een rij</p>"
    assert row() is None


@pytest.mark.usefixtures("collector_off")
def test_djangos_own_backend_keeps_them_for_the_collector(rf: RequestFactory) -> None:
    """Why the backend exists: with Django's, the context's cycle keeps the page's objects."""
    html, row = _render(DjangoBackendTemplate, rf)
    assert html == "<p>een rij</p>"
    assert row() is not None
    gc.collect()
    assert row() is None


class NameForm(forms.Form):
    name = forms.CharField(label="Naam")


@pytest.mark.usefixtures("collector_off")
def test_a_rendered_forms_bound_fields_are_let_go(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    form, other = NameForm(), NameForm(prefix="b")
    html = engines["django"].from_string(
        "{{ form.name }}{% for f in forms %}{{ f.name }}{% endfor %}"
    )
    rendered = html.render({"form": form, "forms": [other]}, request)
    assert rendered.count('name="name"') == 1 and rendered.count('name="b-name"') == 1
    # A form and its bound fields point at each other; the cache is emptied, not the form.
    assert form._bound_fields_cache == {} and other._bound_fields_cache == {}
    assert form["name"].html_name == "name"


def test_lazy_values_the_page_did_not_use_stay_unevaluated(rf: RequestFactory) -> None:
    """Looking for forms must not evaluate a lazy value the page itself never read, such as the
    CSRF token (evaluating it would send a new cookie)."""
    request = rf.get("/")
    request.user = AnonymousUser()
    unused = SimpleLazyObject(lambda: pytest.fail("a lazy value was evaluated"))
    html = engines["django"].from_string("<p>{{ row }}</p>")
    assert html.render({"row": Row(), "unused": unused}, request) == "<p>een rij</p>"
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in request.META


def test_the_project_renders_through_it() -> None:
    assert isinstance(engines["django"].from_string(""), Template)
    assert isinstance(engines["django"].get_template("base.html"), Template)


@pytest.mark.django_db
def test_tests_still_see_the_context_of_a_page(client, django_user_model) -> None:
    """The test client keeps copies of the contexts, which the backend leaves alone."""
    response = client.get("/account/inloggen")
    assert response.status_code == 200
    assert "form" in response.context
