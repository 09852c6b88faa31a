"""Access matrix rows of handover (tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). "{id}" is the shared trajectory of conftest.py
(phase intake, casusregie PI Almelo). Everyone involved in a case role reads the handover and
confirms or corrects a condition (Action.HANDOVER_EDIT). Only the PI's casemanager (or
staffunctionaris) releases (Action.RELEASE): the mentor, probation and the municipality get 403.
Closing (Action.CLOSE) is for the PI casemanager, probation and the municipality, and then only
for the organisation that holds casusregie: the API answers 403 with the reason to probation
and the municipality here, the web page explains it (200). Organisations that are not
involved, the privacy officer, the system account and the administrator get 404.
"""

from __future__ import annotations

from typing import Any

NOT_INVOLVED = {"dave": 404, "priya": 404, "justid": 404, "admin_user": 404}


def _row(anonymous: int, alice: int, mia: int, bob: int, carol: int) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "alice": alice,
        "mia": mia,
        "bob": bob,
        "carol": carol,
        **NOT_INVOLVED,
    }


CHECK = {
    "stand": "geregeld",
    "toelichting": "Uitkering gaat in op de dag van vrijlating.",
    "lijstVersie": 0,
}
# No date: 400 for whoever may release, after the access check.
RELEASE = {"versie": 1}
# No reason: 400 for the case lead (alice); the others are refused first.
CLOSE = {"versie": 1}

API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/trajecten/{id}/overdracht", _row(401, 200, 200, 200, 200), None),
    (
        "put",
        "/api/v1/trajecten/{id}/overdracht/inkomen",
        _row(401, 200, 200, 200, 200),
        CHECK,
    ),
    ("post", "/api/v1/trajecten/{id}/vrijlating", _row(401, 400, 403, 403, 403), RELEASE),
    ("post", "/api/v1/trajecten/{id}/afsluiting", _row(401, 400, 403, 403, 403), CLOSE),
]

# An invalid POST re-renders its form (200); an anonymous request goes to the login page (302).
WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/trajecten/{id}/overdracht", _row(302, 200, 200, 200, 200), None),
    ("get", "/trajecten/{id}/overdracht/huisvesting", _row(302, 200, 200, 200, 200), None),
    ("post", "/trajecten/{id}/overdracht/huisvesting", _row(302, 200, 200, 200, 200), None),
    ("get", "/trajecten/{id}/vrijlaten", _row(302, 200, 403, 403, 403), None),
    ("post", "/trajecten/{id}/vrijlaten", _row(302, 200, 403, 403, 403), None),
    ("get", "/trajecten/{id}/afsluiten", _row(302, 200, 403, 200, 200), None),
    ("post", "/trajecten/{id}/afsluiten", _row(302, 200, 403, 200, 200), None),
]
