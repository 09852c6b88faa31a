"""Access-matrix rows for the D&R-plan, imported by tests/test_access_matrix.py.

Rows: (method, url, {persona: status}, body). "{id}" is the shared trajectory of conftest.py,
which has no plan yet (version 0). Rules: not signed in 401 (API) or a redirect to the login
page (web); not involved (dave) or not in a case role (priya, justid, admin_user) 404; involved
but not allowed 403. Web saves that succeed redirect back to the plan (302).

Covered in plans/tests/test_plan_access.py instead, because they need a task or a version:
  api/v1/trajecten/<uuid:traject_id>/plan/taken/<uuid:taak_id>
  api/v1/trajecten/<uuid:traject_id>/plan/versies/<int:nummer>
  trajecten/<uuid:traject_id>/plan/versies/<int:number>
"""

from __future__ import annotations

from typing import Any

PERSONAS = ["anonymous", "alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user"]
HIDDEN = {"dave": 404, "priya": 404, "justid": 404, "admin_user": 404}


def _row(anonymous: int, alice: int, mia: int, bob: int, carol: int) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "alice": alice,
        "mia": mia,
        "bob": bob,
        "carol": carol,
        **HIDDEN,
    }


API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/trajecten/{id}/plan", _row(401, 200, 200, 200, 200), None),
    # Everyone involved records the agreements of the joint meeting.
    (
        "patch",
        "/api/v1/trajecten/{id}/plan",
        _row(401, 200, 200, 200, 200),
        {"versie": 0, "afspraken": "Gemeente regelt de ID-kaart."},
    ),
    (
        "post",
        "/api/v1/trajecten/{id}/plan/taken",
        _row(401, 201, 201, 201, 201),
        {"versie": 0, "domein": "identiteit", "wat": "ID-kaart aanvragen", "doetPersoonZelf": True},
    ),
    # Only the PI establishes. Alice is allowed, but this plan has no meeting frequency yet: 400.
    (
        "post",
        "/api/v1/trajecten/{id}/plan/vaststellen",
        _row(401, 400, 403, 403, 403),
        {"versie": 0},
    ),
    ("get", "/api/v1/trajecten/{id}/plan/versies", _row(401, 200, 200, 200, 200), None),
    (
        "put",
        "/api/v1/trajecten/{id}/plan/reclasseringsadvies",
        _row(401, 403, 403, 200, 403),
        {"versie": 0, "advies": "Toezicht na vrijlating is nodig."},
    ),
]

WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/trajecten/{id}/plan", _row(302, 200, 200, 200, 200), None),
    (
        "post",
        "/trajecten/{id}/plan",
        _row(302, 302, 302, 302, 302),
        {"actie": "afspraken", "versie": "0", "afspraken": "Gemeente regelt de ID-kaart."},
    ),
    ("get", "/trajecten/{id}/plan/vaststellen", _row(302, 200, 403, 403, 403), None),
    # Alice may establish; without a meeting frequency the page says why not (200).
    ("post", "/trajecten/{id}/plan/vaststellen", _row(302, 200, 403, 403, 403), {"versie": "0"}),
    (
        "post",
        "/trajecten/{id}/plan/advies",
        _row(302, 403, 403, 302, 403),
        {"versie": "0", "advies": "Toezicht na vrijlating is nodig."},
    ),
    ("get", "/trajecten/{id}/plan/versies", _row(302, 200, 200, 200, 200), None),
]
