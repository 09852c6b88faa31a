"""Mixed-load driver for the national-scale benchmark (issue 6, docs/benchmarks.md).

    NIEUWESTART_TESTING=1 scripts/with-postgres.sh sh -c '
        .venv/bin/python scripts/national/generate.py &&
        .venv/bin/python scripts/national/load.py --start-server --duration 60'

Loopback only: every URL must be http://127.0.0.1:PORT (or [::1]); anything else is refused.

Clients (threads, `--clients`, default 16) each sign in as a real user of the generated data:
in the web app through the login form (the benchmark server runs with
NIEUWESTART_REQUIRE_2FA=0), in the API with a token made for them. Most are case users
(casemanagers, aftercare coordinators, probation officers) who work on their own trajectories;
`--dashboard-clients` (default 2) are management and chain-wide users on the indicator
dashboards. A run is bounded by `--duration` seconds and `--requests` requests, after
`--warmup` seconds whose results are discarded.

Profiles:
- `mixed`: the work list (web and API), the trajectory page and `GET /api/v1/trajecten/{id}`,
  the screening (API: GET for the ETag, then PUT with If-Match; web: the form GET and POST),
  the plan page, the notifications (web and API) and the dashboards.
- `api`: only the API endpoints that have a naive twin (work list, trajectory, screening GET
  and PUT, plan, notifications); with `--naive` the same requests go to /naief/ (no access
  policy, no log). `--compare-rounds N` alternates policy and naive runs N times each (policy
  first in odd rounds, naive first in even ones) and reports the throughput ratio per round.

`--compare-quota-rounds N` (with `--start-server`) runs the chosen profile N times with the
per-account and per-token quotas counting and N times with them switched off, alternating
(on/off, then off/on, ...), each time on a fresh gunicorn, and reports the server and database
CPU per request of each: what the quota counter costs.

A 412 answer to a screening PUT is a detected conflict, not an error. Errors are any other
unexpected status and every connection failure. Prints a markdown table (p50, p95, p99 in ms,
requests per second, errors) per endpoint; `--json FILE` writes the same as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_PASSWORD, PREFIX, ROOT, machine_speed, percentile, setup_django

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
# Targets of issue 6 (p95 in ms) per kind of endpoint.
TARGETS = {"api": 150, "html": 250, "dashboard": 500}


# --- HTTP ---------------------------------------------------------------------------------------


class FormParser(HTMLParser):
    """The fields of the first POST form without an action (the page's main form)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.csrf = ""
        self._in_form = False
        self._done = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken" and not self.csrf:
            self.csrf = a.get("value", "")
        if self._done:
            return
        if tag == "form" and a.get("method", "").lower() == "post" and not a.get("action"):
            self._in_form = True
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Http:
    """One keep-alive connection to one loopback server, with a cookie jar."""

    def __init__(self, base: str, timeout: float = 30) -> None:
        parts = urlsplit(base)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK:
            raise SystemExit(f"Refused: {base} is not a loopback address (http://127.0.0.1:PORT).")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        api: bool = False,
        retry: bool | None = None,
    ) -> Reply:
        """One request on the kept-alive connection. A connection the server closed is opened
        again and the request sent once more, by default only for GET and HEAD: a PUT or POST
        that lost its connection may have been carried out, and sending it again would count
        one write as two answers (`retry=True` to send it again anyway)."""
        if retry is None:
            retry = method in ("GET", "HEAD")
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if api:
            sent["Authorization"] = f"Token {self.token}"
            sent.setdefault("Accept", "application/json")
        elif self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2 or not retry:
                    raise
                continue
            except (OSError, http.client.HTTPException):
                # A timeout or another failure leaves the connection half-way through a
                # request: drop it, so that the next request opens a new one.
                self.conn.close()
                self.conn = None
                raise
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    cookie = SimpleCookie()
                    cookie.load(value)
                    for key, morsel in cookie.items():
                        self.cookies[key] = morsel.value
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        raise AssertionError("unreachable")

    def form_post(self, path: str, fields: list[tuple[str, str]], referer: str) -> Reply:
        return self.request(
            "POST",
            path,
            body=urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}{referer}",
                "Origin": f"http://{self.host}:{self.port}",
            },
        )

    def sign_in(self, username: str, password: str) -> None:
        page = self.request("GET", "/account/inloggen")
        parser = FormParser()
        parser.feed(page.body.decode())
        reply = self.form_post(
            "/account/inloggen",
            [
                ("csrfmiddlewaretoken", parser.csrf),
                ("username", username),
                ("password", password),
            ],
            "/account/inloggen",
        )
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Sign-in of {username} failed: HTTP {reply.status}")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None  # the next request opens a new connection


# --- Users and their work -----------------------------------------------------------------------


@dataclass
class Persona:
    username: str
    kind: str  # "case" or "dashboard"
    token: str = ""
    trajectories: list[str] = field(default_factory=list)  # uuids the user is named on
    can_screen: bool = False
    dashboard: str = "/indicatoren/"


def prepare_personas(
    clients: int, dashboard_clients: int, seed: int, *, trajectories_per_user: int = 40
) -> list[Persona]:
    """Real users of the generated data, with tokens and the trajectories they work on."""
    setup_django()
    from nieuwestart.access.policy import Action
    from nieuwestart.access.trajectories import may
    from nieuwestart.accounts.models import Role, User
    from nieuwestart.accounts.services import api_token_create
    from nieuwestart.trajectories.models import Assignment

    rng = random.Random(seed)  # noqa: S311 (choice of benchmark users)
    case_roles = [Role.CASEMANAGER, Role.AFTERCARE_COORDINATOR, Role.PROBATION_OFFICER]
    # Busy users: the ones with the most open trajectories, in the usual mix of roles.
    mix = [Role.CASEMANAGER] * 10 + [Role.AFTERCARE_COORDINATOR] * 4 + [Role.PROBATION_OFFICER] * 2
    wanted = [mix[i % len(mix)] for i in range(max(0, clients - dashboard_clients))]
    personas: list[Persona] = []
    for role in case_roles:
        count = wanted.count(role)
        if not count:
            continue
        users = list(
            User.objects.filter(username__startswith=PREFIX, role=role, is_active=True)
            .select_related("organisation")
            .order_by("?")[: count * 4]
        )
        users.sort(
            key=lambda u: (
                -Assignment.objects.filter(
                    user=u, active=True, trajectory__end_date__isnull=True
                ).count()
            )
        )
        for user in users[:count]:
            uuids = [
                str(u)
                for u in Assignment.objects.filter(user=user, active=True)
                .exclude(trajectory__phase="afgesloten")
                .values_list("trajectory__uuid", flat=True)[:trajectories_per_user]
            ]
            if not uuids:
                continue
            personas.append(
                Persona(
                    username=user.username,
                    kind="case",
                    token=api_token_create(user=user),
                    trajectories=uuids,
                    can_screen=may(user, Action.SCREENING_EDIT),
                )
            )
    managers = list(
        User.objects.filter(
            username__startswith=PREFIX, role__in=[Role.MANAGEMENT, Role.CHAIN_ANALYST]
        ).order_by("role", "username")
    )
    keten = [u for u in managers if u.role == Role.CHAIN_ANALYST]
    management = [u for u in managers if u.role == Role.MANAGEMENT]
    rng.shuffle(management)
    for i in range(dashboard_clients):
        user = keten[0] if (i % 2 == 0 and keten) else management[i % len(management)]
        personas.append(Persona(username=user.username, kind="dashboard"))
    return personas


# --- The traffic --------------------------------------------------------------------------------


@dataclass
class Result:
    endpoint: str
    kind: str  # api | html | dashboard
    ms: float
    status: int
    ok: bool
    at: float


EXPECTED: dict[str, set[int]] = defaultdict(lambda: {200})
EXPECTED["screening PUT (API, If-Match)"] = {200, 412}
EXPECTED["screening POST (web form)"] = {302, 200}
EXPECTED["sign-in"] = {302}


class Worker(threading.Thread):
    def __init__(
        self,
        base: str,
        persona: Persona,
        *,
        profile: str,
        naive: bool,
        seed: int,
        stop: threading.Event,
        budget: Budget,
        results: list[Result],
    ) -> None:
        super().__init__(daemon=True)
        self.http = Http(base)
        self.http.token = persona.token
        self.persona = persona
        self.profile = profile
        self.naive = naive
        self.rng = random.Random(seed)  # noqa: S311
        self.stop = stop
        self.budget = budget
        self.results = results
        self.failure: str = ""

    def timed(
        self,
        endpoint: str,
        kind: str,
        method: str,
        path: str,
        **kwargs: Any,
    ) -> Reply | None:
        started = time.perf_counter()
        try:
            reply = self.http.request(method, path, **kwargs)
            status = reply.status
        except (OSError, http.client.HTTPException) as exc:
            reply, status = None, 0
            self.failure = f"{endpoint}: {exc!r}"
        ms = (time.perf_counter() - started) * 1000
        ok = status in EXPECTED[endpoint]
        if not ok and reply is not None and not self.failure:
            self.failure = f"{endpoint} {path}: HTTP {status} {reply.body[:300]!r}"
        self.results.append(Result(endpoint, kind, ms, status, ok, time.time()))
        return reply

    def _form(self, endpoint: str, path: str) -> None:
        page = self.timed(endpoint.replace("POST", "GET"), "html", "GET", path)
        if page is None or page.status != 200:
            return
        parser = FormParser()
        parser.feed(page.body.decode())
        fields = [(k, v) for k, v in parser.fields if k != "csrfmiddlewaretoken"]
        fields.append(("csrfmiddlewaretoken", parser.csrf))
        fields = [
            (k, f"Benchmark {self.rng.randint(0, 10**6)}" if k == "eigenWoorden" else v)
            for k, v in fields
        ]
        started = time.perf_counter()
        try:
            reply = self.http.form_post(path, fields, path)
            status = reply.status
        except (OSError, http.client.HTTPException) as exc:
            reply, status = None, 0
            self.failure = f"{endpoint}: {exc!r}"
        ms = (time.perf_counter() - started) * 1000
        ok = status in EXPECTED[endpoint]
        if not ok and reply is not None:
            self.failure = f"{endpoint} {path}: HTTP {status} {reply.body[:300]!r}"
        self.results.append(Result(endpoint, "html", ms, status, ok, time.time()))

    def screening_api(self, trajectory: str) -> None:
        prefix = "/naief" if self.naive else "/api/v1"
        got = self.timed(
            "screening GET (API)",
            "api",
            "GET",
            f"{prefix}/trajecten/{trajectory}/screening",
            api=True,
        )
        if got is None or got.status != 200 or not self.persona.can_screen:
            return
        body = got.json()
        body["eigenWoorden"] = f"Benchmark {self.rng.randint(0, 10**6)}"
        self.timed(
            "screening PUT (API, If-Match)",
            "api",
            "PUT",
            f"{prefix}/trajecten/{trajectory}/screening",
            api=True,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "If-Match": got.headers["etag"]},
        )

    def one(self) -> None:
        p = self.persona
        if p.kind == "dashboard":
            self.timed("dashboard (web)", "dashboard", "GET", p.dashboard)
            return
        t = self.rng.choice(p.trajectories)
        draw = self.rng.random()
        if self.profile == "api":
            prefix = "/naief" if self.naive else "/api/v1"
            if draw < 0.2:
                self.timed("work list (API)", "api", "GET", f"{prefix}/werklijst", api=True)
            elif draw < 0.5:
                self.timed("trajectory (API)", "api", "GET", f"{prefix}/trajecten/{t}", api=True)
            elif draw < 0.7:
                self.screening_api(t)
            elif draw < 0.85:
                self.timed("plan (API)", "api", "GET", f"{prefix}/trajecten/{t}/plan", api=True)
            else:
                self.timed("notifications (API)", "api", "GET", f"{prefix}/berichten", api=True)
            return
        if draw < 0.12:
            self.timed("work list (web)", "html", "GET", "/")
        elif draw < 0.20:
            self.timed("work list (API)", "api", "GET", "/api/v1/werklijst", api=True)
        elif draw < 0.36:
            self.timed("trajectory page (web)", "html", "GET", f"/trajecten/{t}")
        elif draw < 0.52:
            self.timed("trajectory (API)", "api", "GET", f"/api/v1/trajecten/{t}", api=True)
        elif draw < 0.62:
            self.screening_api(t)
        elif draw < 0.67 and p.can_screen:
            self._form("screening POST (web form)", f"/trajecten/{t}/screening")
        elif draw < 0.80:
            self.timed("plan page (web)", "html", "GET", f"/trajecten/{t}/plan")
        elif draw < 0.90:
            self.timed("notifications (web)", "html", "GET", "/berichten/")
        else:
            self.timed("notifications (API)", "api", "GET", "/api/v1/berichten", api=True)

    def run(self) -> None:
        while not self.stop.is_set() and self.budget.take():
            self.one()
        self.http.close()


class Budget:
    """A shared request budget: the run ends at `--requests` requests."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def sign_in_all(bases: list[str], personas: list[Persona]) -> dict[tuple[str, str], dict]:
    """Web sessions for every persona on every server (cookies per server)."""
    jars: dict[tuple[str, str], dict] = {}
    for base in bases:
        for persona in personas:
            client = Http(base)
            client.sign_in(persona.username, BENCH_PASSWORD)
            jars[(base, persona.username)] = dict(client.cookies)
            client.close()
    return jars


def run_load(
    bases: list[str],
    personas: list[Persona],
    jars: dict[tuple[str, str], dict],
    *,
    profile: str,
    naive: bool,
    duration: float,
    requests: int,
    warmup: float,
    seed: int,
    meter: CpuMeter | None = None,
) -> dict[str, Any]:
    results: list[Result] = []
    stop = threading.Event()
    budget = Budget(requests)
    workers = []
    for i, persona in enumerate(personas):
        base = bases[i % len(bases)]
        worker = Worker(
            base,
            persona,
            profile=profile,
            naive=naive,
            seed=seed + i,
            stop=stop,
            budget=budget,
            results=results,
        )
        worker.http.cookies = dict(jars[(base, persona.username)])
        workers.append(worker)
    started = time.time()
    for worker in workers:
        worker.start()
    deadline = started + warmup + duration
    cpu_start = None
    driver_start = None
    spread: list[int] | None = None
    ports = {port for base in bases if (port := urlsplit(base).port) is not None}
    while time.time() < deadline and any(w.is_alive() for w in workers):
        if driver_start is None and time.time() >= started + warmup:
            driver_start = time.process_time()
            if meter is not None:
                cpu_start = meter.split()
        if spread is None and time.time() >= started + warmup + duration / 2:
            spread = connections_per_process(ports)
        time.sleep(0.1)
    cpu_end = meter.split() if (meter is not None and cpu_start is not None) else None
    cpu = database_cpu = None
    if cpu_start is not None and cpu_end is not None:
        database_cpu = cpu_end[1] - cpu_start[1]
        cpu = cpu_end[0] - cpu_start[0] + database_cpu
    driver_cpu = time.process_time() - driver_start if driver_start is not None else None
    stop.set()
    for worker in workers:
        worker.join(timeout=60)
    ended = time.time()
    measured = [r for r in results if r.at >= started + warmup]
    window = max(0.001, min(ended, deadline) - (started + warmup))
    report = summarise(measured, window)
    report["profile"] = profile
    report["naive"] = naive
    report["clients"] = len(personas)
    report["servers"] = bases
    # How the clients' keep-alive connections were spread over the server processes.
    report["connections_per_process"] = spread or []
    report["failures"] = sorted({w.failure for w in workers if w.failure})[:10]
    if cpu is not None and report["requests"]:
        # Server and database CPU per request, and what two CPUs for them alone would serve.
        report["server_cpu_seconds"] = round(cpu, 1)
        report["cpu_ms_per_request"] = round(cpu * 1000 / report["requests"], 1)
        report["capacity_rps_2_cpus"] = round(2000 / (cpu * 1000 / report["requests"]), 1)
        # Of which PostgreSQL's (0 when the database is not on this machine).
        report["database_cpu_ms_per_request"] = round(
            (database_cpu or 0.0) * 1000 / report["requests"], 1
        )
    if driver_cpu is not None and report["requests"]:
        # What this driver itself takes from the same machine's CPUs.
        report["driver_cpu_ms_per_request"] = round(driver_cpu * 1000 / report["requests"], 1)
    return report


def summarise(results: list[Result], seconds: float) -> dict[str, Any]:
    by: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by[r.endpoint].append(r)
    endpoints = []
    for name in sorted(by):
        rows = by[name]
        times = sorted(r.ms for r in rows)
        kind = rows[0].kind
        p95 = percentile(times, 0.95)
        endpoints.append(
            {
                "endpoint": name,
                "kind": kind,
                "requests": len(rows),
                "rps": round(len(rows) / seconds, 1),
                "p50_ms": round(percentile(times, 0.50), 1),
                "p95_ms": round(p95, 1),
                "p99_ms": round(percentile(times, 0.99), 1),
                "max_ms": round(times[-1], 1),
                "errors": sum(1 for r in rows if not r.ok),
                "conflicts_412": sum(1 for r in rows if r.status == 412),
                "target_p95_ms": TARGETS[kind],
                "meets_target": p95 <= TARGETS[kind],
            }
        )
    total = len(results)
    every = sorted(r.ms for r in results)
    return {
        "seconds": round(seconds, 1),
        "requests": total,
        # Over all endpoints: what the slowest hundredth and the slowest request waited.
        "p99_ms": round(percentile(every, 0.99), 1) if every else None,
        "max_ms": round(every[-1], 1) if every else None,
        "rps": round(total / seconds, 1),
        "errors": sum(1 for r in results if not r.ok),
        "server_errors": sum(1 for r in results if r.status >= 500 or r.status == 0),
        "endpoints": endpoints,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors | target p95 | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for e in report["endpoints"]:
        lines.append(
            f"| {e['endpoint']} | {e['requests']} | {e['rps']} | {e['p50_ms']:.0f} | "
            f"{e['p95_ms']:.0f} | {e['p99_ms']:.0f} | {e['errors']} | {e['target_p95_ms']} | "
            f"{'yes' if e['meets_target'] else 'NO'} |"
        )
    if "cpu_ms_per_request" in report:
        lines.append(
            f"| *server + database CPU per request* | | | {report['cpu_ms_per_request']} ms | "
            f"| | | capacity on 2 free CPUs | {report['capacity_rps_2_cpus']} req/s |"
        )
    if report.get("database_cpu_ms_per_request"):
        lines.append(
            f"| *of which PostgreSQL* | | | {report['database_cpu_ms_per_request']} ms | | | | | |"
        )
    if "driver_cpu_ms_per_request" in report:
        lines.append(
            f"| *load driver CPU per request* | | | {report['driver_cpu_ms_per_request']} ms "
            "| | | | | |"
        )
    if report.get("connections_per_process"):
        spread = ", ".join(str(n) for n in report["connections_per_process"])
        lines.append(f"| *clients' connections per server process* | | | {spread} | | | | | |")
    if report.get("max_ms") is not None:
        lines.append(
            f"| *every request: p99 and the slowest* | | | | | {report['p99_ms']:.0f} | "
            f"max {report['max_ms']:.0f} | | |"
        )
    lines.append(
        f"| **all** | {report['requests']} | **{report['rps']}** | | | | "
        f"**{report['errors']}** | 150 req/s, 0 errors | "
        f"{'yes' if report['rps'] >= 150 and report['errors'] == 0 else 'NO'} |"
    )
    return "\n".join(lines)


def connections_per_process(ports: set[int]) -> list[int]:
    """The established connections to these local ports, counted per process that holds them
    (largest first), at this moment. A gunicorn worker keeps a client's keep-alive connection,
    so this is how the clients are spread over the workers. Reads /proc: the servers must run
    on this machine as this user; elsewhere the list is empty."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) in ports:  # 01: established
                inodes.add(inode)
    counts: dict[int, int] = defaultdict(int)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    counts[int(entry.name)] += 1
        except OSError:
            continue
    return sorted(counts.values(), reverse=True)


# --- The server (optional) ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "NIEUWESTART_TESTING": "1",
            "NIEUWESTART_REQUIRE_2FA": "0",
            "NIEUWESTART_BENCHMARK_NAIVE": "1",
            # Every persona signs in from 127.0.0.1 at once: more than the per-address limit.
            "NIEUWESTART_RATE_SIGNIN_PER_MINUTE": "0",
            # The api profile sends more than 10 requests a second per token: counted (the
            # counter write is part of the measured cost), never refused.
            "NIEUWESTART_API_QUOTUM_PER_MINUUT": "1000000",
            # The same for pages read in the browser (accounts.middleware.PageQuotaMiddleware).
            "NIEUWESTART_WEB_QUOTUM_PER_MINUUT": "1000000",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "nieuwestart.settings",
        }
    )
    env.update(extra or {})
    return env


def start_gunicorn(
    port: int,
    workers: int,
    threads: int,
    env: dict[str, str] | None = None,
    *,
    gc_stats: bool = False,
) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1 only, with command-line options (no config file needed). With
    `gc_stats`, the app counts its garbage collector's time (gc_stats.py; the environment
    then names the folder for the counts, NIEUWESTART_GC_STATS_DIR)."""
    app = ["--pythonpath", str(Path(__file__).parent), "gc_stats:application"]
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        *(app if gc_stats else ["nieuwestart.wsgi:application"]),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "5",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        command, cwd=ROOT, env=env or server_env(), start_new_session=True
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ended with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            client = Http(f"http://127.0.0.1:{port}")
            if client.request("GET", "/gezond/leeft").status == 200:
                client.close()
                return process
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(process)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, from /proc: its user and system time and that
    of its children that ended and were waited for (a gunicorn worker that restarted, a
    PostgreSQL backend that closed), which a process tree no longer shows."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), sum(int(f) for f in fields[11:15]) / ticks


def _postmaster(port: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command and command[0].endswith(b"postgres") and str(port).encode() in command:
            return int(entry.name)
    return None


class CpuMeter:
    """CPU seconds used by the app servers and the PostgreSQL server (and their children):
    the cost of the requests whatever else runs on the machine, in total and per side."""

    def __init__(self, server_pids: list[int]) -> None:
        self.servers = list(server_pids)
        port = urlsplit(os.environ.get("DATABASE_URL", "")).port
        self.postmaster = _postmaster(port) if port else None

    def seconds(self) -> float:
        return sum(self.split())

    def split(self) -> tuple[float, float]:
        """(app servers, database) CPU seconds so far."""
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat is not None:
                    stats[int(entry.name)] = stat
        children: dict[int, list[int]] = defaultdict(list)
        for pid, (parent, _cpu) in stats.items():
            children[parent].append(pid)

        def tree(roots: list[int]) -> float:
            total, todo = 0.0, [r for r in roots if r in stats]
            while todo:
                pid = todo.pop()
                total += stats[pid][1]
                todo.extend(children.get(pid, []))
            return total

        database = tree([self.postmaster]) if self.postmaster is not None else 0.0
        return tree(self.servers), database


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


QUOTA_OFF = {"NIEUWESTART_API_QUOTUM_PER_MINUUT": "0", "NIEUWESTART_WEB_QUOTUM_PER_MINUUT": "0"}


def compare_quota(args: argparse.Namespace) -> None:
    """The same load with the quotas counting and switched off, alternating, fresh servers."""
    personas = prepare_personas(args.clients, args.dashboard_clients, args.seed)
    speed = machine_speed()
    print(f"Machine speed: {speed} ms for the fixed Python workload (lower is faster)")
    runs = []
    for number in range(1, args.compare_quota_rounds + 1):
        order = (True, False) if number % 2 else (False, True)
        for counting in order:
            port = free_port()
            server = start_gunicorn(
                port, args.workers, args.threads, server_env(None if counting else QUOTA_OFF)
            )
            base = f"http://127.0.0.1:{port}"
            try:
                jars = sign_in_all([base], personas)
                report = run_load(
                    [base],
                    personas,
                    jars,
                    profile=args.profile,
                    naive=False,
                    duration=args.duration,
                    requests=args.requests,
                    warmup=args.warmup,
                    seed=args.seed,
                    meter=CpuMeter([server.pid]),
                )
            finally:
                stop_gunicorn(server)
            label = "quotas counting" if counting else "quotas off"
            print(f"\nRound {number}, {label} (load average {load_average()}):")
            print(markdown(report))
            runs.append({"round": number, "quotas": counting, "report": report})
    print("\n| round | quotas | req/s | CPU ms per request | errors |\n|---|---|---:|---:|---:|")
    for run in runs:
        report = run["report"]
        print(
            f"| {run['round']} | {'on' if run['quotas'] else 'off'} | {report['rps']} | "
            f"{report.get('cpu_ms_per_request', '')} | {report['errors']} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"machine_speed_ms": speed, "quota_rounds": runs}, indent=2)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", action="append", default=[], help="http://127.0.0.1:PORT")
    parser.add_argument("--start-server", action="store_true", help="start gunicorn here")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="with --start-server: this many gunicorn servers, each --workers x --threads, "
        "as app replicas behind a balancer; client i uses server i modulo the number",
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--dashboard-clients", type=int, default=2)
    parser.add_argument("--profile", choices=["mixed", "api"], default="mixed")
    parser.add_argument("--naive", action="store_true")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--compare-rounds", type=int, default=0)
    parser.add_argument("--compare-quota-rounds", type=int, default=0)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--server-pid", type=int, action="append", default=[], help="gunicorn master (CPU)"
    )
    parser.add_argument(
        "--gc-stats",
        action="store_true",
        help="with --start-server: the garbage collector's share of the workers' CPU",
    )
    args = parser.parse_args()

    if args.gc_stats and not args.start_server:
        raise SystemExit("--gc-stats needs --start-server.")
    if args.compare_quota_rounds:
        if not args.start_server:
            raise SystemExit("--compare-quota-rounds needs --start-server.")
        compare_quota(args)
        return

    if args.servers < 1 or (args.servers > 1 and not args.start_server):
        raise SystemExit("--servers needs --start-server and at least 1.")
    servers = []
    gc_folder = tempfile.mkdtemp(prefix="nieuwestart-gc-") if args.gc_stats else None
    if args.start_server:
        env = server_env({"NIEUWESTART_GC_STATS_DIR": gc_folder} if gc_folder else None)
        for _ in range(args.servers):
            port = free_port()
            servers.append(
                start_gunicorn(port, args.workers, args.threads, env, gc_stats=bool(gc_folder))
            )
            args.base.append(f"http://127.0.0.1:{port}")
    if not args.base:
        raise SystemExit("Give --base http://127.0.0.1:PORT or --start-server.")
    for base in args.base:
        Http(base)  # refuses anything but loopback
    meter = CpuMeter([server.pid for server in servers] if servers else args.server_pid)
    try:
        personas = prepare_personas(args.clients, args.dashboard_clients, args.seed)
        jars = sign_in_all(args.base, personas)
        speed = machine_speed()
        print(f"Machine speed: {speed} ms for the fixed Python workload (lower is faster)")
        output: dict[str, Any] = {
            "machine_speed_ms": speed,
            "load_average_before": load_average(),
            "servers": len(servers) or len(args.base),
            "workers": args.workers,
            "threads": args.threads,
        }
        common: dict[str, Any] = {
            "meter": meter,
            "duration": args.duration,
            "requests": args.requests,
            "warmup": args.warmup,
            "seed": args.seed,
        }
        if args.compare_rounds:
            api_personas = [p for p in personas if p.kind == "case"]
            rounds = []
            for number in range(1, args.compare_rounds + 1):
                pair = {}
                # The order swaps every round (policy first, then naive first), so neither
                # side always runs on the warmer or the cooler machine.
                order = (False, True) if number % 2 else (True, False)
                for naive in order:
                    report = run_load(
                        args.base, api_personas, jars, profile="api", naive=naive, **common
                    )
                    pair["naive" if naive else "policy"] = report
                    label = "naive" if naive else "policy"
                    print(f"\nRound {number}, {label} (load average {load_average()}):")
                    print(markdown(report))
                ratio = pair["policy"]["rps"] / max(pair["naive"]["rps"], 0.001)
                cpu_ratio = pair["naive"].get("cpu_ms_per_request", 0) / max(
                    pair["policy"].get("cpu_ms_per_request", 0), 0.001
                )
                rounds.append(
                    {
                        "round": number,
                        "first": "naive" if order[0] else "policy",
                        "policy_rps": pair["policy"]["rps"],
                        "naive_rps": pair["naive"]["rps"],
                        "ratio": round(ratio, 3),
                        "cpu_ratio": round(cpu_ratio, 3),
                        "policy": pair["policy"],
                        "naive": pair["naive"],
                    }
                )
                print(
                    f"Round {number}: policy {pair['policy']['rps']} req/s, naive "
                    f"{pair['naive']['rps']} req/s, ratio {ratio:.0%}; CPU per request: naive/"
                    f"policy {cpu_ratio:.0%}"
                )
            output["rounds"] = rounds
        else:
            report = run_load(
                args.base, personas, jars, profile=args.profile, naive=args.naive, **common
            )
            output["report"] = report
            print(markdown(report))
            if report["failures"]:
                print("First failures:", *report["failures"], sep="\n  ")
        output["load_average_after"] = load_average()
        print(
            f"Load average before {output['load_average_before']}, after "
            f"{output['load_average_after']}"
        )
        if args.json:
            args.json.write_text(json.dumps(output, indent=2))
    finally:
        for server in servers:
            stop_gunicorn(server)
        if gc_folder:
            collector = gc_summary(Path(gc_folder))
            print(collector_line(collector))
            if args.json and args.json.exists():
                output = json.loads(args.json.read_text())
                output["collector"] = collector
                args.json.write_text(json.dumps(output, indent=2))
            shutil.rmtree(gc_folder, ignore_errors=True)


def gc_summary(folder: Path) -> dict[str, Any]:
    """The workers' garbage-collector counts (gc_stats.py), added up."""
    workers = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]
    spent = sum(sum(w["ms"]) for w in workers)
    cpu = sum(w["cpu_ms"] for w in workers)
    return {
        "workers": workers,
        "share": round(spent / cpu, 4) if cpu else None,
        "longest_ms": round(max((w["longest_ms"] for w in workers), default=0.0), 1),
        "ms_per_generation": [round(sum(w["ms"][g] for w in workers)) for g in range(3)],
        "runs_per_generation": [sum(w["runs"][g] for w in workers) for g in range(3)],
        "max_rss_mb": max((w.get("max_rss_mb", 0.0) for w in workers), default=0.0),
    }


def collector_line(summary: dict[str, Any]) -> str:
    if summary["share"] is None:
        return "Garbage collector: no counts (did the workers stop normally?)"
    return (
        f"Garbage collector: {summary['share']:.1%} of the workers' CPU, longest collection "
        f"{summary['longest_ms']} ms; per generation {summary['ms_per_generation']} ms in "
        f"{summary['runs_per_generation']} collections; peak memory of a worker "
        f"{summary['max_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
