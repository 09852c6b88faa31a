"""Access-matrix rows of the information sheet and "Mijn plan" (imported by
tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). "{id}" is the shared trajectory of conftest.py.
Everyone involved in a case role reads the sheet and "Mijn plan" (PI casemanager and mentor,
probation officer, municipal aftercare coordinator). Only the PI's casemanager (or
staffunctionaris) sends the sheet; the mentor, probation and the municipality get 403.
Organisations that are not involved, the privacy officer, the system account and the
administrator get 404.

Routes with a version number (`informatieblad/<int:number>` and its `.pdf` and `ontvangen`, and
the API's `informatieblad/<int:nummer>` and `.../ontvangstbevestiging`) need a sent version
first; they are tested per persona in test_infosheet_versions.py.
"""

from __future__ import annotations

from typing import Any

NOT_INVOLVED = {"dave": 404, "priya": 404, "justid": 404, "admin_user": 404}


def _row(anonymous: int, alice: int, others_involved: int) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "alice": alice,
        **dict.fromkeys(("mia", "bob", "carol"), others_involved),
        **NOT_INVOLVED,
    }


API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/trajecten/{id}/informatieblad", _row(401, 200, 200), None),
    ("post", "/api/v1/trajecten/{id}/informatieblad/versturen", _row(401, 201, 403), None),
]

# Sending redirects back to the sheet (302), as does an anonymous request (to the login page).
WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/trajecten/{id}/informatieblad", _row(302, 200, 200), None),
    ("get", "/trajecten/{id}/informatieblad.pdf", _row(302, 200, 200), None),
    ("post", "/trajecten/{id}/informatieblad/versturen", _row(302, 302, 403), None),
    ("get", "/trajecten/{id}/mijn-plan", _row(302, 200, 200), None),
    ("get", "/trajecten/{id}/mijn-plan.pdf", _row(302, 200, 200), None),
]
