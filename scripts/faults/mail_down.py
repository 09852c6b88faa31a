"""Fault: the mail server is down, then comes back (docs/resilience.md).

    .venv/bin/python scripts/faults/mail_down.py [--messages 25]

Starts its own PostgreSQL cluster with a migrated database and queues `--messages` e-mails in
the outbox (`notify.outbox.outbox_queue`, as the digests do). The app's SMTP settings point at
a loopback port where nothing listens. The scheduler (`manage.py process_notifications
--alleen-bezorgen`, a separate process each time) runs three times: nothing is sent, nothing
is lost, every failed message waits with backoff (its next attempt at least 4 minutes away),
and a message that failed is not tried again before its time.

Then time passes: the script moves the waiting messages' next attempt back by an hour (the
only shortcut; the backoff is 5 minutes and up). A tiny SMTP server (socketserver, standard
library only) starts on that port, the scheduler runs until the outbox is empty, and once more.
Checked: the server received every message exactly once, the outbox says `verstuurd` for all,
and the extra run sent nothing.
"""

from __future__ import annotations

import argparse
import socketserver
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes

from faultlib import app_env, cluster, finish, free_port, log, manage

NAME = "mail_down"

QUEUE = """
import json
from nieuwestart.notify.outbox import outbox_queue
for index in range(COUNT):
    outbox_queue(to=f"ontvanger{index}@test.example", subject=f"Nieuwe Start: overzicht {index}",
                 body_text=f"Bericht {index}", dedup_key=f"storing-{index}")
print(json.dumps(COUNT))
"""


class Sink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), SmtpHandler)
        self.received: list[tuple[str, str]] = []  # (recipient, subject)
        self.lock = threading.Lock()


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for Django's backend: no TLS, no authentication."""

    server: Sink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost nieuwestart-storingstest")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if data in (b".\r\n", b".\n", b""):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = message_from_bytes(b"".join(lines))
                with self.server.lock:
                    for recipient in recipients:
                        self.server.received.append((recipient, str(message["Subject"])))
                self.reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


def outbox(pg_psql, db: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = pg_psql("SELECT status, count(*) FROM notify_outboxmessage GROUP BY status", db)
    return {status: int(n) for status, n in (line.split("|") for line in rows.splitlines() if line)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=25)
    args = parser.parse_args()
    started = time.monotonic()
    problems: list[str] = []
    port = free_port()  # nothing listens here until the sink starts
    with cluster() as pg:
        log(NAME, f"PostgreSQL on 127.0.0.1:{pg.port}; mail server port 127.0.0.1:{port}")
        env = app_env(
            pg.create_database("mail"),
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            DJANGO_EMAIL_HOST="127.0.0.1",
            DJANGO_EMAIL_PORT=str(port),
            DJANGO_EMAIL_TIMEOUT="3",
        )
        manage(["migrate", "--noinput"], env)
        manage(["shell", "--no-imports", "-c", QUEUE.replace("COUNT", str(args.messages))], env)
        total = args.messages

        for run in range(1, 4):
            manage(["process_notifications", "--alleen-bezorgen"], env)
            state = outbox(pg.psql, "mail")
            tried = pg.psql(
                "SELECT count(*), coalesce(max(attempts), 0), "
                "count(*) FILTER (WHERE next_attempt_at < now() + interval '4 minutes'), "
                "count(*) FILTER (WHERE last_error LIKE '%Connection%refused%') "
                "FROM notify_outboxmessage WHERE attempts > 0",
                "mail",
            ).split("|")
            count, highest, too_soon, refused = (int(x) for x in tried)
            log(NAME, f"mail server down, run {run}: {state}, {count} tried once")
            if state != {"wachtend": total}:
                problems.append(f"run {run} while down: outbox {state}")
            if count != run or highest != 1 or too_soon or refused != count:
                problems.append(
                    f"run {run} while down: {count} tried, at most {highest} attempts, "
                    f"{too_soon} due within 4 minutes, {refused} with 'connection refused'"
                )

        pg.psql(
            "UPDATE notify_outboxmessage SET next_attempt_at = next_attempt_at - interval '1 hour' "
            "WHERE status = 'wachtend'",
            "mail",
        )
        sink = Sink(port)
        thread = threading.Thread(target=sink.serve_forever, daemon=True)
        thread.start()
        try:
            runs = 0
            while outbox(pg.psql, "mail").get("wachtend", 0) and runs < 5:
                manage(["process_notifications", "--alleen-bezorgen"], env)
                runs += 1
            after_delivery = len(sink.received)
            manage(["process_notifications", "--alleen-bezorgen"], env)
        finally:
            sink.shutdown()
            sink.server_close()
        state = outbox(pg.psql, "mail")
        per_message = Counter(sink.received)
        if state != {"verstuurd": total}:
            problems.append(f"after the mail server came back: outbox {state}")
        if len(per_message) != total or set(per_message.values()) != {1}:
            problems.append(
                f"the mail server received {len(sink.received)} messages, "
                f"{len(per_message)} different, of {total}"
            )
        if len(sink.received) != after_delivery:
            problems.append("the run after delivery sent messages again")
    summary = (
        f"{total} e-mails queued while the mail server was down: 3 scheduler runs sent 0, lost "
        f"0, backoff kept; after it came back {len(sink.received)} received, each exactly once, "
        f"in {runs} run(s); a further run sent nothing ({time.monotonic() - started:.0f} s)"
    )
    return finish(NAME, not problems, "; ".join(problems[:5]) if problems else summary)


if __name__ == "__main__":
    sys.exit(main())
