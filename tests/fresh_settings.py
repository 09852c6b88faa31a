"""Run code against the settings module in a fresh interpreter, with a chosen environment.

The settings read the environment once, at import; a test that wants production's values (no
demo, debug or testing switch) or another mode's cannot get them in this process. `run_django`
starts `python -c` with this process's environment minus every NIEUWESTART_* and DJANGO_*
variable, plus `env`, calls django.setup() and runs `code`. DATABASE_URL is an in-memory SQLite
database unless `env` names another: nothing is written anywhere.

Used by tests/security/test_transport.py (HTTPS and cookie settings),
nieuwestart/core/tests/test_logging.py (the log format per mode) and
nieuwestart/core/tests/test_collector.py (the WSGI entry point's garbage collector).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_django(
    env: dict[str, str], code: str, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`code` after django.setup() in a fresh interpreter; raises when it fails (`check`)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NIEUWESTART_", "DJANGO_"))
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "nieuwestart.settings", "DATABASE_URL": "sqlite://:memory:"}
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )
