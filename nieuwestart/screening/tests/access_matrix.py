"""Access-matrix rows of the screening endpoints (imported by tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). "{id}" is the shared trajectory of conftest.py.
Everyone involved in a case role may read and edit the screening and add a contribution (PI
casemanager and mentor, probation officer, municipal aftercare coordinator); organisations that
are not involved, the privacy officer, the system account and the administrator get 404.
"""

from __future__ import annotations

from typing import Any

PERSONAS = ["anonymous", "alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user"]
NOT_INVOLVED = {"dave": 404, "priya": 404, "justid": 404, "admin_user": 404}


def _row(anonymous: int, involved: int) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        **dict.fromkeys(("alice", "mia", "bob", "carol"), involved),
        **NOT_INVOLVED,
    }


API_BODY: dict[str, Any] = {
    "versie": 0,
    "kenmerken": {"lvb": "ja"},
    "domeinen": {"huisvesting": {"status": "hulp-nodig", "hulpvraag": "Huur doorbetalen."}},
}
CONTRIBUTION = {"domein": "huisvesting", "tekst": "Staat ingeschreven bij Woonbedrijf."}

API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/trajecten/{id}/screening", _row(401, 200), None),
    ("put", "/api/v1/trajecten/{id}/screening", _row(401, 200), API_BODY),
    ("post", "/api/v1/trajecten/{id}/screening/bijdragen", _row(401, 201), CONTRIBUTION),
]

WEB_BODY = {
    "versie": "0",
    "lvb": "ja",
    "huisvesting__status": "hulp-nodig",
    "huisvesting__hulpvraag": "Huur doorbetalen.",
}

# A successful POST redirects back to the page (302), as does an anonymous one (to the login).
WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/trajecten/{id}/screening", _row(302, 200), None),
    ("post", "/trajecten/{id}/screening", _row(302, 302), WEB_BODY),
    ("post", "/trajecten/{id}/screening/bijdrage", _row(302, 302), CONTRIBUTION),
]
