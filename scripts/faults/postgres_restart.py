"""Fault: PostgreSQL stops and starts again under load (docs/resilience.md).

    .venv/bin/python scripts/faults/postgres_restart.py [--outage 4] [--recovery-limit 15]

Starts its own PostgreSQL cluster and the app under gunicorn (2 workers, 4 threads each, with
persistent database connections: `DATABASE_CONN_MAX_AGE=60`, `CONN_HEALTH_CHECKS` on). Four
clients keep saving the screening of their own trajectory through the API (`GET`, then `PUT`
with `If-Match`), plus a trajectory list read, and a monitor asks `/gezond/klaar` every 0.2 s.
After a few seconds the database is stopped (`pg_ctl stop -m fast`, which also breaks the open
connections), the load goes on for `--outage` seconds, and the database is started again.

Checked: before the outage every request succeeds; during it the app keeps answering (no
hang, no dropped connection) with 5xx problem+json and readiness says 503; after the start
readiness and every client's save succeed again within `--recovery-limit` seconds, with the
same gunicorn master and workers (no restart); nothing is half-written: per screening the
version, the change rows (one per version, 1..version) and the processing-log rows of the
saves agree, and each client's last acknowledged save is stored (its text, if nothing newer).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from faultlib import Http, app_env, app_server, cluster, finish, log, prepare_app_database

NAME = "postgres_restart"
CLIENTS = 4


@dataclass
class Record:
    started: float  # when the request was sent
    at: float  # when its answer was complete
    kind: str
    status: int
    content_type: str = ""


@dataclass
class ClientState:
    trajectory: str
    acknowledged: list[tuple[int, str]] = field(default_factory=list)  # (version, text)
    records: list[Record] = field(default_factory=list)


def client_loop(http: Http, state: ClientState, index: int, stop: threading.Event) -> None:
    path = f"/api/v1/trajecten/{state.trajectory}/screening"
    counter = 0
    while not stop.is_set():
        counter += 1
        sent = time.monotonic()
        try:
            status, headers, body = http.request("GET", path)
            state.records.append(
                Record(sent, time.monotonic(), "read", status, headers.get("Content-Type", ""))
            )
            if status == 200:
                text = f"client {index} save {counter}"
                sent = time.monotonic()
                status, headers, body = http.request(
                    "PUT", path, {"eigenWoorden": text}, headers={"If-Match": headers["ETag"]}
                )
                state.records.append(
                    Record(sent, time.monotonic(), "save", status, headers.get("Content-Type", ""))
                )
                if status == 200:
                    state.acknowledged.append((int(body["versie"]), text))
            sent = time.monotonic()
            status, headers, _ = http.request("GET", "/api/v1/trajecten")
            state.records.append(
                Record(sent, time.monotonic(), "list", status, headers.get("Content-Type", ""))
            )
        except OSError as exc:  # no HTTP answer at all: the app itself failed
            state.records.append(Record(sent, time.monotonic(), f"no answer: {exc}", 0))
        time.sleep(0.05)


def monitor(http: Http, readiness: list[tuple[float, int]], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            status, _h, _b = http.request("GET", "/gezond/klaar")
        except OSError:
            status = 0
        readiness.append((time.monotonic(), status))
        time.sleep(0.2)


def worker_pids(master: int) -> set[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return set()
    return {int(pid) for pid in children.split()}


def gunicorn_master(port_base: str) -> int:
    port = port_base.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if (
            any(b"gunicorn" in part for part in cmdline[:2])
            and f"127.0.0.1:{port}".encode() in cmdline
        ):
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if not any(b"gunicorn" in part for part in _cmdline(ppid)[:2]):
                return int(proc.name)
    return 0


def _cmdline(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=4.0)
    parser.add_argument("--recovery-limit", type=float, default=15.0)
    args = parser.parse_args()
    started = time.monotonic()
    problems: list[str] = []
    with cluster() as pg:
        log(NAME, f"PostgreSQL on 127.0.0.1:{pg.port}; preparing the database")
        _env, seed = prepare_app_database(pg, "restart", trajectories=CLIENTS)
        env = app_env(pg.url("restart"), DATABASE_CONN_MAX_AGE="60")
        with app_server(env, workers=2) as base:
            master = gunicorn_master(base)
            workers_before = worker_pids(master)
            http = Http(base, seed["token"], timeout=10)
            stop = threading.Event()
            states = [ClientState(t) for t in seed["trajectories"]]
            readiness: list[tuple[float, int]] = []
            threads = [
                threading.Thread(target=client_loop, args=(http, s, i, stop))
                for i, s in enumerate(states)
            ]
            threads.append(threading.Thread(target=monitor, args=(Http(base), readiness, stop)))
            for thread in threads:
                thread.start()
            time.sleep(3)
            stopping_at = time.monotonic()
            pg.stop("fast")
            # The outage starts when the server is down, not when the stop was asked: a fast
            # shutdown still finishes its checkpoint (seconds on a busy machine), and requests
            # answered until then are rightly 200.
            stopped_at = time.monotonic()
            log(NAME, f"database stopped (in {stopped_at - stopping_at:.1f} s)")
            time.sleep(args.outage)
            # The server accepts connections a little before `pg_ctl start -w` notices and
            # returns: requests answered in between are rightly 200 (CI saw that too).
            starting_at = time.monotonic()
            pg.start()
            restarted_at = time.monotonic()
            log(NAME, "database started again")
            deadline = restarted_at + args.recovery_limit
            recovered_at = None
            while time.monotonic() < deadline:
                ready = any(t >= restarted_at and s == 200 for t, s in readiness)
                saved = all(
                    any(
                        r.kind == "save" and r.status == 200 and r.at >= restarted_at
                        for r in s.records
                    )
                    for s in states
                )
                if ready and saved:
                    recovered_at = time.monotonic()
                    break
                time.sleep(0.2)
            time.sleep(1)  # a little more load after the recovery
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            workers_after = worker_pids(master)

        records = [r for s in states for r in s.records]
        before = [r for r in records if r.at < stopping_at]
        # During the outage: sent after the server was down and answered before it was asked
        # to start again. A request sent earlier may have read its data in time and still be answered
        # (rightly 200) well after the stop on a busy machine; CI saw that once.
        during = [r for r in records if stopped_at < r.started and r.at < starting_at]
        after = [r for r in records if recovered_at is not None and r.at > recovered_at + 0.5]
        if not before or any(r.status != 200 for r in before):
            problems.append(f"before the outage: {Counter(r.status for r in before)}")
        if not during:
            problems.append("no requests were answered during the outage")
        for r in during:
            if r.status < 500 or r.content_type != "application/problem+json":
                problems.append(f"during the outage {r.kind} answered {r.status} {r.content_type}")
                break
        if not any(stopped_at + 0.5 < t < starting_at and s == 503 for t, s in readiness):
            problems.append("readiness never said 503 during the outage")
        if recovered_at is None:
            problems.append(f"not recovered within {args.recovery_limit:.0f} s after the start")
        if any(r.status != 200 for r in after):
            problems.append(f"after the recovery: {Counter(r.status for r in after)}")
        if master == 0 or not workers_before or workers_before != workers_after:
            problems.append(
                f"gunicorn workers changed ({sorted(workers_before)} -> {sorted(workers_after)})"
            )

        saves = Counter(r.status for r in records if r.kind == "save")
        for state in states:
            row = pg.psql(
                "SELECT s.version, s.own_words, count(c.id), coalesce(max(c.version), 0), "  # noqa: S608
                "count(DISTINCT c.version), "
                "(SELECT count(*) FROM audit_processinglogentry l "
                " WHERE l.trajectory_uuid = t.uuid AND l.detail ~ '^versie [0-9]+: ') "
                "FROM screening_screening s JOIN trajectories_trajectory t ON t.id = s.trajectory_id "
                "LEFT JOIN screening_screeningchange c ON c.screening_id = s.id "
                f"WHERE t.uuid = '{state.trajectory}' GROUP BY s.version, s.own_words, t.uuid",
                "restart",
            )
            version_s, words, changes_s, highest_s, distinct_s, logged_s = row.split("|")
            version, changes, highest = int(version_s), int(changes_s), int(highest_s)
            if not (version == changes == highest == int(distinct_s) == int(logged_s)):
                problems.append(
                    f"half-written screening {state.trajectory}: version {version}, "
                    f"{changes} change rows (highest {highest}), {logged_s} log rows"
                )
            if state.acknowledged:
                last_version, last_text = state.acknowledged[-1]
                if version < last_version or (version == last_version and words != last_text):
                    problems.append(
                        f"lost an acknowledged save: version {last_version} {last_text!r}, "
                        f"stored version {version} {words!r}"
                    )
    recovery = f"{recovered_at - restarted_at:.1f} s" if recovered_at else "never"
    summary = (
        f"database down {restarted_at - stopped_at:.1f} s under load: "
        f"{len(during)} answers during the outage all 5xx problem+json, readiness 503; "
        f"recovered {recovery} after the start without restarting the app; saves "
        f"{dict(saves)}; versions, change rows and log rows agree "
        f"({time.monotonic() - started:.0f} s)"
    )
    return finish(NAME, not problems, "; ".join(problems[:5]) if problems else summary)


if __name__ == "__main__":
    sys.exit(main())
