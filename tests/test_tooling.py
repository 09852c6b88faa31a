"""The test command's own PostgreSQL: scripts/with-postgres.sh starts a fresh cluster on a
loopback port, gives the command an unprivileged role that may create the test database, and
removes the cluster afterwards, passing on the command's exit code.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "with-postgres.sh"

PROBE = """
echo "url=$DATABASE_URL"
psql "$DATABASE_URL" -XAt -F= -c "
  select 'user', current_user
  union all select 'superuser', rolsuper::text from pg_roles where rolname = current_user
  union all select 'createdb', rolcreatedb::text from pg_roles where rolname = current_user
  union all select 'listen', current_setting('listen_addresses')
  union all select 'version', current_setting('server_version_num')"
exit 3
"""


def postgres_available() -> bool:
    return Path("/usr/lib/postgresql/15/bin/initdb").exists() or shutil.which("initdb") is not None


@pytest.fixture
def cluster_parent() -> Iterator[Path]:
    # Not pytest's tmp_path: as root the cluster runs as `postgres`, which must reach this folder.
    parent = Path(tempfile.mkdtemp(prefix="with-postgres-test-"))
    parent.chmod(0o755)
    yield parent
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture
def probe_result(cluster_parent: Path) -> dict[str, str]:
    if not postgres_available() or shutil.which("psql") is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) or psql not found"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [str(SCRIPT), "bash", "-c", PROBE],
        env={**os.environ, "TMPDIR": str(cluster_parent)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)


def test_with_postgres_gives_an_unprivileged_role_on_loopback(probe_result: dict[str, str]) -> None:
    url = urlsplit(probe_result["url"])

    assert (url.scheme, url.username, url.hostname, url.path) == (
        "postgres",
        "nieuwestart",
        "127.0.0.1",
        "/nieuwestart",
    )
    assert url.port is not None and 54000 <= url.port <= 54999
    assert probe_result["user"] == "nieuwestart"
    assert probe_result["superuser"] == "false"
    assert probe_result["createdb"] == "true"
    assert probe_result["listen"] == "127.0.0.1"
    assert probe_result["version"].startswith("15")


def test_with_postgres_removes_the_cluster_afterwards(
    probe_result: dict[str, str], cluster_parent: Path
) -> None:
    port = urlsplit(probe_result["url"]).port
    assert port is not None

    assert list(cluster_parent.iterdir()) == []
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
