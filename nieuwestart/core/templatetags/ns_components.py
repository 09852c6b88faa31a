"""Status icons and badges built in Python: `{% load ns_components %}`.

The work lists show a status badge with an icon for every basic condition of every row (30
cases of 6 domains: 180 badges); as template includes, with a context pushed per include, that
was a large part of the page's rendering time. These tags build the same bytes as
`components/icon.html`, `components/status_badge.html` and `screening/_status_row.html` did
(those templates are gone; `core/tests/test_components.py` checks the output). Each ends
with a line break, as the included templates did: browsers show it as a space.

Each status has its own shape (circle with tick, triangle, octagon, open circle with a
question mark), so status is never told by colour alone; the icon is hidden from screen
readers, because the text next to it carries the meaning.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

TICK = (
    '<svg viewBox="0 0 24 24" focusable="false">'
    '<circle cx="12" cy="12" r="11" fill="currentColor"/>'
    '<path d="M6.5 12.5l3.5 3.5 7.5-7.5" fill="none" stroke="#fff" stroke-width="2.5"'
    ' stroke-linecap="round" stroke-linejoin="round"/>'
    "</svg>"
)

TRIANGLE = (
    '<svg viewBox="0 0 24 24" focusable="false">'
    '<path d="M12 1.5c.6 0 1.1.3 1.4.8l10 17.5c.6 1.1-.2 2.4-1.4 2.4H2c-1.2'
    ' 0-2-1.3-1.4-2.4l10-17.5c.3-.5.8-.8 1.4-.8z" fill="currentColor"/>'
    '<path d="M12 8.5v6" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/>'
    '<circle cx="12" cy="18.2" r="1.5" fill="#fff"/>'
    "</svg>"
)

OCTAGON = (
    '<svg viewBox="0 0 24 24" focusable="false">'
    '<path d="M7.4 1h9.2L23 7.4v9.2L16.6 23H7.4L1 16.6V7.4z" fill="currentColor"/>'
    '<path d="M12 6v7.5" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/>'
    '<circle cx="12" cy="17.5" r="1.5" fill="#fff"/>'
    "</svg>"
)

INFO = (
    '<svg viewBox="0 0 24 24" focusable="false">'
    '<circle cx="12" cy="12" r="11" fill="currentColor"/>'
    '<path d="M12 10.5v7" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/>'
    '<circle cx="12" cy="6.8" r="1.5" fill="#fff"/>'
    "</svg>"
)

QUESTION = (
    '<svg viewBox="0 0 24 24" focusable="false">'
    '<circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2"'
    ' stroke-dasharray="3.2 2.1"/>'
    '<path d="M9.2 9.3a2.9 2.9 0 1 1 4.1 2.6c-.8.4-1.3 1-1.3 1.9v.7" fill="none"'
    ' stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>'
    '<circle cx="12" cy="17.6" r="1.4" fill="currentColor"/>'
    "</svg>"
)

_SHAPES = {
    "in-orde": TICK,
    "ok": TICK,
    "success": TICK,
    "aandacht": TRIANGLE,
    "warning": TRIANGLE,
    "hulp-nodig": OCTAGON,
    "error": OCTAGON,
    "info": INFO,
}
_WRAP = '<span class="utrecht-icon ns-icon" aria-hidden="true">{}</span>\n'
_ICONS = {
    name: mark_safe(_WRAP.format(svg))  # noqa: S308  # nosec B308 B703  # constant markup
    for name, svg in (*_SHAPES.items(), ("", QUESTION))
}


def icon_html(name: Any) -> SafeString:
    """The decorative icon of a status or message level; unknown names get the question mark."""
    return _ICONS.get(str(name), _ICONS[""])


def _status_label(code: str) -> str:
    if code == "in-orde":
        return gettext("In orde")
    if code == "aandacht":
        return gettext("Aandacht nodig")
    if code == "hulp-nodig":
        return gettext("Hulp nodig")
    return gettext("Onbekend")


def status_badge_html(status: Any, label: Any = "") -> SafeString:
    """A status as a small badge: icon and text, never colour alone. Without `label` the
    standard Dutch text of the status."""
    code = conditional_escape(status or "onbekend")
    return format_html(
        '<span class="utrecht-status-badge ns-status-badge ns-status-badge--{}">{}'
        '<span class="ns-status-badge__label">{}</span></span>\n',
        code,
        icon_html(code),
        label if label else _status_label(code),
    )


def status_row_html(board: Iterable[Any]) -> SafeString:
    """The condensed status board of one work-list row: per domain a badge with its icon and
    short name; the status in words for screen readers and as a tooltip.

    The same row comes back often (six domains, four statuses each, in one language), so each
    is built once per process: the key holds every text that goes into it and the language
    of the one text it translates itself."""
    key = tuple((i.status, i.label, i.status_label, i.short_label) for i in board)
    return _status_row(get_language(), key)


@functools.lru_cache(maxsize=2048)
def _status_row(language: str | None, items: tuple[tuple[str, str, str, str], ...]) -> SafeString:
    last = len(items) - 1
    badges = (
        (
            status,
            label,
            status_label,
            icon_html(conditional_escape(status)),
            short_label,
            status_label,
            "" if index == last else ";",
            "" if index == last else " ",
        )
        for index, (status, label, status_label, short_label) in enumerate(items)
    )
    return format_html(
        '<span class="ns-status-row"><span class="ns-visually-hidden">{} </span>{}</span>\n',
        gettext("Basisvoorwaarden:"),
        format_html_join(
            "",
            '<span class="utrecht-status-badge ns-status-badge ns-status-badge--{}" '
            'title="{}: {}">{}<span class="ns-status-badge__label">{}'
            '<span class="ns-visually-hidden">: {}{}</span></span></span>{}',
            badges,
        ),
    )


@register.simple_tag
def icon(name: Any) -> SafeString:
    return icon_html(name)


@register.simple_tag
def status_badge(status: Any, label: Any = "") -> SafeString:
    return status_badge_html(status, label)


@register.simple_tag
def status_row(board: Iterable[Any]) -> SafeString:
    return status_row_html(board)
