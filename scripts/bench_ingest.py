"""Benchmark of the bulk ingest of detention notifications (issue 6; docs/benchmarks.md).

Target: 25,000 detention notifications validated and ingested in at most 5 seconds on
PostgreSQL. Run on a throwaway cluster (the script migrates and fills the database it is given):

    NIEUWESTART_TESTING=1 scripts/with-postgres.sh .venv/bin/python scripts/bench_ingest.py

It migrates, loads the reference data (25 PIs, 342 municipalities), generates a CSV file of
`--rows` valid `aanvang` notifications (one per person, spread over the open PIs and the
municipalities; some municipalities coordinate through their safety house, so those rows get a
third involvement), and times the whole import as `manage.py import_notifications --processen
N` does it: `import_batch_start` (read the file, create the batch) and `import_batch_run` with
`--workers` processes (default 2; decision 0015), each storing its partitions' rows (one
ImportRow per line) and processing them in chunks (validate, ingest). It then checks the
result (every row accepted, one trajectory, notification, event and log entry per row) and
prints one summary line. A second run of the same file in a new batch shows the cost of the
`meldingId` check when every row is a duplicate.

`--mode per-row` times the design of decision 0007 instead, on the same file: every row
validated and passed to `notification_receive` in its own transaction. Use it with a small
`--rows` (1,000): it is the baseline the bulk path was measured against.

`--mix` makes a mixed file instead: of every 20 rows, 14 new `aanvang`, 2 `wijziging` and 1
`einde` of a trajectory started earlier in the file, 1 repeated meldingId and 2 invalid rows.
Those changes go through the per-row fallback inside the chunk (docs/decisions/0013).

BSNs: never a number that could be a real BSN. The first 9,091 people get the RvIG test
numbers (9999xxxxx, all of them); beyond that (the national scale needs 25,000 distinct people)
they get synthetic BSNs from 999 000 000 on: nine digits starting with 999 that FAIL the
elfproef (weighted sum 1 more than a multiple of 11), so nobody can have one
(nieuwestart/core/bsn.py). The script turns on NIEUWESTART_SYNTHETIC_BSNS itself, so the
validation accepts them; it still computes the same elfproef for every row, and the invalid
rows of `--mix` ("123456789") are still refused. Names and dates are generated, the data lives
only in the throwaway cluster, and nothing leaves the machine (loopback only).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nieuwestart.settings")
os.environ.setdefault("NIEUWESTART_TESTING", "1")
# Synthetic BSNs beyond the RvIG test numbers (see the docstring); the settings allow this only
# together with NIEUWESTART_TESTING or DJANGO_DEBUG.
os.environ["NIEUWESTART_SYNTHETIC_BSNS"] = "1"

if not os.environ.get("DATABASE_URL"):
    sys.exit(
        "bench_ingest: set DATABASE_URL (run it through scripts/with-postgres.sh); "
        "it fills the database it is given"
    )

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from nieuwestart.core import bsn as bsn_numbers  # noqa: E402
from nieuwestart.trajectories.imports import COLUMNS  # noqa: E402

GIVEN = ["Anna", "Ali", "Kim", "Piet", "Sanne", "Mohamed", "Fatima", "Jan", "Eva", "Daan"]
PREFIX = ["", "", "", "van", "de", "van der", "el"]
SURNAME = ["Bakker", "Kaya", "Boer", "Dijk", "Jansen", "Yilmaz", "Visser", "Smit", "Meijer"]


def people_bsns(count: int) -> list[str]:
    """`count` distinct BSNs: the RvIG test numbers first, then synthetic ones (the docstring)."""
    found = bsn_numbers.test_bsns(count)
    found += bsn_numbers.synthetic_bsns(count - len(found))
    if len(found) < count:
        sys.exit(f"bench_ingest: at most {len(found)} distinct BSNs, {count} asked")
    return found


def notification_rows(count: int, *, seed: int, mix: bool, prefix: str) -> list[dict[str, str]]:
    from nieuwestart.organisations.models import Organisation, OrganisationKind

    rng = random.Random(seed)  # noqa: S311 (synthetic test data)
    prisons = list(
        Organisation.objects.filter(kind=OrganisationKind.PRISON, active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    municipalities = list(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
        .order_by("code")
        .values_list("code", flat=True)
    )
    bsns = people_bsns(count)
    today = timezone.localdate()
    rows: list[dict[str, str]] = []
    started: list[dict[str, str]] = []
    for index in range(count):
        start = today - dt.timedelta(days=rng.randint(0, 120))
        row = {
            "meldingId": f"{prefix}-{index:06d}",
            "soort": "aanvang",
            "bsn": bsns[index],
            "voornamen": rng.choice(GIVEN),
            "voorvoegsel": rng.choice(PREFIX),
            "geslachtsnaam": rng.choice(SURNAME),
            "geboortedatum": (
                dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 40 * 365))
            ).isoformat(),
            "inrichting": rng.choice(prisons),
            "startdatum": start.isoformat(),
            "verwachteEinddatum": (start + dt.timedelta(days=rng.randint(14, 400))).isoformat(),
            "gemeenteVanInschrijving": rng.choice(municipalities),
            "einddatum": "",
        }
        slot = index % 20
        if mix and slot in (14, 15) and started:
            earlier = rng.choice(started)
            row = {
                **earlier,
                "meldingId": f"{prefix}-{index:06d}",
                "soort": "wijziging",
                "verwachteEinddatum": (
                    dt.date.fromisoformat(earlier["startdatum"]) + dt.timedelta(days=500)
                ).isoformat(),
            }
        elif mix and slot == 16 and started:
            earlier = started.pop(rng.randrange(len(started)))
            row = {
                **earlier,
                "meldingId": f"{prefix}-{index:06d}",
                "soort": "einde",
                "einddatum": today.isoformat(),
            }
        elif mix and slot == 17 and rows:
            row = dict(rng.choice(rows))  # the same notification again: a duplicate
        elif mix and slot == 18:
            row["bsn"] = "123456789"  # fails the elfproef
        elif mix and slot == 19:
            row["inrichting"] = "PI-BESTAAT-NIET"
        elif row["soort"] == "aanvang":
            started.append(row)
        rows.append(row)
    return rows


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def actor():  # type: ignore[no-untyped-def]
    from nieuwestart.accounts.models import Role, User
    from nieuwestart.organisations.models import Organisation, OrganisationKind

    org, _ = Organisation.objects.get_or_create(
        code="KETEN-BENCH", defaults={"kind": OrganisationKind.CHAIN, "name": "Ketenbeheer"}
    )
    user, _ = User.objects.get_or_create(
        username="bench-beheer",
        defaults={"organisation": org, "role": Role.ADMINISTRATOR, "first_name": "Bench"},
    )
    return user


def _proc_times(pid: int) -> tuple[float, float, int]:
    """(own CPU, CPU of children waited for, parent pid) of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    own = (int(fields[11]) + int(fields[12])) / tick
    children = (int(fields[13]) + int(fields[14])) / tick
    return own, children, int(fields[1])


def database_cpu() -> float | None:
    """CPU seconds used so far by this PostgreSQL cluster: the postmaster, its live processes
    and the ones that ended (a backend's time goes to the postmaster when it exits). Same
    machine only."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        postmaster = _proc_times(backend)[2]
        own, ended, _ppid = _proc_times(postmaster)
        total = own + ended
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    child_own, _c, parent = _proc_times(int(entry.name))
                except OSError:
                    continue
                if parent == postmaster:
                    total += child_own
    except OSError:
        return None
    return total


def client_cpu() -> float:
    """CPU seconds of this process and of the worker processes it waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_import(
    user, content: bytes, *, chunk_size: int, workers: int
) -> tuple[float, float, object, str]:  # type: ignore[no-untyped-def]
    from nieuwestart.trajectories.imports import (
        import_batch_run,
        import_batch_start,
        read_notifications,
    )

    server0, client0 = database_cpu(), client_cpu()
    t0 = time.perf_counter()
    notifications = read_notifications(content)
    batch = import_batch_start(
        actor=user, file_name="bench.csv", content=content, notifications=notifications
    )
    t1 = time.perf_counter()
    import_batch_run(
        actor=user,
        batch=batch,
        workers=workers,
        chunk_size=chunk_size,
        content=content,
        notifications=notifications,
    )
    t2 = time.perf_counter()
    server1, client1 = database_cpu(), client_cpu()
    cpu = f"CPU: client {client1 - client0:.2f} s"
    if server0 is not None and server1 is not None:
        cpu += f", database {server1 - server0:.2f} s"
    return t1 - t0, t2 - t1, batch, cpu


def run_per_row(user, content: bytes) -> float:  # type: ignore[no-untyped-def]
    """Decision 0007's design: validate, then one transaction per row."""
    from nieuwestart.audit.models import Channel
    from nieuwestart.trajectories.imports import parse_file, row_to_notification
    from nieuwestart.trajectories.notifications import InvalidNotification, validate_notification
    from nieuwestart.trajectories.services import ServiceError, notification_receive

    today = timezone.localdate()
    t0 = time.perf_counter()
    for row in parse_file(content):
        try:
            notification = validate_notification(row_to_notification(row), today=today)
            with transaction.atomic():
                notification_receive(actor=user, notification=notification, channel=Channel.SYSTEM)
        except (InvalidNotification, ServiceError):
            pass
    return time.perf_counter() - t0


def counts() -> dict[str, int]:
    from nieuwestart.audit.models import ProcessingLogEntry
    from nieuwestart.trajectories.models import (
        DetentionNotification,
        Involvement,
        Person,
        Trajectory,
        TrajectoryEvent,
    )

    return {
        "persons": Person.objects.count(),
        "trajectories": Trajectory.objects.count(),
        "involvements": Involvement.objects.count(),
        "notifications": DetentionNotification.objects.count(),
        "events": TrajectoryEvent.objects.count(),
        "log": ProcessingLogEntry.objects.filter(purpose="detentiemelding verwerken").count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--mode", choices=["import", "per-row"], default="import")
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument(
        "--workers", type=int, default=2, help="processes side by side (decision 0015)"
    )
    parser.add_argument("--mix", action="store_true", help="a mixed file (see the docstring)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--target", type=float, default=5.0, help="seconds (import mode)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference_data", verbosity=0)
    user = actor()
    rows = notification_rows(args.rows, seed=args.seed, mix=args.mix, prefix="BENCH")
    content = as_csv(rows)
    print(
        f"bench_ingest: {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}, "  # type: ignore[attr-defined]
        f"{args.rows} rows ({'mixed' if args.mix else 'aanvang'}), {len(content) // 1024} KiB, "
        f"mode {args.mode}, chunk {args.chunk_size}, workers {args.workers}",
        flush=True,
    )

    if args.mode == "per-row":
        seconds = run_per_row(user, content)
        result = counts()
        print(
            f"per-row: {seconds:.2f} s for {args.rows} rows, {seconds / args.rows * 1000:.2f} ms "
            f"per row, {args.rows / seconds:.0f} rows/s; {result}"
        )
        return 0

    from nieuwestart.trajectories.imports import import_summary

    load = os.getloadavg()[0]
    store, process, batch, cpu = run_import(
        user, content, chunk_size=args.chunk_size, workers=args.workers
    )
    summary = import_summary(batch)  # type: ignore[arg-type]
    result = counts()
    total = store + process
    print(
        f"read {store:.2f} s + store and process {process:.2f} s = {total:.2f} s "
        f"({args.rows / total:.0f} rows/s); {cpu}; load average before {load:.1f}"
    )
    print(f"rows: {summary}")
    print(f"database: {result}")
    ok = summary["wachtend"] == 0
    if not args.mix:
        expected = args.rows
        ok = ok and summary["geaccepteerd"] == expected
        ok = ok and all(result[k] == expected for k in ("persons", "trajectories", "log"))
        ok = ok and result["notifications"] == expected and result["events"] == expected

    # The same file again, as a new batch: every row is a duplicate and changes nothing.
    store2, process2, batch2, _cpu = run_import(
        user, content, chunk_size=args.chunk_size, workers=args.workers
    )
    summary2 = import_summary(batch2)  # type: ignore[arg-type]
    again = counts()
    print(
        f"rerun of the same file: {store2 + process2:.2f} s; "
        f"dubbel {summary2['dubbel']}, database unchanged: {again == result}"
    )
    ok = ok and again == result
    if not args.mix:
        ok = ok and summary2["dubbel"] == args.rows

    met = total <= args.target
    print(
        f"bench_ingest: {'OK' if ok else 'WRONG RESULT'}; {args.rows} notifications validated "
        f"and ingested in {total:.2f} s (target {args.target:.0f} s: "
        f"{'met' if met else 'NOT met'})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
