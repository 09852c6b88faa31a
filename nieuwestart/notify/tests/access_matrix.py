"""Access-matrix rows of notify (imported by tests/test_access_matrix.py).

Rows: (method, url, {persona: status}, body). Everyone who works in case files has a
notifications page and API (an uninvolved municipality an empty one); the privacy officer, the
system account and the administrator get 403. Marking a notification that is not yours (here:
one that does not exist) is 404, exactly like one that does not exist.

`api/v1/berichten/<uuid:bericht_id>/gelezen` needs a notification of the user first; the row
below sends the shared trajectory's id, which is nobody's notification (404 for everyone in a
case role). Every persona with a real notification is tested in test_notify_access.py.
"""

from __future__ import annotations

from typing import Any

CASE = ("alice", "mia", "bob", "carol", "dave")
NON_CASE = dict.fromkeys(("priya", "justid", "admin_user"), 403)
NOBODYS = "00000000-0000-4000-8000-000000000000"

API_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/api/v1/berichten", {"anonymous": 401, **dict.fromkeys(CASE, 200), **NON_CASE}, None),
    (
        "post",
        "/api/v1/berichten/{id}/gelezen",
        {"anonymous": 401, **dict.fromkeys(CASE, 404), **NON_CASE},
        None,
    ),
]

WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/berichten/", {"anonymous": 302, **dict.fromkeys(CASE, 200), **NON_CASE}, None),
    (
        "post",
        "/berichten/gelezen",
        {"anonymous": 302, **dict.fromkeys(CASE, 404), **NON_CASE},
        {"bericht": NOBODYS},
    ),
    (
        "post",
        "/berichten/alles-gelezen",
        {"anonymous": 302, **dict.fromkeys(CASE, 302), **NON_CASE},
        None,
    ),
    (
        "post",
        "/berichten/instellingen",
        {"anonymous": 302, **dict.fromkeys(CASE, 302), **NON_CASE},
        {"digest": "uit"},
    ),
]

# Needs a notification of the caller's own; a non-existent id is in API_MATRIX above and every
# persona is tested with a real notification in test_notify_access.py.
NOT_IN_MATRIX = {"api/v1/berichten/<uuid:bericht_id>/gelezen"}
