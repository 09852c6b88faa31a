"""Two app servers against one PostgreSQL, at the same time (issue 6 item 2; docs/scaling.md).

    NIEUWESTART_TESTING=1 scripts/with-postgres.sh .venv/bin/python scripts/national/multihost.py

What it does, all on 127.0.0.1:
1. Creates a fresh database next to the one in DATABASE_URL (dropped at the end), migrates it and
   fills it with `generate.py --scale` (default 0.01: about 1,100 trajectories).
2. Starts an SMTP sink and TWO separate gunicorn instances (two "hosts": different ports, 2
   workers each) on that one database.
3. For `--duration` seconds, at the same time: the mixed load of load.py against both servers;
   two writers saving the SAME screening with If-Match, one through each server; an auditor
   reading trajectories through both servers; and `manage.py process_notifications` started
   twice at once (two hosts' schedulers).
4. Checks, and exits non-zero when one fails:
   - no server error (5xx or a failed connection) and no other unexpected answer;
   - every accepted screening write is visible through the other server straight away, a stale
     write is answered 412, and the screening's final version equals its start version plus the
     accepted writes (no silent overwrite, no lost update);
   - exactly one processing-log row per logged read of the auditor, and one per accepted write;
   - both schedulers succeed; no notification is stored twice for a user; every e-mail the
     outbox marks as sent reached the SMTP sink exactly once, and nothing reached it twice.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--writes", type=int, default=40, help="screening saves per writer")
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
        for thread in threads:
            thread.start()
        time.sleep(min(3.0, args.duration / 4))
        schedulers = [
            subprocess.Popen(  # noqa: S603
                [PYTHON, "manage.py", "process_notifications"],
                cwd=ROOT,
                env=scheduler_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        scheduler_output = [s.communicate(timeout=300) for s in schedulers]
        for thread in threads:
            thread.join(timeout=args.duration + 120)

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
        codes = [s.returncode for s in schedulers]
        checks.check(
            codes == [0, 0],
            f"both schedulers finished ({codes}): "
            + " | ".join(out.strip().replace("\n", " ") for out, _ in scheduler_output),
        )
        if codes != [0, 0]:
            for _, err in scheduler_output:
                print(err[-2000:], file=sys.stderr)
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
