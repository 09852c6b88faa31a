"""Access-matrix rows of retention (imported by tests/test_access_matrix.py).

Only the privacy officer opens the retention page and places a legal hold (by trajectory
number); everyone else gets 403, anonymous users the login page. The POST row sends no
trajectory number (the matrix does not fill in bodies), so the privacy officer gets the form
back with 400: past the access check. Placing a real hold and lifting it (which needs a hold
first) are tested for every persona in test_views.py.
"""

from __future__ import annotations

from typing import Any

PERSONAS = ("alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user")
ONLY_PRIYA = {**dict.fromkeys(PERSONAS, 403), "anonymous": 302}

WEB_MATRIX: list[tuple[str, str, dict[str, int], Any]] = [
    ("get", "/privacy/bewaartermijnen/", {**ONLY_PRIYA, "priya": 200}, None),
    (
        "post",
        "/privacy/bewaartermijnen/",
        {**ONLY_PRIYA, "priya": 400},
        {"traject": "", "reden": "klacht"},
    ),
]

NOT_IN_MATRIX = {"privacy/bewaartermijnen/bewaarplicht/<uuid:hold_id>/opheffen"}
