"""Drill: back up the database with pg_dump and restore it into a new one (docs/resilience.md).

    .venv/bin/python scripts/faults/backup_restore.py [--trajectories 200]

Starts its own PostgreSQL cluster and fills a database as `make demo` does (`migrate`,
`load_reference_data`, `demo_data` with NIEUWESTART_DEMO=1): organisations, accounts,
trajectories with screenings, plans, meetings, referrals, handovers and their processing log.
Then, as the application's own database role (no superuser needed):

    pg_dump -Fc -f nieuwestart.dump nieuwestart
    createdb restored; pg_restore --no-owner --no-privileges -d restored nieuwestart.dump

Checked: every table has the same row count in both databases; a checksum over every row of
the key tables (people, trajectories, screenings, plans, users, the processing log) is equal;
the append-only triggers of the processing log (audit migration 0002) exist in the restored
database and refuse an UPDATE there; `manage.py migrate --check` finds nothing to do; and the
application can write in the restored database (a new log row gets a fresh id: the sequences
came along).

Then the retention step after a restore (docs/retention.md, "Backups and restore"): the backup
was made after a retention run had announced removals and before they were carried out, so the
restore brings back data that the source database has removed since. The drill runs the step
the runbook prescribes, `retention_run --apply`, on the restored database and checks that it
ends as the source did: the same people shown on each trajectory (names, BSN, birth date), the
same row counts in the chain's tables, the same removals done per category, each with its log
entry. The clock is moved on with the service's `now` (20 years, past every term, and the
notice period), not by editing dates.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from faultlib import Cluster, app_env, cluster, django_json, finish, log, manage

NAME = "backup_restore"
KEY_TABLES = [
    "accounts_user",
    "trajectories_person",
    "trajectories_trajectory",
    "screening_screening",
    "plans_plan",
    "audit_processinglogentry",
]
TRIGGERS = {"audit_log_append_only", "audit_log_no_truncate"}
WRITE = """
import json
from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.audit.services import log_processing
highest = ProcessingLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
entry = log_processing(actor=None, action="raadplegen", categories=[], purpose="hersteloefening",
                       channel="systeem", detail="schrijftest na herstel")
print(json.dumps([highest, entry.pk]))
"""


# Moved clock for the retention step: the announcement, the source's removal after the backup,
# the restored database's removal after the restore.
RETENTION = """
import datetime as dt, json
from django.conf import settings
from django.utils import timezone
from nieuwestart.retention.services import retention_run
announced = timezone.now() + dt.timedelta(days=20 * 366)
at = {"announce": announced,
      "source": announced + dt.timedelta(days=settings.RETENTION_NOTICE_DAYS + 1),
      "restored": announced + dt.timedelta(days=settings.RETENTION_NOTICE_DAYS + 2)}[STEP]
report = retention_run(apply=STEP != "announce", now=at)
print(json.dumps({"errors": report.errors, "summary": report.summary}))
"""
# What a user sees of each trajectory's person (person rows' own ids and uuids differ: a
# removal makes a new anonymous person in each database).
SHOWN = (
    "SELECT md5(string_agg(concat_ws('|', t.uuid, p.bsn, p.given_names, p.surname_prefix,"
    " p.surname, p.birth_date), E'\\n' ORDER BY t.uuid))"
    " FROM trajectories_trajectory t JOIN trajectories_person p ON p.id = t.person_id"
)
DONE = (
    "SELECT coalesce(string_agg(category || ':' || n, ',' ORDER BY category), '') FROM"
    " (SELECT category, count(*) AS n FROM retention_retentionitem"
    "  WHERE done_at IS NOT NULL GROUP BY category) d"
)
PLANNER_LOG = "SELECT count(*) FROM audit_processinglogentry WHERE username = 'systeem:planner'"


def retention(step: str, env: dict[str, str]) -> dict[str, Any]:
    """One retention run at the moved clock. The log's own term is set past the moved clock:
    the database refuses to purge log rows younger than the term by its own clock (audit
    migration 0003), and the drill is about the chain data."""
    log_term = {"NIEUWESTART_BEWAARTERMIJN_LOG_MAANDEN": "600"}
    result: dict[str, Any] = django_json(RETENTION.replace("STEP", repr(step)), env | log_term)
    return result


def chain_counts(pg: Cluster, db: str) -> dict[str, int]:
    """Row counts of the chain's tables: not the log, the retention reports or sessions."""
    skip = ("audit_", "retention_", "django_session")
    return {t: n for t, n in table_counts(pg, db).items() if not t.startswith(skip)}


def table_counts(pg: Cluster, db: str) -> dict[str, int]:
    tables = pg.psql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", db
    ).split()
    return {t: int(pg.psql(f'SELECT count(*) FROM "{t}"', db)) for t in tables}  # noqa: S608


def checksum(pg: Cluster, db: str, table: str) -> str:
    return pg.psql(f"SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) FROM {table} t", db)  # noqa: S608


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=200)
    args = parser.parse_args()
    started = time.monotonic()
    problems: list[str] = []
    with cluster() as pg:
        log(NAME, f"PostgreSQL on 127.0.0.1:{pg.port}; loading the demo data")
        env = app_env(pg.create_database("nieuwestart"))
        demo_env = {**env, "NIEUWESTART_DEMO": "1"}
        manage(["migrate", "--noinput"], env)
        manage(["load_reference_data"], env)
        manage(["demo_data", "--trajecten", str(args.trajectories)], demo_env)
        announced = retention("announce", env)
        if not any(c["voorgesteld"] for c in announced["summary"].values()):
            return finish(NAME, False, f"the retention run announced nothing: {announced}")

        dump = Path(pg.workdir.parent) / f"{pg.workdir.name}.dump"
        try:
            t0 = time.monotonic()
            result = pg.tool("pg_dump", "-Fc", "-f", str(dump), "nieuwestart", user="nieuwestart")
            dump_seconds = time.monotonic() - t0
            if result.returncode != 0:
                return finish(NAME, False, f"pg_dump failed: {result.stderr[-500:]}")
            size = dump.stat().st_size
            pg.create_database("restored")
            t0 = time.monotonic()
            result = pg.tool(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                "restored",
                str(dump),
                user="nieuwestart",
            )
            restore_seconds = time.monotonic() - t0
            if result.returncode != 0:
                return finish(NAME, False, f"pg_restore failed: {result.stderr[-500:]}")
        finally:
            dump.unlink(missing_ok=True)
        log(
            NAME,
            f"dump {size / 1e6:.1f} MB in {dump_seconds:.1f} s, restore {restore_seconds:.1f} s",
        )

        source, restored = table_counts(pg, "nieuwestart"), table_counts(pg, "restored")
        if source != restored:
            differ = sorted(
                t for t in source.keys() | restored.keys() if source.get(t) != restored.get(t)
            )
            problems.append(f"row counts differ in {differ[:5]}")
        for table in KEY_TABLES:
            if checksum(pg, "nieuwestart", table) != checksum(pg, "restored", table):
                problems.append(f"checksum of {table} differs")
        triggers = set(
            pg.psql(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid = 'audit_processinglogentry'::regclass",
                "restored",
            ).split()
        )
        if triggers != TRIGGERS:
            problems.append(f"triggers on the processing log after restore: {sorted(triggers)}")
        refused = pg.tool(
            "psql",
            "-X",
            "-d",
            "restored",
            "-c",
            "UPDATE audit_processinglogentry SET detail = 'gewijzigd' "
            "WHERE id = (SELECT min(id) FROM audit_processinglogentry)",
            user="nieuwestart",
        )
        if refused.returncode == 0 or "alleen aan te vullen" not in refused.stderr:
            problems.append("the restored processing log accepted an UPDATE")

        restored_env = app_env(pg.url("restored"))
        check = manage(["migrate", "--check"], restored_env, check=False)
        if check.returncode != 0:
            problems.append(f"migrate --check on the restored database: {check.stdout[-300:]}")
        highest, new_id = django_json(WRITE, restored_env)
        if not new_id > highest:
            problems.append(f"a new log row got id {new_id}, the highest was {highest}")

        # After the backup the source carried out what was announced; the restore brought
        # that data back; the runbook's retention step removes it again.
        removed = retention("source", env)
        if removed["errors"] or not pg.psql(DONE, "nieuwestart"):
            problems.append(f"the source's retention run removed nothing: {removed}")
        if pg.psql(SHOWN, "restored") == pg.psql(SHOWN, "nieuwestart"):
            problems.append("the restored database did not bring back the removed people")
        again = retention("restored", restored_env)
        done = pg.psql(DONE, "nieuwestart"), pg.psql(DONE, "restored")
        if again["errors"] or done[0] != done[1]:
            problems.append(f"removals done differ after the retention step: {done}")
        if pg.psql(SHOWN, "restored") != pg.psql(SHOWN, "nieuwestart"):
            problems.append("after the retention step the restored people differ from the source")
        counts = chain_counts(pg, "nieuwestart"), chain_counts(pg, "restored")
        if counts[0] != counts[1]:
            differ = sorted(t for t in counts[0] if counts[0][t] != counts[1].get(t))
            problems.append(f"after the retention step row counts differ in {differ[:5]}")
        items = sum(int(part.split(":")[1]) for part in done[1].split(",") if part)
        if int(pg.psql(PLANNER_LOG, "restored")) < items:
            problems.append("a removal of the retention step has no log entry")

    summary = (
        f"{len(source)} tables, {sum(source.values())} rows ("
        f"{source.get('trajectories_trajectory', 0)} trajectories, "
        f"{source.get('audit_processinglogentry', 0)} log rows): dump {size / 1e6:.1f} MB "
        f"in {dump_seconds:.1f} s, restore {restore_seconds:.1f} s; counts and checksums of "
        f"{len(KEY_TABLES)} key tables equal, append-only triggers present and refusing, "
        f"migrations complete, writable; the retention step after the restore removed the "
        f"{items} items the source had removed since the backup, each logged "
        f"({time.monotonic() - started:.0f} s)"
    )
    return finish(NAME, not problems, "; ".join(problems[:5]) if problems else summary)


if __name__ == "__main__":
    sys.exit(main())
