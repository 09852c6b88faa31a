"""Access-matrix rows of the deadlines (imported by tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). Everyone involved in a case role reads the
deadlines (PI casemanager and mentor, probation officer, municipal aftercare coordinator).
Organisations that are not involved, the privacy officer, the system account and the
administrator get 404; anonymous 401.
"""

from __future__ import annotations

from typing import Any

API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    (
        "get",
        "/api/v1/trajecten/{id}/termijnen",
        {
            "anonymous": 401,
            **dict.fromkeys(("alice", "mia", "bob", "carol"), 200),
            **dict.fromkeys(("dave", "priya", "justid", "admin_user"), 404),
        },
        None,
    ),
]

WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = []
