"""Access matrix rows of indicators (tests/test_access_matrix.py).

Only management (`mt`: management of PI Almelo, its own organisation) and the chain-wide role
(`keten`) see the indicators; every persona of the shared matrix (case workers, privacy
officer, system account, administrator) gets 403, anonymous 401 (API) or a redirect to the
login page (web). `mt` and `keten` are not personas of tests/test_access_matrix.py yet; their
rows are checked by test_matrix_roles.py in this app.
"""

from __future__ import annotations

from typing import Any

CASE_AND_OTHER = ("alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user")


def _row(anonymous: int) -> dict[str, int]:
    return {"anonymous": anonymous, **dict.fromkeys(CASE_AND_OTHER, 403), "mt": 200, "keten": 200}


API_MATRIX: list[tuple[Any, ...]] = [
    ("get", "/api/v1/indicatoren", _row(401)),
]
WEB_MATRIX: list[tuple[Any, ...]] = [
    ("get", "/indicatoren/", _row(302)),
    ("get", "/indicatoren/export.csv", _row(302)),
    ("get", "/indicatoren/export.xlsx", _row(302)),
]
