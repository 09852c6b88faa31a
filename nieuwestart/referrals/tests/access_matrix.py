"""Access matrix rows of referrals (tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). "{id}" is the shared trajectory of conftest.py.
Every involved case role reads and registers referrals (Action.REFERRAL_EDIT: PI casemanager
and mentor, probation officer, municipal aftercare coordinator); a registration answers 201
(API) or redirects back to the trajectory (web, 302). Organisations that are not involved, the
privacy officer, the system account and the administrator get 404.

The routes of one referral (`verwijzingen/<uuid:verwijzing_id>`, web and API) need a referral
first; every persona is tested in test_referral_access.py.
"""

from __future__ import annotations

from typing import Any

NOT_INVOLVED = {"dave": 404, "priya": 404, "justid": 404, "admin_user": 404}
INVOLVED = ("alice", "mia", "bob", "carol")

HOUSING_API = {
    "soort": "begeleid-wonen",
    "aanbieder": "Stichting Domus Twente",
    "aangemeldOp": "2026-11-02",  # the shared trajectory's start date
}
HOUSING_WEB = {
    "soort": "begeleid-wonen",
    "aanbieder": "Stichting Domus Twente",
    "aangemeldOp": "2026-11-02",  # the shared trajectory's start date
    "status": "aangemeld",
}


def _row(anonymous: int, involved: int) -> dict[str, int]:
    return {"anonymous": anonymous, **dict.fromkeys(INVOLVED, involved), **NOT_INVOLVED}


API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/trajecten/{id}/verwijzingen", _row(401, 200), None),
    ("post", "/api/v1/trajecten/{id}/verwijzingen", _row(401, 201), HOUSING_API),
]
WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/trajecten/{id}/verwijzingen/nieuw", _row(302, 200), None),
    ("post", "/trajecten/{id}/verwijzingen/nieuw", _row(302, 302), HOUSING_WEB),
]

# Need a referral first; every persona is tested on them in test_referral_access.py.
NOT_IN_MATRIX = {
    "trajecten/<uuid:traject_id>/verwijzingen/<uuid:verwijzing_id>",
    "api/v1/trajecten/<uuid:traject_id>/verwijzingen/<uuid:verwijzing_id>",
}
