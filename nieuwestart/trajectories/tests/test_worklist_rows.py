"""The work list's rows built in Python (trajectories/templatetags/ns_worklist.py) are the
same bytes the template loop built: what casemanagers see and screen readers read does not
change with the speed-up. Names typed by people stay escaped; texts follow the language."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from nieuwestart.trajectories.models import Phase, Trajectory
from nieuwestart.trajectories.templatetags.ns_worklist import worklist_rows

# The template loop as it was before `worklist_rows` (commit f0fba80), kept as the reference.
REFERENCE = (Path(__file__).parent / "worklist_rows_reference.html").read_text()

BOARD_STATUSES = ("in-orde", "aandacht", "hulp-nodig", "onbekend", "in-orde", "aandacht")


def _board(shift: int) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            status=BOARD_STATUSES[(i + shift) % 6],
            label=f"Domein {i} <&>",
            status_label=f"Status {i}",
            short_label=f"D{i}",
        )
        for i in range(6)
    ]


def _assignment(name: str | None) -> SimpleNamespace | None:
    return None if name is None else SimpleNamespace(user=SimpleNamespace(display_name=name))


def _row(index: int, phase: str = Phase.DETENTION, **overrides: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "phase": phase,
        "get_phase_display": Trajectory(phase=phase).get_phase_display,
        "uuid": uuid.UUID(int=index + 1),
        "person": SimpleNamespace(
            sort_name=f"Jansen, Piet {index}", birth_date=dt.date(1990, 1 + index % 12, 3)
        ),
        "status_board": _board(index),
        "end_date": None,
        "expected_end_date": dt.date(2027, 3, 1 + index),
        "prison": SimpleNamespace(name="PI Zwolle"),
        "return_municipality": SimpleNamespace(name="Súdwest-Fryslân"),
        "return_municipality_confirmed": True,
        "casemanager": _assignment("Anna de Vries"),
        "coordinator": _assignment("Bram Bakker"),
    }
    values.update(overrides)
    # The reference loop reads the assignments; `worklist_rows` the names the view sets.
    for role in ("casemanager", "coordinator"):
        assignment = values[role]
        values[f"{role}_name"] = None if assignment is None else assignment.user.display_name  # type: ignore[attr-defined]
    return SimpleNamespace(**values)


ROWS = [
    _row(0),
    _row(1, Phase.PLAN, end_date=dt.date(2026, 10, 31), return_municipality_confirmed=False),
    _row(2, Phase.INTAKE, expected_end_date=None, casemanager=None, coordinator=None),
    _row(
        3,
        Phase.AFTER_RELEASE,
        person=SimpleNamespace(sort_name='O\'Brien & <Zoon>, "Kees"', birth_date=None),
        prison=SimpleNamespace(name="PI <Vught> & co"),
        return_municipality=SimpleNamespace(name="'s-Hertogenbosch"),
        casemanager=_assignment("<script>alert(1)</script>"),
        coordinator=None,
    ),
    _row(
        4,
        "onbekend",
        casemanager=None,
        return_municipality_confirmed=False,
        end_date=dt.date(2026, 5, 2),
    ),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_bytes_the_template_loop_built(language):
    with translation.override(language):
        expected = engines["django"].from_string(REFERENCE).render({"rows": ROWS})
        built = worklist_rows(ROWS)

    assert built == expected


def test_names_typed_by_people_are_escaped_and_an_empty_list_has_no_rows():
    html = worklist_rows(ROWS)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "D&amp;R-plan opstellen" in html
    assert "O&#x27;Brien &amp; &lt;Zoon&gt;, &quot;Kees&quot;" in html
    assert html.count('<tr class="utrecht-table__row">') == len(ROWS)
    assert worklist_rows([]) == ""
