"""The trajectory page's deadline rows built in Python (deadlines/templatetags/ns_deadlines.py)
are the same bytes the template loop built: what users see and screen readers read does not
change with the speed-up. Labels and names stay escaped; dates and counts follow the
language, with singular and plural."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

from nieuwestart.deadlines import rules
from nieuwestart.deadlines.selectors import DeadlineView
from nieuwestart.deadlines.templatetags.ns_deadlines import deadline_rows

# The template loop as it was before `deadline_rows`, kept as the reference.
REFERENCE = (Path(__file__).parent / "deadline_rows_reference.html").read_text()


def _view(n: int, status: str, **overrides: object) -> DeadlineView:
    values: dict[str, object] = {
        "code": f"code-{n}",
        "label": f"Termijn {n} <&>",
        "due": dt.date(2026, 1 + n % 12, 1 + n),
        "status": status,
        "status_label": {rules.MET: "Gehaald", rules.LATE: "Te laat"}.get(status, "Open"),
        "met_on": None,
        "met_by": "",
        "explanation": f'Uitleg {n}: "binnen" 5 werkdagen & <snel>',
        "responsible": rules.PRISON,
        "responsible_label": "Inrichting",
        "days_left": None,
    }
    values.update(overrides)
    return DeadlineView(**values)  # type: ignore[arg-type]


VIEWS = [
    _view(0, rules.MET, met_on=dt.date(2026, 11, 3), met_by="Anna de Vries"),
    _view(1, rules.MET, met_on=dt.date(2026, 12, 31), met_by="O'Brien & <Zoon>"),
    _view(2, rules.MET, met_on=dt.date(2026, 5, 9)),
    _view(3, rules.MET),
    _view(4, rules.LATE, days_left=-1),
    _view(5, rules.LATE, days_left=-12),
    _view(6, rules.OPEN, days_left=0),
    _view(7, rules.OPEN, days_left=1),
    _view(8, rules.OPEN, days_left=15, responsible_label="Gemeente"),
    _view(9, rules.OPEN),
    _view(10, rules.OPEN, due=dt.date(999, 3, 4), days_left=2),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_bytes_the_template_loop_built(language):
    with translation.override(language):
        expected = engines["django"].from_string(REFERENCE).render({"deadlines": VIEWS})
        built = deadline_rows(VIEWS)

    assert built == expected


def test_names_are_escaped_and_no_deadlines_no_rows():
    html = deadline_rows(VIEWS)

    assert "<Zoon>" not in html and "O&#x27;Brien &amp; &lt;Zoon&gt;" in html
    assert "Termijn 0 &lt;&amp;&gt;" in html
    assert "1 werkdag te laat" in html and "12 werkdagen te laat" in html
    assert "nog 1 werkdag<" in html and "nog 15 werkdagen" in html
    assert html.count('<tr class="utrecht-table__row">') == len(VIEWS)
    assert deadline_rows([]) == ""
