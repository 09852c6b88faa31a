"""The fault scripts (docs/resilience.md), run as CI runs them: each as its own process.

Each script starts its own PostgreSQL cluster and the application as separate processes, and
exits non-zero with a one-line summary when the application does not survive the fault. They
run in the PostgreSQL pass of `make test` (DATABASE_URL points at PostgreSQL), or on their own:

    NIEUWESTART_TESTING=1 NIEUWESTART_FAULTS=1 .venv/bin/python -m pytest -m faults tests/faults -v

Elsewhere (the SQLite pass) they are skipped: they need PostgreSQL's server binaries, and one
run of all five takes a few minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAULTS = ROOT / "scripts" / "faults"
sys.path.insert(0, str(FAULTS))
from faultlib import postgres_available  # noqa: E402

# script, arguments: sized to show the fault and stay within a few minutes in CI.
SCRIPTS = [
    ("kill_import.py", ["--rows", "2000"]),
    ("kill_import.py", ["--rows", "3000", "--processen", "2"]),
    ("postgres_restart.py", []),
    ("concurrent_edits.py", []),
    ("mail_down.py", []),
    ("backup_restore.py", ["--trajectories", "60"]),
]

wanted = os.environ.get("NIEUWESTART_FAULTS") == "1" or os.environ.get(
    "DATABASE_URL", ""
).startswith("postgres")

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not wanted, reason="fault scripts run in the PostgreSQL pass"),
    pytest.mark.skipif(not postgres_available(), reason="PostgreSQL server binaries not found"),
]


# The script's own limit (900 s) decides, not pytest-timeout's default of 300 s.
@pytest.mark.timeout(960)
@pytest.mark.parametrize(
    ("script", "arguments"), SCRIPTS, ids=[" ".join([s, *a]) for s, a in SCRIPTS]
)
def test_the_application_survives(script: str, arguments: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, str(FAULTS / script), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, f"{summary}\n{result.stderr[-4000:]}"
    assert ": OK: " in summary
