"""The notifications page's rows built in Python (notify/templatetags/ns_notify.py) are the
same bytes the template loop built: what users see and screen readers read does not change
with the speed-up. Titles, texts and names stay escaped; dates are local time, texts follow
the language."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, engines
from django.utils import translation

from nieuwestart.notify.templatetags.ns_notify import notification_rows

# The template loop as it was before `notification_rows`, kept as the reference.
REFERENCE = (Path(__file__).parent / "notification_rows_reference.html").read_text()
TOKEN = "tokenWith<&>"


def _row(index: int, **overrides: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "uuid": uuid.UUID(int=index + 1),
        "title": f"Termijn bijna verlopen {index}",
        "text": "Het D&R-plan moet over 3 werkdagen klaar zijn.",
        "link": f"/trajecten/{uuid.UUID(int=100 + index)}",
        "trajectory": SimpleNamespace(person=SimpleNamespace(sort_name=f"Jansen, Piet {index}")),
        "created_at": dt.datetime(2026, 11, 3 + index, 8, 5, tzinfo=dt.UTC),
        "read_at": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


ROWS = [
    _row(0),
    _row(1, read_at=dt.datetime(2026, 11, 5, 9, tzinfo=dt.UTC)),
    _row(2, trajectory=None, link="", text=""),
    _row(
        3,
        title='<script>alert("x")</script> & co',
        text="O'Brien & <Zoon>",
        trajectory=SimpleNamespace(person=SimpleNamespace(sort_name='O\'Brien & <Zoon>, "K"')),
        link='/trajecten/x?a=1&b="2"',
    ),
    # Summer time, a day later in Amsterdam than in UTC, with microseconds.
    _row(4, created_at=dt.datetime(2026, 7, 1, 22, 59, 9, 123456, tzinfo=dt.UTC)),
    # The night the clocks go forward.
    _row(5, created_at=dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), read_at=None),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("only_unread", [False, True])
def test_the_rows_are_the_bytes_the_template_loop_built(language: str, only_unread: bool) -> None:
    values = {"rows": ROWS, "only_unread": only_unread, "csrf_token": TOKEN}
    with translation.override(language):
        expected = engines["django"].from_string(REFERENCE).render(values)
        built = notification_rows(Context(values), ROWS, only_unread)

    assert built == expected


def test_typed_texts_are_escaped_and_each_unread_row_has_its_own_form() -> None:
    html = notification_rows(Context({"csrf_token": TOKEN}), ROWS, False)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert "O&#x27;Brien &amp; &lt;Zoon&gt;" in html
    assert html.count("<li ") == len(ROWS)
    assert html.count('name="csrfmiddlewaretoken"') == sum(1 for r in ROWS if r.read_at is None)
    assert "2 juli 2026, 00:59" in html  # Amsterdam summer time, not UTC
    assert notification_rows(Context({}), [], False) == ""
