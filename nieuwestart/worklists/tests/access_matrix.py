"""Access-matrix rows of the work lists (imported by tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). Everybody who works in case files gets a work
list (an uninvolved municipality an empty one); the privacy officer, the system account and the
administrator get 403. The inbox is for municipalities only; the waiting lists are for every case role. "Oppakken" is for the involved
municipality's coordinator (Carol, who already has the shared trajectory: redirect back);
other involved partners 403; the uninvolved and non-case roles 404.
"""

from __future__ import annotations

from typing import Any

CASE = dict.fromkeys(("alice", "mia", "bob", "carol", "dave"), 200)
NON_CASE = dict.fromkeys(("priya", "justid", "admin_user"), 403)

API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/werklijst", {"anonymous": 401, **CASE, **NON_CASE}, None),
    ("get", "/api/v1/werklijst/wachtlijsten", {"anonymous": 401, **CASE, **NON_CASE}, None),
    (
        "get",
        "/api/v1/werklijst/nieuw",
        {
            "anonymous": 401,
            **dict.fromkeys(("alice", "mia", "bob"), 403),
            "carol": 200,
            "dave": 200,
            **NON_CASE,
        },
        None,
    ),
]

WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/werk/", {"anonymous": 302, **CASE, **NON_CASE}, None),
    (
        "post",
        "/werk/nieuw/{id}/oppakken",
        {
            "anonymous": 302,
            **dict.fromkeys(("alice", "mia", "bob"), 403),
            "carol": 302,
            **dict.fromkeys(("dave", "priya", "justid", "admin_user"), 404),
        },
        None,
    ),
]
