"""Access-matrix rows of meetings (imported by tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). "{id}" is the shared trajectory of conftest.py.
All three partners plan meetings and record them (`Action.MEETING_EDIT` = every case role of
the PI, probation, the municipality and its safety house), so Alice, Mia, Bob and Carol may
read and plan. Organisations that are not involved, the privacy officer, the system account
and the administrator get 404; anonymous 401 (API) or a redirect to the login page (web).

Routes of one meeting (`overleggen/<uuid:overleg_id>` and below) need a meeting first; every
persona is tested on them in test_meeting_access.py. They are listed in `NOT_IN_MATRIX` below
for tests/test_access_matrix.py.
"""

from __future__ import annotations

from typing import Any

INVOLVED = ("alice", "mia", "bob", "carol")
NOT_INVOLVED = {"dave": 404, "priya": 404, "justid": 404, "admin_user": 404}


def _row(anonymous: int, involved: int) -> dict[str, int]:
    return {"anonymous": anonymous, **dict.fromkeys(INVOLVED, involved), **NOT_INVOLVED}


# A meeting with only the detainee and a free agenda item: valid for every involved persona.
PLAN_BODY = {
    "soort": "trajectoverleg",
    "aanvang": "2026-12-01T10:00:00+01:00",
    "locatie": "PI Almelo, spreekkamer 2",
    "deelnemers": [{"soort": "gedetineerde"}],
    "agenda": [{"bron": "vrij", "onderwerp": "Voortgang van het plan"}],
}

API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/trajecten/{id}/overleggen", _row(401, 200), None),
    ("post", "/api/v1/trajecten/{id}/overleggen", _row(401, 201), PLAN_BODY),
    ("get", "/api/v1/trajecten/{id}/overleggen/agendavoorstel", _row(401, 200), None),
]

# An empty plan form comes back with its errors (200).
WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/trajecten/{id}/overleggen", _row(302, 200), None),
    ("get", "/trajecten/{id}/overleggen/nieuw", _row(302, 200), None),
    ("post", "/trajecten/{id}/overleggen/nieuw", _row(302, 200), {"soort": "mdo"}),
]

# Need a meeting first; tested for every persona in test_meeting_access.py.
NOT_IN_MATRIX = {
    "api/v1/trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>",
    "api/v1/trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>/verslag",
    "api/v1/trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>/afgelasten",
    "trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>",
    "trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>/pakket",
    "trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>/pakket.pdf",
    "trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>/verslag",
    "trajecten/<uuid:traject_id>/overleggen/<uuid:overleg_id>/afgelasten",
}
