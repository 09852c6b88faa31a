"""The production server for real: gunicorn with deploy/gunicorn.conf.py, two workers, strict
(production) settings, WhiteNoise's manifest storage and JSON logs, on 127.0.0.1.

What an operator relies on, in the order of a rolling upgrade: the pod is alive before the
database is migrated but not ready; after `migrate` it is ready; the login page and its hashed
static files are served; every line on standard error is JSON, with the request id of each
request and no BSN; SIGTERM stops it cleanly.

Database: a throwaway PostgreSQL database next to pytest's when DATABASE_URL points at
PostgreSQL (scripts/with-postgres.sh), else a SQLite file in a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
BSN = "999999990"

# The compression of every file would take most of this test's time budget; the manifest
# storage class is the production one, and CSS is still compressed.
SHIM = """
from nieuwestart.settings import *  # noqa: F403
STATIC_ROOT = {static_root!r}
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["js", "svg", "woff", "woff2", "ttf", "otf", "png", "md",
                                       "txt", "map", "json", "ico", "html", "xml", "jpg"]
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError:
        return 0, {}, b""


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    parts = dj_database_url.parse(configured)
    name = f"nieuwestart_gunicorn_{secrets.token_hex(4)}"
    admin = psycopg.connect(configured.replace("postgres://", "postgresql://"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{parts['USER']}@{parts['HOST']}:{parts['PORT']}/{name}"
            if not parts.get("PASSWORD")
            else f"postgres://{parts['USER']}:{parts['PASSWORD']}@{parts['HOST']}:{parts['PORT']}/{name}"
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def production_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    static_root = tmp_path / "static"
    (tmp_path / "deploy_test_settings.py").write_text(SHIM.format(static_root=str(static_root)))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NIEUWESTART_", "DJANGO_", "GUNICORN_"))
        and key not in {"DATABASE_URL", "WEB_CONCURRENCY", "PORT", "FORWARDED_ALLOW_IPS"}
    }
    env.update(
        {
            "PYTHONPATH": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "deploy_test_settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "NIEUWESTART_MANIFEST_STATIC": "1",
            # TLS ends at the ingress, which sets X-Forwarded-Proto (as in deploy/helm).
            "DJANGO_BEHIND_PROXY": "1",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "HOST": "127.0.0.1",
            "PORT": str(_free_port()),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "2",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return env


def _wait_for(url: str, status: int, deadline: float) -> int:
    last = 0
    while time.monotonic() < deadline:
        last, _, _ = _get(url)
        if last == status:
            return last
        time.sleep(0.2)
    return last


def test_gunicorn_serves_the_app_with_json_logs_and_stops_cleanly(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    env = production_env
    base = f"http://127.0.0.1:{env['PORT']}"
    https = {"X-Forwarded-Proto": "https"}
    stderr_path = tmp_path / "gunicorn.stderr"
    started = time.monotonic()
    with stderr_path.open("w") as stderr:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "nieuwestart.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        # Alive at once, but not ready: the database has no tables yet.
        assert _wait_for(f"{base}/gezond/leeft", 200, started + 20) == 200
        status, _, body = _get(f"{base}/gezond/klaar")
        assert status == 503
        assert json.loads(body)["status"] in {"database niet bijgewerkt"}

        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
        # Both workers must see the migrated schema; poll a few times to reach each.
        for _ in range(4):
            assert _wait_for(f"{base}/gezond/klaar", 200, time.monotonic() + 10) == 200

        request_id = "deploytest-" + secrets.token_hex(8)
        status, headers, body = _get(
            f"{base}/account/inloggen?bsn={BSN}", {**https, "X-Request-ID": request_id}
        )
        assert status == 200
        assert headers["X-Request-ID"] == request_id
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        page = body.decode()
        assert 'name="password"' in page
        # The page links the hashed name from the manifest; WhiteNoise serves it for ever.
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
        assert css, "the login page does not link the hashed app.css"
        status, headers, body = _get(f"{base}{css.group(1)}", {**https, "Accept-Encoding": "gzip"})
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        assert headers.get("Content-Encoding") == "gzip"
        assert _get(f"{base}/static/css/app.css", https)[0] == 200

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    elapsed = time.monotonic() - started

    raw_lines = [line for line in stderr_path.read_text().splitlines() if line.strip()]
    lines: list[dict[str, Any]] = []
    for raw in raw_lines:
        try:
            lines.append(json.loads(raw))
        except ValueError:
            pytest.fail(f"not a JSON log line: {raw!r}")
    messages = [line["message"] for line in lines]
    assert sum(message.startswith("Booting worker") for message in messages) == 2
    assert "Shutting down: Master" in messages
    access = [line for line in lines if line["logger"] == "nieuwestart.access"]
    login = [line for line in access if line.get("path") == "/account/inloggen"]
    assert len(login) == 1
    assert login[0]["request_id"] == request_id
    assert login[0]["status"] == 200
    assert login[0]["method"] == "GET"
    assert any(line.get("path", "").startswith("/static/css/app.") for line in access)
    assert BSN not in stderr_path.read_text()
    assert elapsed < 45, f"took {elapsed:.1f}s"
