"""What the fault scripts share: a PostgreSQL cluster they can stop and start, and the app.

Each fault script (docs/resilience.md) starts its own throwaway PostgreSQL 15 cluster on a free
loopback port (like scripts/with-postgres.sh, but the script controls it: `pg_ctl stop` and
`start` in the middle of a run), runs the real application against it as separate processes
(`manage.py`, gunicorn) and removes the cluster on every way out. Nothing listens on anything
but 127.0.0.1.

As root (CI), the server runs as the `postgres` OS user in a folder that user owns; otherwise
as the current user.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
MANAGE = str(ROOT / "manage.py")


def log(name: str, message: str) -> None:
    print(f"  [{name}] {message}", file=sys.stderr, flush=True)


def finish(name: str, ok: bool, summary: str) -> int:
    """The one-line summary every fault script ends with; its exit code."""
    print(f"{name}: {'OK' if ok else 'FAILED'}: {summary}", flush=True)
    return 0 if ok else 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bindir() -> Path:
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    default = Path("/usr/lib/postgresql/15/bin")
    if (default / "initdb").exists():
        return default
    found = shutil.which("initdb")
    if found is None:
        raise SystemExit("initdb not found: install PostgreSQL 15 (apt-get install postgresql-15)")
    return Path(found).resolve().parent


def postgres_available() -> bool:
    try:
        _pg_bindir()
    except SystemExit:
        return False
    return True


class Cluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 that the caller can stop and start."""

    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.workdir = Path(tempfile.mkdtemp(prefix="nieuwestart-fault-pg."))
        if self.as_owner:
            shutil.chown(self.workdir, "postgres")
        self.workdir.chmod(0o700)
        self.datadir = self.workdir / "data"
        self.logfile = self.workdir / "server.log"
        self.port = 0
        self.running = False

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_owner, str(self.bindir / tool), *args],
            cwd=self.workdir,
            capture_output=True,
            text=True,
            check=check,
        )

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--auth=trust",
            "--no-sync",
        )
        (self.datadir / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.workdir}'\n"
                # Durability stays on except fsync: these scripts test crashes of the
                # application, not of the machine, and fsync only slows CI down.
                "fsync = off\n"
                "max_connections = 60\n"
            )
        self.port = free_port()

    def start(self) -> None:
        result = self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.datadir),
            "-l",
            str(self.logfile),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port}",
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}{self.server_log()}")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60")
        self.running = False

    def server_log(self) -> str:
        try:
            return self.logfile.read_text()[-3000:]
        except OSError:
            return ""

    def psql(self, sql: str, db: str = "postgres") -> str:
        result = subprocess.run(
            [
                str(self.bindir / "psql"),
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}\n{sql[:300]}")
        return result.stdout.strip()

    def tool(
        self, tool: str, *args: str, user: str = "postgres"
    ) -> subprocess.CompletedProcess[str]:
        """pg_dump, pg_restore, ... as a client (any OS user) of this cluster, as `user`."""
        return subprocess.run(
            [
                str(self.bindir / tool),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                user,
                *args,
            ],
            capture_output=True,
            text=True,
            check=False,
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        if not any(self.psql("SELECT 1 FROM pg_roles WHERE rolname = 'nieuwestart'").split()):
            self.psql("CREATE ROLE nieuwestart LOGIN CREATEDB NOSUPERUSER")
        extra = f" TEMPLATE {template}" if template else ""
        self.psql(f"CREATE DATABASE {name} OWNER nieuwestart{extra}")
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgres://nieuwestart@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        if self.running:
            with suppress(subprocess.CalledProcessError):
                self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def cluster() -> Iterator[Cluster]:
    pg = Cluster()
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.remove()


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings (no demo, no test mode, DEBUG off), plain HTTP on loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NIEUWESTART_", "DATABASE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "nieuwestart.settings",
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "NIEUWESTART_MANIFEST_STATIC": "0",
            "NIEUWESTART_LOG_FORMAT": "text",
            # Load from a few clients on one token: counted, never refused.
            "NIEUWESTART_API_QUOTUM_PER_MINUUT": "1000000",
            "NIEUWESTART_WEB_QUOTUM_PER_MINUUT": "1000000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(
    args: Sequence[str], env: dict[str, str], *, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [PYTHON, MANAGE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    return result


def django_json(code: str, env: dict[str, str], *, timeout: float = 600) -> Any:
    """Run Python code in the app's Django setup; the code prints one JSON value last."""
    result = manage(["shell", "--no-imports", "-c", code], env, timeout=timeout)
    return json.loads(result.stdout.strip().splitlines()[-1])


# Seed for the scripts that need a trajectory to edit: casemanager Alice of PI Almelo with an
# API token, and `count` trajectories at PI Almelo, each with a first screening save.
SEED = """
import datetime as dt, json
from django.utils import timezone
from nieuwestart.accounts.models import User
from nieuwestart.accounts.services import api_token_create
from nieuwestart.core.bsn import test_bsns
from nieuwestart.organisations.models import Organisation
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive, trajectory_assign
from nieuwestart.screening.services import screening_update

almelo = Organisation.objects.get(code="PI-ALMELO")
chain, _ = Organisation.objects.get_or_create(
    code="KETEN-FOUT", defaults={"kind": "keten", "name": "Ketenbeheer"})
justid = User.objects.create_user(
    username="justid", organisation=chain, role="systeem", first_name="JustID")
alice = User.objects.create_user(
    username="alice", organisation=almelo, role="casemanager", first_name="Alice",
    last_name="Test", email="alice@test.example", phone="06 0000 0000")
uuids = []
for index, bsn in enumerate(test_bsns(COUNT, start=999_970_000)):
    notification = validate_notification({
        "meldingId": f"FOUT-{index}", "soort": "aanvang",
        "persoon": {"bsn": bsn, "voornamen": "Test", "voorvoegsel": "",
                    "geslachtsnaam": f"Persoon{index}", "geboortedatum": "1990-01-01"},
        "inrichting": "PI-ALMELO", "startdatum": str(timezone.localdate() - dt.timedelta(days=3)),
        "verwachteEinddatum": str(timezone.localdate() + dt.timedelta(days=90)),
        "gemeenteVanInschrijving": "GM0153"}, today=timezone.localdate())
    trajectory, _ = notification_receive(actor=justid, notification=notification)
    trajectory_assign(actor=alice, trajectory=trajectory, role="casemanager", user=alice)
    uuids.append(str(trajectory.uuid))
print(json.dumps({"token": api_token_create(user=alice), "trajectories": uuids}))
"""


def prepare_app_database(
    pg: Cluster, name: str, *, trajectories: int
) -> tuple[dict[str, str], Any]:
    """A migrated database with reference data and the seed; returns (env, seed)."""
    env = app_env(pg.create_database(name))
    manage(["migrate", "--noinput"], env)
    manage(["load_reference_data"], env)
    seed = django_json(SEED.replace("COUNT", str(trajectories)), env)
    return env, seed


class Http:
    """A tiny JSON client for the app on 127.0.0.1 (urllib: no pooling, new connection each)."""

    def __init__(self, base: str, token: str | None = None, timeout: float = 10) -> None:
        self.base = base
        self.token = token
        self.timeout = timeout

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
                status, response_headers = response.status, dict(response.headers)
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            status, response_headers = exc.code, dict(exc.headers)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")[:200]
        return status, response_headers, parsed


@contextmanager
def app_server(env: dict[str, str], *, workers: int = 2) -> Iterator[str]:
    """gunicorn with the app on a free loopback port; yields the base URL."""
    port = free_port()
    errors = tempfile.NamedTemporaryFile(prefix="nieuwestart-gunicorn.", suffix=".log")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "nieuwestart.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn ended: {Path(errors.name).read_text()[-3000:]}")
            try:
                status, _h, _b = Http(base, timeout=2).request("GET", "/gezond/leeft")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errors.close()
