"""Two app servers against one PostgreSQL under load (issue 6 item 2; docs/scaling.md).

Runs scripts/national/multihost.py as a real subprocess: it makes its own database next to the
one in DATABASE_URL, starts two gunicorn instances and an SMTP sink on 127.0.0.1, and checks
0 server errors, If-Match conflicts answered 412 without lost updates, every accepted write
visible through the other server, one log row per logged access, and every scheduled command of
the Helm chart run twice at once as real processes: no duplicate notification or e-mail, a
deadline index equal to the rules, every due retention removal done and logged once by one of
the two runs, and indicator facts and one snapshot equal to what a single refresh gives. About
two minutes on 2 CPUs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="needs PostgreSQL (run under scripts/with-postgres.sh): SQLite is one file on one "
    "machine, so two hosts cannot share it",
)


# The subprocess's own limit (300 s) decides, with room to report, not pytest-timeout's 300 s.
@pytest.mark.timeout(360)
def test_two_servers_share_one_database_without_errors_or_lost_updates(tmp_path):
    summary = tmp_path / "multihost.json"
    env = {**os.environ, "NIEUWESTART_TESTING": "1"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "national" / "multihost.py"),
            "--scale",
            "0.01",
            "--duration",
            "30",
            "--json",
            str(summary),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    data = json.loads(summary.read_text())
    failed = [c["check"] for c in data["checks"] if not c["ok"]]
    assert not failed, failed
    assert data["load"]["server_errors"] == 0
    assert data["accepted_writes"] > 0 and data["conflicts_412"] > 0
    assert data["emails_sent"] == data["emails_received"] > 0
    assert {name: job["codes"] for name, job in data["jobs"].items()} == {
        "process_notifications": [0, 0],
        "deadlines_index": [0, 0],
        "indicators_refresh": [0, 0],
        "retention_run --apply": [0, 0],
    }
    assert data["deadlines"]["missing"] == data["deadlines"]["differ"] == 0
    retention = data["retention"]
    assert retention["carried_out"] == retention["due"] == retention["log_entries"] > 0
    assert retention["logged_twice"] == 0
    assert data["indicators"]["snapshots"] == 1
