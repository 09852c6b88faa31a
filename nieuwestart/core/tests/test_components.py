"""Status icons, badges and the work list's status row (core/templatetags/ns_components.py).

What a user needs from them: each status has its own shape, so it is never told by colour
alone; the icon is hidden from screen readers and the status is there in words; names and
labels typed by people are escaped; the texts follow the user's language.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from nieuwestart.core.templatetags.ns_components import icon_html, status_badge_html

STATUSES = ("in-orde", "aandacht", "hulp-nodig", "onbekend")


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load ns_components %}" + source).render(context)


def _shape(html: str) -> str:
    return re.search(r"<svg.*?</svg>", html, re.S).group(0)


def test_every_status_has_its_own_shape_hidden_from_screen_readers():
    shapes = {status: _shape(icon_html(status)) for status in STATUSES}
    assert len(set(shapes.values())) == 4
    for status in STATUSES:
        html = icon_html(status)
        assert html.startswith('<span class="utrecht-icon ns-icon" aria-hidden="true">')
        assert 'focusable="false"' in html


def test_message_levels_share_the_shapes_and_anything_else_is_the_question_mark():
    assert _shape(icon_html("success")) == _shape(icon_html("in-orde"))
    assert _shape(icon_html("warning")) == _shape(icon_html("aandacht"))
    assert _shape(icon_html("error")) == _shape(icon_html("hulp-nodig"))
    for unknown in ("", None, "debug", "<script>"):
        assert icon_html(unknown) == icon_html("onbekend")


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("in-orde", "In orde"),
        ("aandacht", "Aandacht nodig"),
        ("hulp-nodig", "Hulp nodig"),
        ("onbekend", "Onbekend"),
        ("", "Onbekend"),
    ],
)
def test_a_badge_says_its_status_in_words(status, text):
    html = _render("{% status_badge status %}", status=status)
    assert f'ns-status-badge--{status or "onbekend"}"' in html
    assert f'<span class="ns-status-badge__label">{text}</span>' in html
    assert _shape(html) == _shape(icon_html(status or "onbekend"))


def test_a_badge_label_is_escaped_and_in_the_users_language():
    html = _render("{% status_badge 'aandacht' label %}", label="Schulden <b>& huur</b>")
    assert "Schulden &lt;b&gt;&amp; huur&lt;/b&gt;" in html
    with translation.override("en"):
        assert ">Needs help</span>" in status_badge_html("hulp-nodig")


def test_the_status_row_names_each_domain_and_its_status_for_screen_readers():
    board = [
        SimpleNamespace(
            status=status,
            label=f"Domein {i} <&>",
            status_label=label,
            short_label=f"D{i}",
        )
        for i, (status, label) in enumerate([("in-orde", "In orde"), ("hulp-nodig", "Hulp nodig")])
    ]
    html = _render("{% status_row board %}", board=board)
    assert html.startswith(
        '<span class="ns-status-row"><span class="ns-visually-hidden">Basisvoorwaarden: </span>'
    )
    assert html.count("ns-status-badge--") == 2
    assert 'title="Domein 0 &lt;&amp;&gt;: In orde"' in html
    # Separated for a screen reader, the last one without a separator.
    assert '>D0<span class="ns-visually-hidden">: In orde;</span>' in html
    assert '>D1<span class="ns-visually-hidden">: Hulp nodig</span>' in html
    assert _render("{% status_row board %}", board=[]).count("ns-status-badge") == 0


def test_a_status_row_built_once_is_still_in_the_readers_language():
    """Rows are remembered per process (the same six statuses come back on every page): a
    row remembered in Dutch is not given to an English reader, nor the other way round."""
    board = [SimpleNamespace(status="aandacht", label="Wonen", status_label="x", short_label="W")]
    dutch = _render("{% status_row board %}", board=board)
    with translation.override("en"):
        english = _render("{% status_row board %}", board=board)
    assert "Basisvoorwaarden: " in dutch and "Basisvoorwaarden" not in english
    assert _render("{% status_row board %}", board=board) == dutch
    other = [SimpleNamespace(status="in-orde", label="Wonen", status_label="y", short_label="W")]
    assert "ns-status-badge--in-orde" in _render("{% status_row board %}", board=other)
