"""Django's template backend, with a page's context let go of as soon as it is rendered.

A `RequestContext` and its `ContextDict`s point at each other (Django adds a `ContextDict` for
the view's context and one for the context processors, and each keeps its context), so the
context, and with it everything the page showed (querysets, model instances, the rows of a
list), is a reference cycle that only Python's cyclic collector frees, later. Emptying the
context's stack once the page is rendered breaks the cycle: reference counting frees the page's
objects at once, and the collector has that much less to walk (decision 0020,
docs/benchmarks.md).

Measured on the demo data (objects left in cycles per request, through Django's WSGI handler):
the work list `/` 679 to 84, the trajectory page 191 to 50, the notifications page 419 to 80.
A form and its bound fields point at each other too: the bound-field cache of every form in the
context (or in a list there) is emptied as well (the screening form 902 to 56, the plan page 414
to 59). It is a cache: a form read again builds its bound fields anew.

Nothing reads a context after its template is rendered: the backend makes it for one render.
The test client keeps its own copies of the contexts (`response.context`), which this leaves
alone. Test: core/tests/test_templates_backend.py.
"""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates as DjangoBackend
from django.template.backends.django import Template as DjangoBackendTemplate
from django.template.backends.django import reraise
from django.template.context import make_context
from django.utils.safestring import SafeString


def _release_forms(value: Any) -> None:
    """Empty the bound-field cache of a form in the context (or in a list there): a form and its
    bound fields point at each other. A cache only: a form read again builds them anew.

    Types are read with type(), not isinstance(): isinstance() asks a lazy value (the CSRF
    token, a lazy user) for its __class__, which would evaluate it."""
    forms = value if type(value) in (list, tuple) else (value,)
    for form in forms:
        if issubclass(type(form), BaseForm):
            form._bound_fields_cache.clear()


class Template(DjangoBackendTemplate):
    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> SafeString:
        made = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(made)
        except TemplateDoesNotExist as exc:
            reraise(exc, self.backend)
            raise  # reraise always raises; this line only tells the type checker
        finally:
            for layer in made.dicts:
                for value in layer.values():
                    _release_forms(value)
            made.dicts.clear()


# Libraries the settings deliberately load in place of Django's own under the same name
# (TEMPLATES' `libraries`): Django's check warns about any library name used twice
# (templates.W003); this one replacement is meant, every other double name still warns.
REPLACED_LIBRARIES = {"i18n": "nieuwestart.core.templatetags.i18n_kept"}


class DjangoTemplates(DjangoBackend):
    """settings.TEMPLATES' backend: Django's, with the Template above."""

    def check(self, **kwargs: Any) -> list[Any]:
        return [
            message
            for message in super().check(**kwargs)
            if not (
                message.id == "templates.W003"
                and any(
                    message.msg.startswith(f"{name!r} is used for multiple")
                    and self.engine.libraries.get(name) == module
                    for name, module in REPLACED_LIBRARIES.items()
                )
            )
        ]

    def from_string(self, template_code: str) -> Template:
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name: str) -> Template:
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)
            raise
