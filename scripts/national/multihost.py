"""Two app servers against one PostgreSQL, at the same time (issue 6 item 2; docs/scaling.md).

    NIEUWESTART_TESTING=1 scripts/with-postgres.sh .venv/bin/python scripts/national/multihost.py

What it does, all on 127.0.0.1:
1. Creates a fresh database next to the one in DATABASE_URL (dropped at the end), migrates it and
   fills it with `generate.py --scale` (default 0.01: about 1,100 trajectories). A retention dry
   run announces what is due; for `--retention-trajectories` closed trajectories (default 120)
   the announcement is moved back past the notice period, so those removals are due now.
2. Starts an SMTP sink and TWO separate gunicorn instances (two "hosts": different ports, 2
   workers each) on that one database.
3. For `--duration` seconds, at the same time: the mixed load of load.py against both servers;
   two writers saving the SAME screening with If-Match, one through each server; an auditor
   reading trajectories through both servers; and each command the Helm chart schedules
   (`process_notifications`, `deadlines_index`, `indicators_refresh`, `retention_run --apply`)
   started twice at the same moment (two hosts' schedulers), the pairs `--stagger` seconds apart.
4. Checks, and exits non-zero when one fails:
   - no server error (5xx or a failed connection) and no other unexpected answer;
   - every accepted screening write is visible through the other server straight away, a stale
     write is answered 412, and the screening's final version equals its start version plus the
     accepted writes (no silent overwrite, no lost update);
   - exactly one processing-log row per logged read of the auditor, and one per accepted write;
   - both runs of every command exit 0;
   - notifications: none stored twice for a user; every e-mail the outbox marks as sent reached
     the SMTP sink exactly once, and nothing reached it twice;
   - deadlines: every open trajectory has its index row, and every row marked current holds
     exactly the open deadlines the rules give now (none stored twice);
   - retention: every removal announced long enough ago was carried out once, by one of the two
     runs, with one log entry; no trajectory was handled by both; nothing announced later was
     touched; the identities that were due are replaced by a placeholder;
   - indicators: one snapshot left (today's); every trajectory's facts were written by the two
     runs; one more refresh on its own changes no fact, child row or snapshot row.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, setup_django

PYTHON = sys.executable


# --- An SMTP sink on loopback -------------------------------------------------------------------


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        server: SmtpSink = self.server  # type: ignore[assignment]
        self.reply("220 sink ESMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                sender, recipients = command[10:], []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip("<> "))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line.decode(errors="replace"))
                text = "".join(lines)
                subject = next(
                    (line[9:].strip() for line in lines if line.lower().startswith("subject:")),
                    "",
                )
                with server.lock:
                    server.messages.append(
                        {"from": sender, "to": recipients, "subject": subject, "text": text}
                    )
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # RSET, NOOP, anything else
                self.reply("250 OK")


# --- Helpers ------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[bool, str]] = []

    def check(self, ok: bool, text: str) -> None:
        self.results.append((bool(ok), text))
        print(f"  [{'ok' if ok else 'FAILED'}] {text}", flush=True)

    @property
    def ok(self) -> bool:
        return all(ok for ok, _ in self.results)


def writer(
    base: str, other: str, token: str, trajectory: str, label: str, rounds: int, out: dict
) -> None:
    """Save the same screening over and over through `base`, reading back through `other`."""
    from load import Http

    mine, theirs = Http(base), Http(other)
    mine.token = theirs.token = token
    path = f"/api/v1/trajecten/{trajectory}/screening"
    for i in range(rounds):
        try:
            got = mine.request("GET", path, api=True)
        except (OSError, http.client.HTTPException) as error:
            out["unexpected"].append(f"{label} GET {type(error).__name__}: {error}")
            continue
        if got.status != 200:
            out["unexpected"].append(f"{label} GET {got.status}")
            continue
        body = got.json()
        text = f"{label} schrijft {i} {uuid.uuid4().hex[:6]}"
        body["eigenWoorden"] = text
        time.sleep(0.01)  # widen the window between reading and writing: conflicts happen
        try:
            put = mine.request(
                "PUT",
                path,
                api=True,
                body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "If-Match": got.headers["etag"]},
            )
        except (OSError, http.client.HTTPException) as error:
            # No answer (a timeout, a dropped connection): the write may or may not have been
            # stored. Not sent again (a second try would be answered 412 and hide the first).
            out["unknown"].append(f"{label} PUT {type(error).__name__}: {error}")
            mine.close()
            continue
        if put.status == 200:
            version = put.json()["versie"]
            out["accepted"].append((label, version, text))
            try:
                seen = theirs.request("GET", path, api=True)
            except (OSError, http.client.HTTPException) as error:
                out["not_visible"].append((label, version, f"{type(error).__name__}: {error}"))
                continue
            data = seen.json() if seen.status == 200 else {}
            if seen.status != 200 or data.get("versie", -1) < version:
                out["not_visible"].append((label, version, seen.status))
            elif data["versie"] == version and data["eigenWoorden"] != text:
                out["not_visible"].append((label, version, "other text at the same version"))
        elif put.status == 412:
            out["conflicts"] += 1
        else:
            out["unexpected"].append(f"{label} PUT {put.status} {put.body[:200]!r}")
    mine.close()
    theirs.close()


def auditor(bases: list[str], token: str, trajectories: list[str], rounds: int, out: dict) -> None:
    """Read trajectories through both servers; each read must leave exactly one log row."""
    from load import Http

    clients = [Http(b) for b in bases]
    for client in clients:
        client.token = token
    for i in range(rounds):
        client = clients[i % len(clients)]
        reply = client.request(
            "GET", f"/api/v1/trajecten/{trajectories[i % len(trajectories)]}", api=True
        )
        if reply.status == 200:
            out["reads"] += 1
        else:
            out["unexpected"].append(f"auditor GET {reply.status}")
    for client in clients:
        client.close()


# --- The scheduled commands, twice at once ------------------------------------------------------

# The Helm chart's scheduled commands (deploy/helm/nieuwestart/values.yaml, `scheduler.jobs`).
# Each is started twice at the same moment: what two hosts' schedulers would do.
JOBS: list[tuple[str, list[str]]] = [
    ("process_notifications", ["process_notifications"]),
    ("deadlines_index", ["deadlines_index"]),
    ("indicators_refresh", ["indicators_refresh"]),
    ("retention_run --apply", ["retention_run", "--apply"]),
]


def run_pair(
    name: str, command: list[str], delay: float, env: dict[str, str], zero: float, out: dict
) -> None:
    """After `delay` seconds, start `manage.py <command>` twice at the same moment and wait for
    both. Stores the exit codes, the output and when they started and ended (seconds after
    `zero`, the start of the load)."""
    time.sleep(delay)
    started = time.time()
    processes = [
        subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    output: list[tuple[str, str]] = [("", ""), ("", "")]
    ended = [0.0, 0.0]

    def wait(i: int) -> None:
        try:
            output[i] = processes[i].communicate(timeout=300)
        except subprocess.TimeoutExpired:
            processes[i].kill()
            output[i] = processes[i].communicate()
        ended[i] = round(time.time() - zero, 1)

    waiters = [threading.Thread(target=wait, args=(i,)) for i in range(2)]
    for waiter in waiters:
        waiter.start()
    for waiter in waiters:
        waiter.join()
    out[name] = {
        "codes": [p.returncode for p in processes],
        "stdout": [o for o, _ in output],
        "stderr": [e for _, e in output],
        "started": round(started - zero, 1),
        "ended": ended,
    }


def job_line(job: dict) -> str:
    """The two runs' exit codes and output, on one line, for a check's text."""
    outputs = " | ".join(out.strip().replace("\n", " ")[-300:] for out in job["stdout"])
    return f"exit {job['codes']}, started +{job['started']} s, ended +{job['ended']} s: {outputs}"


def prepare_retention(trajectories: int) -> dict[str, Any]:
    """Make removals due that two concurrent `retention_run --apply` must each carry out once.

    The generated closed trajectories are past their terms (closed up to 3 years ago), but a
    removal needs an announcement at least RETENTION_NOTICE_DAYS old, and this database is new.
    So: a real dry run announces what is due (one `RetentionItem` per trajectory and category),
    and for `trajectories` of them (picked by UUID, so a mix of closings over 6 and over 24
    months ago) the announcement is moved back past the notice period. Allowed only because
    this script made this database and drops it at the end. The rest stays announced today:
    the concurrent runs must leave it alone."""
    from django.conf import settings
    from django.db import connection

    from nieuwestart.retention.models import RetentionItem
    from nieuwestart.retention.services import retention_run

    retention_run(apply=False)
    announced = RetentionItem.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT trajectory_uuid FROM retention_retentionitem "
            "ORDER BY trajectory_uuid LIMIT %s",
            [trajectories],
        )
        chosen = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "UPDATE retention_retentionitem SET first_reported_at = first_reported_at - "
            "make_interval(days => %s) WHERE trajectory_uuid = ANY(%s) RETURNING id",
            [settings.RETENTION_NOTICE_DAYS + 1, chosen],
        )
        aged = {row[0] for row in cursor.fetchall()}
    return {"announced": announced, "trajectories": chosen, "items": aged}


def check_deadlines(checks: Checks, job: dict) -> dict[str, Any]:
    """Both runs succeed, every open trajectory has its one index row, and every row marked
    current holds exactly what the rules give now."""
    from collections import defaultdict

    from django.db import connection
    from django.utils import timezone

    from nieuwestart.deadlines.index import _compute, terms_key
    from nieuwestart.deadlines.models import DeadlineIndex, OpenDeadline
    from nieuwestart.deadlines.selectors import terms
    from nieuwestart.trajectories.models import Phase, Trajectory

    # 0 only. 3 means a row marked current differed from the rules: here every write goes
    # through the services, which mark the row stale in the write's transaction, so 3 would
    # be a write path that does not, or one run storing rows over the other's: both unsafe.
    checks.check(job["codes"] == [0, 0], f"both deadlines_index runs succeeded ({job_line(job)})")
    today = timezone.localdate()
    current_terms = terms()
    key = terms_key(current_terms)
    open_ids = set(Trajectory.objects.exclude(phase=Phase.CLOSED).values_list("pk", flat=True))
    index = {
        pk: (terms_, valid_until)
        for pk, terms_, valid_until in DeadlineIndex.objects.values_list(
            "trajectory_id", "terms_key", "valid_until"
        )
    }
    missing = open_ids - index.keys()
    current = sorted(
        pk
        for pk in open_ids & index.keys()
        if index[pk][0] == key and (index[pk][1] is None or index[pk][1] >= today)
    )
    stale = len(open_ids) - len(missing) - len(current)
    stored: dict[int, set] = defaultdict(set)
    for pk, code, who, due in OpenDeadline.objects.filter(trajectory_id__in=current).values_list(
        "trajectory_id", "code", "responsible", "due"
    ):
        stored[pk].add((code, who, due))
    computed = _compute(current, today, current_terms)
    differ = [
        pk for pk in current if stored[pk] != set(computed[pk].rows if pk in computed else [])
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT trajectory_id, code FROM deadlines_opendeadline "
            "GROUP BY 1, 2 HAVING count(*) > 1) d"
        )
        twice = cursor.fetchone()[0]
    rows = sum(len(stored[pk]) for pk in current)
    checks.check(
        not missing and not differ and twice == 0,
        f"deadline index: {len(open_ids)} open trajectories, {len(missing)} without an index "
        f"row; {len(current)} current ({rows} open deadlines), {len(differ)} of them differ "
        f"from the rules now; {stale} marked stale by a later write (recomputed when read); "
        f"{twice} deadlines stored twice",
    )
    return {
        "open_trajectories": len(open_ids),
        "current": len(current),
        "stale": stale,
        "missing": len(missing),
        "differ": len(differ),
        "open_deadlines": rows,
    }


def indicator_state() -> dict[str, Any]:
    """Everything a refresh writes, without row ids and times: the facts per trajectory, their
    child rows and the snapshot's rows (as counters: a row stored twice counts twice)."""
    from nieuwestart.indicators.models import (
        IndicatorFactMonth,
        IndicatorRowMonth,
        MeetingAttendanceFact,
        MeetingTermFact,
        TrajectoryFact,
    )

    def columns(model: Any, leave_out: tuple[str, ...]) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields if f.name not in leave_out]

    facts = {
        row[0]: row[1:]
        for row in TrajectoryFact.objects.values_list(
            "trajectory_id", *columns(TrajectoryFact, ("trajectory", "refreshed_at"))
        )
    }
    result: dict[str, Any] = {"facts": facts}
    for label, model in (
        ("terms", MeetingTermFact),
        ("meetings", MeetingAttendanceFact),
        ("fact_months", IndicatorFactMonth),
        ("row_months", IndicatorRowMonth),
    ):
        result[label] = Counter(model.objects.values_list(*columns(model, ("id", "snapshot"))))
    return result


def check_indicators(checks: Checks, job: dict, started: float) -> dict[str, Any]:
    """Both runs succeed and leave one snapshot, every trajectory's facts were refreshed, and
    what they left equals what one more refresh on its own gives."""
    import datetime as dt

    from django.utils import timezone

    from nieuwestart.indicators.models import (
        IndicatorFactMonth,
        IndicatorRowMonth,
        IndicatorSnapshot,
        TrajectoryFact,
    )
    from nieuwestart.indicators.services import indicator_facts_refresh
    from nieuwestart.trajectories.models import Trajectory

    trajectories = Trajectory.objects.count()
    said = [f"{trajectories} trajectories refreshed" in out for out in job["stdout"]]
    checks.check(
        job["codes"] == [0, 0] and all(said),
        f"both indicators_refresh runs succeeded, each over all {trajectories} trajectories "
        f"({job_line(job)})",
    )
    snapshots = list(IndicatorSnapshot.objects.values_list("pk", "as_of"))
    snapshot_ids = [pk for pk, _ in snapshots]
    strays = (
        IndicatorFactMonth.objects.exclude(snapshot_id__in=snapshot_ids[-1:]).count()
        + IndicatorRowMonth.objects.exclude(snapshot_id__in=snapshot_ids[-1:]).count()
    )
    checks.check(
        len(snapshots) == 1 and snapshots[0][1] == timezone.localdate() and strays == 0,
        f"one indicator snapshot left, of today ({len(snapshots)} snapshots: {snapshots}; "
        f"{strays} month rows of another snapshot)",
    )
    since = dt.datetime.fromtimestamp(started, tz=dt.UTC)
    facts = TrajectoryFact.objects.count()
    refreshed = TrajectoryFact.objects.filter(refreshed_at__gte=since).count()
    before = indicator_state()
    t0 = time.time()
    indicator_facts_refresh()
    single = round(time.time() - t0, 1)
    after = indicator_state()
    differ = [label for label in before if before[label] != after[label]]
    changed = sum(1 for pk, row in after["facts"].items() if before["facts"].get(pk) != row)
    checks.check(
        facts == trajectories == refreshed and not differ,
        f"indicator facts: {facts} rows for {trajectories} trajectories, {refreshed} written by "
        f"the two runs; one more refresh on its own ({single} s) changes nothing "
        f"({len(before['terms'])} meeting terms, {len(before['meetings'])} meetings, "
        f"{sum(before['fact_months'].values()) + sum(before['row_months'].values())} snapshot "
        f"rows; differing: {differ or 'none'}, {changed} fact rows)",
    )
    return {
        "facts": facts,
        "meeting_terms": sum(before["terms"].values()),
        "snapshot_rows": sum(before["fact_months"].values()) + sum(before["row_months"].values()),
        "snapshots": len(snapshots),
        "single_refresh_seconds": single,
    }


def check_retention(checks: Checks, job: dict, prepared: dict[str, Any]) -> dict[str, Any]:
    """Both runs succeed; every removal announced long enough ago is carried out once, by one
    of the two, with one log entry; nothing announced later is touched."""
    from nieuwestart.audit.models import Channel, ProcessingLogEntry
    from nieuwestart.audit.services import PURGE_PURPOSE
    from nieuwestart.retention.models import ItemStatus, RetentionItem, RetentionReport, RunMode
    from nieuwestart.trajectories.models import Trajectory

    reports = list(RetentionReport.objects.filter(mode=RunMode.APPLY).order_by("pk"))
    errors = [r.errors for r in reports if r.errors]
    checks.check(
        job["codes"] == [0, 0] and len(reports) == 2 and not errors,
        f"both retention_run --apply runs succeeded, {len(reports)} reports, errors: "
        f"{errors or 'none'} ({job_line(job)})",
    )
    aged: set[int] = prepared["items"]
    done = {
        pk: (trajectory, category, report)
        for pk, trajectory, category, report in RetentionItem.objects.filter(
            status=ItemStatus.DONE
        ).values_list("pk", "trajectory_uuid", "category", "done_report_id")
    }
    waiting = RetentionItem.objects.filter(status=ItemStatus.PROPOSED).count()
    checks.check(
        bool(aged) and set(done) == aged,
        f"retention: {len(aged)} removals announced long enough ago on "
        f"{len(prepared['trajectories'])} closed trajectories, {len(set(done) & aged)} carried "
        f"out; {len(set(done) - aged)} carried out that were announced today (must be 0), "
        f"{waiting} of {prepared['announced'] - len(aged)} still waiting",
    )
    entries = Counter(
        (str(trajectory), categories)
        for trajectory, categories in ProcessingLogEntry.objects.filter(
            purpose=PURGE_PURPOSE, channel=Channel.SYSTEM
        )
        .exclude(categories="verwerkingenlog")
        .values_list("trajectory_uuid", "categories")
    )
    expected = Counter((str(t), category) for t, category, _ in done.values())
    twice = sum(1 for n in entries.values() if n > 1)
    checks.check(
        entries == expected,
        f"one log entry per removal: {sum(entries.values())} entries for {len(done)} removals, "
        f"{twice} logged twice, {len(expected - entries)} not logged",
    )
    by_trajectory: dict[str, set[int]] = {}
    for trajectory, _category, report in done.values():
        by_trajectory.setdefault(str(trajectory), set()).add(report)
    shared = [t for t, runs in by_trajectory.items() if len(runs) > 1]
    per_run = {r.pk: sum(c["uitgevoerd"] for c in r.summary.values()) for r in reports}
    split = Counter(next(iter(runs)) for runs in by_trajectory.values())
    checks.check(
        not shared and sum(per_run.values()) == len(done),
        f"each trajectory handled by one run: the runs carried out {list(per_run.values())} "
        f"removals on {[split[pk] for pk in per_run]} trajectories; {len(shared)} trajectories "
        "touched by both",
    )
    identity = [t for t, category, _ in done.values() if category == "identiteit"]
    named = Trajectory.objects.filter(uuid__in=identity).exclude(
        person__bsn__startswith="X", person__surname=""
    )
    checks.check(
        not named.exists(),
        f"the {len(identity)} trajectories whose identity was due now have a placeholder person "
        f"({named.count()} still with their own)",
    )
    return {
        "announced": prepared["announced"],
        "due": len(aged),
        "trajectories": len(prepared["trajectories"]),
        "carried_out": len(done),
        "per_run": list(per_run.values()),
        "log_entries": sum(entries.values()),
        "logged_twice": twice,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--writes", type=int, default=40, help="screening saves per writer")
    parser.add_argument(
        "--retention-trajectories",
        type=int,
        default=120,
        help="closed trajectories whose removals are made due for the concurrent retention runs",
    )
    parser.add_argument(
        "--stagger", type=float, default=1.0, help="seconds between starting the command pairs"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("Needs PostgreSQL: run under scripts/with-postgres.sh", file=sys.stderr)
        return 2
    started = time.time()
    name = f"nieuwestart_multihost_{os.getpid()}"
    database = with_database(base_url, name)
    admin_sql(with_database(base_url, "postgres"), f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("NIEUWESTART_TESTING", "1")
    sink = SmtpSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    smtp_port = sink.server_address[1]
    mail_env = {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
    }
    servers: list[subprocess.Popen[bytes]] = []
    checks = Checks()
    summary: dict[str, Any] = {"database": name}
    try:
        t0 = time.time()
        subprocess.run(  # noqa: S603
            [
                PYTHON,
                str(ROOT / "scripts/national/generate.py"),
                "--scale",
                str(args.scale),
                "--sparse-accounts",
            ],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        summary["generate_seconds"] = round(time.time() - t0, 1)
        print(f"Generated scale {args.scale} in {summary['generate_seconds']} s", flush=True)

        import load
        from load import free_port, server_env, start_gunicorn, stop_gunicorn

        env = server_env({**mail_env, "DJANGO_LOG_LEVEL": "ERROR"})
        ports = [free_port(), free_port()]
        while ports[1] == ports[0]:
            ports[1] = free_port()
        for port in ports:
            servers.append(start_gunicorn(port, args.workers, args.threads, env))
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        print(f"Two servers: {', '.join(bases)} ({args.workers} workers each)", flush=True)

        # Django here only to pick users and count rows (the servers are separate processes).
        setup_django()
        from django.db import connection

        from nieuwestart.accounts.models import Role, User
        from nieuwestart.accounts.services import api_token_create
        from nieuwestart.audit.models import ProcessingLogEntry
        from nieuwestart.notify.models import Notification, OutboxMessage, OutboxStatus
        from nieuwestart.screening.models import Screening
        from nieuwestart.trajectories.models import Assignment

        personas = load.prepare_personas(args.clients, 1, seed=2)
        jars = load.sign_in_all(bases, personas)
        busy = {p.username for p in personas}
        # The writers: a casemanager not in the load, on one of their screened trajectories.
        assignment = (
            Assignment.objects.filter(
                role=Role.CASEMANAGER, active=True, trajectory__screening__isnull=False
            )
            .exclude(user__username__in=busy)
            .exclude(trajectory__phase="afgesloten")
            .select_related("user", "trajectory")
            .order_by("id")
            .first()
        )
        assert assignment is not None, "no screened trajectory with a casemanager"
        writer_user, target = assignment.user, assignment.trajectory
        screening = Screening.objects.get(trajectory=target)
        start_version = screening.version
        writer_token = api_token_create(user=writer_user)
        # The auditor: another casemanager, not in the load, and their trajectories.
        audit_user = (
            User.objects.filter(role=Role.CASEMANAGER, username__startswith="nat.")
            .exclude(username__in=busy | {writer_user.username})
            .filter(assignments__active=True)
            .distinct()
            .order_by("id")
            .first()
        )
        assert audit_user is not None
        audit_trajectories = [
            str(u)
            for u in Assignment.objects.filter(user=audit_user, active=True).values_list(
                "trajectory__uuid", flat=True
            )
        ]
        audit_token = api_token_create(user=audit_user)
        log_before = ProcessingLogEntry.objects.filter(user=audit_user).count()
        writes_log_before = ProcessingLogEntry.objects.filter(
            user=writer_user, action="wijzigen", trajectory_uuid=target.uuid
        ).count()
        t0 = time.time()
        prepared = prepare_retention(args.retention_trajectories)
        print(
            f"Retention: a dry run announced {prepared['announced']} removals; "
            f"{len(prepared['items'])} of them, on {len(prepared['trajectories'])} trajectories, "
            f"made due ({time.time() - t0:.1f} s)",
            flush=True,
        )
        connection.close()

        write_out: dict[str, Any] = {
            "accepted": [],
            "conflicts": 0,
            "not_visible": [],
            "unexpected": [],
            "unknown": [],
        }
        audit_out: dict[str, Any] = {"reads": 0, "unexpected": []}
        load_out: dict[str, Any] = {}
        scheduler_env = {**os.environ, **env}
        threads = [
            threading.Thread(
                target=lambda: load_out.update(
                    load.run_load(
                        bases,
                        personas,
                        jars,
                        profile="mixed",
                        naive=False,
                        duration=args.duration,
                        requests=10**6,
                        warmup=0,
                        seed=3,
                    )
                )
            ),
            threading.Thread(
                target=writer,
                args=(
                    bases[0],
                    bases[1],
                    writer_token,
                    str(target.uuid),
                    "A",
                    args.writes,
                    write_out,
                ),
            ),
            threading.Thread(
                target=writer,
                args=(
                    bases[1],
                    bases[0],
                    writer_token,
                    str(target.uuid),
                    "B",
                    args.writes,
                    write_out,
                ),
            ),
            threading.Thread(
                target=auditor, args=(bases, audit_token, audit_trajectories, 60, audit_out)
            ),
        ]
        # Each scheduled command twice at once, the pairs a little apart, all in the load.
        load_started = time.time()
        jobs: dict[str, dict[str, Any]] = {}
        first = min(3.0, args.duration / 4)
        pairs = [
            threading.Thread(
                target=run_pair,
                args=(name, command, first + i * args.stagger, scheduler_env, load_started, jobs),
            )
            for i, (name, command) in enumerate(JOBS)
        ]
        for thread in threads + pairs:
            thread.start()
        for thread in pairs:
            thread.join(timeout=330)
        for thread in threads:
            thread.join(timeout=args.duration + 120)
        all_ended = round(time.time() - load_started, 1)
        summary["jobs"] = {
            name: {k: job[k] for k in ("codes", "started", "ended")} for name, job in jobs.items()
        }
        summary["load_window"] = [0, args.duration]
        summary["everything_ended"] = all_ended
        last = max(max(job["ended"]) for job in jobs.values()) if jobs else None
        summary["commands_within_load"] = last is not None and last <= args.duration
        print(
            "Commands (seconds after the load started; the load ran "
            f"{args.duration:.0f} s"
            + ("" if summary["commands_within_load"] else ", SOME RAN PAST ITS END")
            + "): "
            + ", ".join(f"{n} +{j['started']} to +{j['ended']}" for n, j in jobs.items()),
            flush=True,
        )
        for name, job in jobs.items():
            if job["codes"] != [0, 0]:
                for err in job["stderr"]:
                    print(f"{name}: {err[-2000:]}", file=sys.stderr)

        print("Checks:", flush=True)
        report = load_out
        summary["load"] = {
            k: report.get(k) for k in ("requests", "rps", "errors", "server_errors", "seconds")
        }
        summary["load_endpoints"] = report.get("endpoints", [])
        checks.check(
            report.get("requests", 0) > 0 and report.get("server_errors", 1) == 0,
            f"mixed load on both servers: {report.get('requests')} requests, "
            f"{report.get('rps')} req/s, {report.get('server_errors')} server errors",
        )
        checks.check(
            report.get("errors", 1) == 0,
            f"no unexpected answers in the load ({report.get('errors')}; {report.get('failures')})",
        )
        accepted = write_out["accepted"]
        final = Screening.objects.get(pk=screening.pk)
        checks.check(
            not write_out["unexpected"],
            f"concurrent screening writes: {len(accepted)} accepted, "
            f"{write_out['conflicts']} answered 412, unexpected: {write_out['unexpected'][:3]}",
        )
        unknown = write_out["unknown"]
        checks.check(
            not unknown,
            f"every write got an answer ({len(unknown)} did not: timed out or connection lost; "
            f"the version and log checks below count them as maybe stored): {unknown[:3]}",
        )
        checks.check(write_out["conflicts"] > 0, "stale writes were refused with 412")
        checks.check(
            not write_out["not_visible"],
            f"every accepted write visible through the other server ({write_out['not_visible']})",
        )
        versions = [v for _, v, _ in accepted]
        stored = final.version - start_version
        checks.check(
            len(accepted) <= stored <= len(accepted) + len(unknown)
            and len(set(versions)) == len(versions),
            f"final screening version {final.version} = {start_version} + {len(accepted)} "
            f"accepted writes (+ at most {len(unknown)} unanswered), each with its own version",
        )
        last_text = max(accepted, key=lambda a: a[1])[2] if accepted else None
        checks.check(
            last_text is None or final.own_words == last_text,
            "the stored screening is the last accepted write",
        )
        writes_logged = (
            ProcessingLogEntry.objects.filter(
                user=writer_user, action="wijzigen", trajectory_uuid=target.uuid
            ).count()
            - writes_log_before
        )
        checks.check(
            writes_logged == stored,
            f"one processing-log row per stored write ({writes_logged} for {stored}: "
            f"{len(accepted)} accepted, {stored - len(accepted)} stored without an answer)",
        )
        reads_logged = ProcessingLogEntry.objects.filter(user=audit_user).count() - log_before
        checks.check(
            not audit_out["unexpected"] and reads_logged == audit_out["reads"],
            f"one processing-log row per logged read ({reads_logged} rows for "
            f"{audit_out['reads']} reads through both servers)",
        )
        notifications_job = jobs["process_notifications"]
        checks.check(
            notifications_job["codes"] == [0, 0],
            f"both process_notifications runs succeeded ({job_line(notifications_job)})",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT recipient_id, dedup_key FROM notify_notification "
                "GROUP BY 1, 2 HAVING count(*) > 1) d"
            )
            duplicates = cursor.fetchone()[0]
        notifications = Notification.objects.count()
        checks.check(duplicates == 0, f"no notification stored twice ({notifications} in all)")
        sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT).count()
        received = sink.messages
        keys = Counter((tuple(m["to"]), m["subject"]) for m in received)
        twice = [k for k, n in keys.items() if n > 1]
        checks.check(
            sent > 0 and len(received) == sent and not twice,
            f"e-mail: {sent} marked sent, {len(received)} received by the sink, "
            f"{len(twice)} received twice",
        )
        summary["deadlines"] = check_deadlines(checks, jobs["deadlines_index"])
        summary["retention"] = check_retention(checks, jobs["retention_run --apply"], prepared)
        summary["indicators"] = check_indicators(
            checks,
            jobs["indicators_refresh"],
            load_started + jobs["indicators_refresh"]["started"],
        )
        summary.update(
            {
                "accepted_writes": len(accepted),
                "conflicts_412": write_out["conflicts"],
                "audited_reads": audit_out["reads"],
                "notifications": notifications,
                "emails_sent": sent,
                "emails_received": len(received),
                "seconds": round(time.time() - started, 1),
                "checks": [{"ok": ok, "check": text} for ok, text in checks.results],
            }
        )
        connection.close()
    finally:
        for server in servers:
            from load import stop_gunicorn

            stop_gunicorn(server)
        sink.shutdown()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (Django may not be set up yet)
            pass
        admin_sql(with_database(base_url, "postgres"), f'DROP DATABASE IF EXISTS "{name}" (FORCE)')
    print(f"{'All checks passed' if checks.ok else 'FAILED'} in {time.time() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, default=str))
    return 0 if checks.ok and checks.results else 1


if __name__ == "__main__":
    sys.exit(main())
