"""The test command's own PostgreSQL: scripts/with-postgres.sh starts a fresh cluster on a
loopback port, gives the command an unprivileged role that may create the test database, and
removes the cluster afterwards, passing on the command's exit code.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
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
    # No server of that cluster still runs. (Not "the port is closed": `make test` runs another
    # suite at the same time, whose own cluster may take the freed port.)
    assert _processes_mentioning(str(cluster_parent)) == []


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended while we looked
        if text in command:
            found.append(command)
    return found


SIDE_BY_SIDE = ROOT / "scripts" / "side-by-side.sh"


def _side_by_side(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # the project's own script
        [str(SIDE_BY_SIDE), *args],
        env={**os.environ, "SIDE_BY_SIDE_LOGS": str(tmp_path / "logs")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )


def test_side_by_side_runs_both_at_once_and_fails_with_the_failing_one(tmp_path: Path) -> None:
    """`make test` runs the SQLite and PostgreSQL suites this way: both must really run at the
    same time (each here waits for the other's mark, which one after the other never comes),
    and a failing suite must fail the whole, with both logs shown."""
    wait_for = "for _ in $(seq 100); do [ -e {0} ] && break; sleep 0.1; done; [ -e {0} ]"
    first = f"touch a; {wait_for.format('b')} && echo '3 passed in 1.00s'"
    second = f"touch b; {wait_for.format('a')} && echo '1 failed, 2 passed in 1.00s'; exit 1"

    result = _side_by_side(tmp_path, "een", first, "twee", second)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "een: exit 0, 3 passed in 1.00s" in result.stdout
    assert "twee: exit 1, 1 failed, 2 passed in 1.00s" in result.stdout
    assert (tmp_path / "logs" / "twee.log").read_text() == "1 failed, 2 passed in 1.00s\n"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_side_by_side_stopped_stops_both_runs_and_shows_where_they_were(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    """Stopped by CI (TERM) or by a closed terminal (HUP), neither suite may go on alone; not
    even one that ignores TERM (it is killed after SIDE_BY_SIDE_GRACE seconds)."""
    marker = tmp_path / "still-running"
    command = f"echo '[ 42%]'; sleep 5; touch {marker}"
    stubborn = f"trap '' TERM; echo '[ 42%]'; sleep 5; touch {marker}"
    process = subprocess.Popen(  # the project's own script
        [str(SIDE_BY_SIDE), "een", command, "twee", stubborn],
        env={
            **os.environ,
            "SIDE_BY_SIDE_LOGS": str(tmp_path / "logs"),
            "SIDE_BY_SIDE_GRACE": "1",
        },
        stdout=subprocess.PIPE,
        text=True,
    )
    logs = [tmp_path / "logs" / "een.log", tmp_path / "logs" / "twee.log"]
    for _ in range(100):
        if all(log.exists() and log.read_text() for log in logs):
            break
        time.sleep(0.1)
    process.send_signal(stop_signal)
    out, _ = process.communicate(timeout=30)

    assert process.returncode == 143
    assert out.count("[ 42%]") == 2  # the end of each log
    time.sleep(6)
    assert not marker.exists()  # neither run went on


def test_side_by_side_runs_read_nothing_from_the_terminal(tmp_path: Path) -> None:
    """A `breakpoint()` left in a test must not hang `make test` waiting for input that no one
    sees (the logs go to files): the runs' standard input is empty."""
    output = tmp_path / "out.txt"
    with output.open("w") as out:
        process = subprocess.Popen(  # the project's own script
            [str(SIDE_BY_SIDE), "een", 'read -r line; echo "read: $?"'],
            env={**os.environ, "SIDE_BY_SIDE_LOGS": str(tmp_path / "logs")},
            stdin=subprocess.PIPE,  # open and never written: a read from it waits forever
            stdout=out,
            text=True,
        )
        try:
            returncode = process.wait(timeout=30)
        finally:
            process.kill()
            assert process.stdin is not None
            process.stdin.close()

    assert returncode == 0
    assert "read: 1" in output.read_text()  # end of input at once
