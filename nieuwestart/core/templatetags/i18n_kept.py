"""Django's `i18n` template library, with `{% translate "text" %}` remembered per language.

A page says most of its words through `{% translate %}` with a constant text: the trajectory
page about 85 times. Django looks each one up in the catalogue again on every render (about
7 microseconds each: 0.6 ms of the trajectory page). Such a text's output depends only on the
active language and on whether the context escapes, so each tag keeps it per (language,
autoescape) after its first render. Tags with a variable, a filter or a variable message
context are left as Django made them. Everything else in the library (`blocktranslate`,
`get_current_language`, the filters) is Django's own.

The settings load this library under the name `i18n` (TEMPLATES' `libraries`), so templates
keep `{% load i18n %}`. Compiled templates are cached per process (the cached loader), and
a catalogue does not change while a process runs. Test: core/tests/test_i18n_kept.py.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token, Variable
from django.template.context import Context
from django.templatetags import i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


def _constant(expression: FilterExpression | None) -> bool:
    """A literal text without filters (or no expression at all)."""
    return expression is None or (
        not expression.filters
        and isinstance(expression.var, Variable)
        and expression.var.literal is not None
    )


class KeptTranslateNode(i18n.TranslateNode):
    """A `{% translate %}` of a constant text: rendered once per language and escaping."""

    kept: dict[tuple[str | None, bool], Any]

    def render(self, context: Context) -> str:
        key = (get_language(), context.autoescape)
        value = self.kept.get(key)
        if value is None:
            rendered = super().render(context)
            value = context[self.asvar] if self.asvar else rendered
            self.kept[key] = value
            return rendered
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> i18n.TranslateNode:
    node = i18n.do_translate(parser, token)
    if _constant(node.filter_expression) and _constant(node.message_context):
        node.__class__ = KeptTranslateNode
        node.kept = {}  # type: ignore[attr-defined]
    return node
