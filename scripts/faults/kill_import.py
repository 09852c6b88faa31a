"""Fault: the import is killed with SIGKILL halfway, then run again (docs/resilience.md).

    .venv/bin/python scripts/faults/kill_import.py [--rows 4000]

Starts its own PostgreSQL cluster and two databases from one migrated template. In `clean`,
`manage.py import_notifications FILE` runs once to the end. In `killed`, the same command is
started as a separate process and killed with SIGKILL while it works on its second chunk;
the script checks that the chunk in progress left nothing behind (the processed rows are whole
chunks, and every accepted row has its stored notification and nothing more), then runs the
same command again. Then both databases must hold the same final state: import-row outcomes and
reasons per line, people, trajectories, involvements, history events, processing-log rows per
trajectory, stored notifications, the row count of every application table, and no
duplicates. The file mixes new detentions (set-based) with changes, releases, repeats and
invalid rows (one by one), so both paths are interrupted and redone.

`--processen N` runs both imports with N worker processes (decision 0015). The command is
killed once rows are done; its workers must die with it (no row may be done after the kill),
and the rerun, again with N processes, must end in the clean run's state.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from faultlib import MANAGE, PYTHON, ROOT, Cluster, app_env, cluster, finish, log, manage

sys.path.insert(0, str(ROOT))
from nieuwestart.core.bsn import is_valid_bsn

NAME = "kill_import"
CHUNK = 500
PRISONS = [
    "PI-ALMELO",
    "PI-NIEUWERSLUIS",
    "PI-TER-PEEL",
    "PI-HEERHUGOWAARD",
    "PI-ROTTERDAM-HOOGVLIET",
]
MUNICIPALITIES = ["GM0153", "GM0363", "GM0183", "GM0307", "GM0599", "GM0014"]
COLUMNS = [
    "meldingId",
    "soort",
    "bsn",
    "voornamen",
    "voorvoegsel",
    "geslachtsnaam",
    "geboortedatum",
    "inrichting",
    "startdatum",
    "verwachteEinddatum",
    "gemeenteVanInschrijving",
    "einddatum",
]


def bsns(count: int) -> list[str]:
    found, number = [], 999_999_999
    while len(found) < count:
        if is_valid_bsn(f"{number:09d}"):
            found.append(f"{number:09d}")
        number -= 1
    return found


def notifications_file(count: int) -> bytes:
    """New detentions mixed with changes, releases, repeats and invalid rows."""
    rng = random.Random(6)
    today = dt.date.today()
    people = bsns(count)
    rows: list[dict[str, str]] = []
    open_rows: list[dict[str, str]] = []
    for index in range(count):
        draw = rng.random()
        start = today - dt.timedelta(days=rng.randint(1, 100))
        row = {
            "meldingId": f"KILL-{index:05d}",
            "soort": "aanvang",
            "bsn": people[index],
            "voornamen": rng.choice(["Anna", "Ali", "Kim", "Piet"]),
            "voorvoegsel": rng.choice(["", "van", "de"]),
            "geslachtsnaam": rng.choice(["Bakker", "Kaya", "Boer", "Dijk"]),
            "geboortedatum": "1985-06-15",
            "inrichting": rng.choice(PRISONS),
            "startdatum": start.isoformat(),
            "verwachteEinddatum": (start + dt.timedelta(days=rng.randint(20, 300))).isoformat(),
            "gemeenteVanInschrijving": rng.choice(MUNICIPALITIES),
            "einddatum": "",
        }
        if draw < 0.08 and open_rows:
            earlier = rng.choice(open_rows)
            row = {
                **earlier,
                "meldingId": row["meldingId"],
                "soort": "wijziging",
                "inrichting": rng.choice(PRISONS),
                "verwachteEinddatum": (today + dt.timedelta(days=rng.randint(30, 200))).isoformat(),
            }
        elif draw < 0.12 and open_rows:
            earlier = open_rows.pop(rng.randrange(len(open_rows)))
            row = {**earlier, "meldingId": row["meldingId"], "soort": "einde"}
            row["einddatum"] = today.isoformat()
        elif draw < 0.17 and rows:
            row = dict(rng.choice(rows))  # the same notification again
        elif draw < 0.21:
            row["bsn"] = "123456789"  # fails the elfproef
        elif draw < 0.25:
            row["inrichting"] = "PI-BESTAAT-NIET"
        else:
            open_rows.append(row)
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


SNAPSHOT = {
    "batches": "SELECT count(*), sum(total_rows), count(finished_at) FROM trajectories_importbatch",
    "rows": """
        SELECT r.line_number, r.status, r.errors::text, p.bsn, t.start_date
        FROM trajectories_importrow r
        LEFT JOIN trajectories_trajectory t ON t.id = r.trajectory_id
        LEFT JOIN trajectories_person p ON p.id = t.person_id
        ORDER BY r.line_number""",
    "people": """
        SELECT bsn, given_names, surname_prefix, surname, birth_date
        FROM trajectories_person ORDER BY bsn""",
    "trajectories": """
        SELECT p.bsn, t.start_date, t.expected_end_date, t.end_date, t.phase, t.version,
               pr.code, cl.code, pl.code, rm.code, t.judicial_title
        FROM trajectories_trajectory t
        JOIN trajectories_person p ON p.id = t.person_id
        JOIN organisations_organisation pr ON pr.id = t.prison_id
        JOIN organisations_organisation cl ON cl.id = t.case_lead_id
        JOIN organisations_organisation pl ON pl.id = t.process_lead_id
        JOIN organisations_organisation rm ON rm.id = t.return_municipality_id
        ORDER BY p.bsn, t.start_date""",
    "involvements": """
        SELECT p.bsn, t.start_date, o.code, i.kind, i.active
        FROM trajectories_involvement i
        JOIN trajectories_trajectory t ON t.id = i.trajectory_id
        JOIN trajectories_person p ON p.id = t.person_id
        JOIN organisations_organisation o ON o.id = i.organisation_id
        ORDER BY 1, 2, 3, 4, 5""",
    "events": """
        SELECT p.bsn, e.kind, e.from_value, e.to_value, e.reason, count(*)
        FROM trajectories_trajectoryevent e
        JOIN trajectories_trajectory t ON t.id = e.trajectory_id
        JOIN trajectories_person p ON p.id = t.person_id
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5""",
    "log per trajectory": """
        SELECT p.bsn, l.username, l.action, l.categories, l.purpose, l.channel, l.detail,
               count(*)
        FROM audit_processinglogentry l
        JOIN trajectories_trajectory t ON t.uuid = l.trajectory_uuid
        JOIN trajectories_person p ON p.id = t.person_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7""",
    "notifications": """
        SELECT n.message_id, n.kind, p.bsn, n.payload::text
        FROM trajectories_detentionnotification n
        JOIN trajectories_trajectory t ON t.id = n.trajectory_id
        JOIN trajectories_person p ON p.id = t.person_id
        ORDER BY n.message_id""",
    "duplicates": """
        SELECT (SELECT count(*) - count(DISTINCT message_id)
                FROM trajectories_detentionnotification),
               (SELECT count(*) FROM (SELECT person_id FROM trajectories_trajectory
                 WHERE phase NOT IN ('afgesloten', 'na-detentie')
                 GROUP BY person_id HAVING count(*) > 1) AS d),
               (SELECT count(*) - count(DISTINCT bsn) FROM trajectories_person)""",
}


def table_counts(pg: Cluster, db: str) -> dict[str, str]:
    tables = pg.psql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename NOT LIKE 'django_%' ORDER BY tablename",
        db,
    ).split()
    return {table: pg.psql(f'SELECT count(*) FROM "{table}"', db) for table in tables}  # noqa: S608


def snapshot(pg: Cluster, db: str) -> dict[str, object]:
    state: dict[str, object] = {name: pg.psql(sql, db) for name, sql in SNAPSHOT.items()}
    state["table counts"] = table_counts(pg, db)
    return state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--processen", type=int, default=1, help="worker processes")
    args = parser.parse_args()
    started = time.monotonic()
    with cluster() as pg:
        template_env = app_env(pg.create_database("template_import"))
        log(NAME, f"PostgreSQL on 127.0.0.1:{pg.port}; migrating the template database")
        manage(["migrate", "--noinput"], template_env)
        manage(["load_reference_data"], template_env)
        manage(
            [
                "shell",
                "--no-imports",
                "-c",
                "from nieuwestart.accounts.models import User;"
                "from nieuwestart.organisations.models import Organisation;"
                "org, _ = Organisation.objects.get_or_create(code='KETEN-FOUT', "
                "defaults={'kind': 'keten', 'name': 'Ketenbeheer'});"
                "User.objects.create_user(username='beheer', organisation=org, "
                "role='beheerder', first_name='Beheer')",
            ],
            template_env,
        )
        envs = {
            db: app_env(pg.create_database(db, template="template_import"))
            for db in ("clean", "killed")
        }
        workdir = Path(pg.workdir.parent) / f"{pg.workdir.name}-files"
        workdir.mkdir()
        try:
            path = workdir / "meldingen.csv"
            path.write_bytes(notifications_file(args.rows))
            command = [
                PYTHON,
                MANAGE,
                "import_notifications",
                str(path),
                "--gebruiker",
                "beheer",
                "--blok",
                str(CHUNK),
                "--processen",
                str(args.processen),
            ]

            log(NAME, f"clean run of {args.rows} rows")
            t0 = time.monotonic()
            clean = subprocess.run(
                command, cwd=ROOT, env=envs["clean"], capture_output=True, text=True, check=False
            )
            clean_seconds = time.monotonic() - t0
            if clean.returncode != 0:
                return finish(NAME, False, f"the clean run failed: {clean.stderr[-500:]}")

            log(NAME, "run to be killed")
            process = subprocess.Popen(
                command, cwd=ROOT, env=envs["killed"], stdout=subprocess.PIPE, text=True
            )
            assert process.stdout is not None
            done_sql = "SELECT count(*) FROM trajectories_importrow WHERE status <> 'wachtend'"
            if args.processen == 1:
                for line in process.stdout:
                    if line.startswith(f"{CHUNK} van"):  # the first chunk is stored
                        break
                time.sleep(0.1)  # into the second chunk
            else:  # the workers report nothing: watch the database
                deadline = time.monotonic() + 120
                while int(pg.psql(done_sql, "killed")) == 0 and time.monotonic() < deadline:
                    time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            # A COMMIT a worker sent just before it died still completes in PostgreSQL (the
            # chunk is whole either way): count once the killed workers' sessions are gone.
            others = (
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            settle = time.monotonic() + 10
            while int(pg.psql(others, "killed")) and time.monotonic() < settle:
                time.sleep(0.02)
            done = int(pg.psql(done_sql, "killed"))
            time.sleep(1.0)  # a worker that outlived the command would go on meanwhile
            done_later = int(pg.psql(done_sql, "killed"))
            accepted = pg.psql(
                "SELECT count(*) FROM trajectories_importrow WHERE status = 'geaccepteerd'",
                "killed",
            )
            stored = pg.psql("SELECT count(*) FROM trajectories_detentionnotification", "killed")
            log(NAME, f"killed (exit {process.returncode}) with {done} of {args.rows} rows done")
            problems = []
            if process.returncode != -signal.SIGKILL:
                problems.append(
                    f"the import ended by itself ({process.returncode}) before the kill"
                )
            if not 0 < done < args.rows:
                problems.append(f"the kill did not land halfway ({done} rows done)")
            if args.processen == 1 and done % CHUNK:
                problems.append(f"{done} rows done after the kill: not whole chunks of {CHUNK}")
            if done_later != done:
                problems.append(
                    f"rows were still done after the kill ({done} then {done_later}): a worker "
                    "outlived the command"
                )
            if accepted != stored:
                problems.append(
                    f"after the kill {accepted} rows accepted but {stored} notifications stored"
                )

            rerun = subprocess.run(
                command, cwd=ROOT, env=envs["killed"], capture_output=True, text=True, check=False
            )
            if rerun.returncode != 0 or "Verder met de onafgemaakte batch" not in rerun.stdout:
                problems.append(f"the rerun did not continue the batch: {rerun.stdout[-300:]}")

            expected, actual = snapshot(pg, "clean"), snapshot(pg, "killed")
            for key, value in expected.items():
                if actual[key] != value:
                    problems.append(f"{key} differs from the clean run")
            counts = expected["table counts"]
            assert isinstance(counts, dict)
            summary = (
                f"{args.processen} process(es), SIGKILL after {done} of {args.rows} rows, rerun: "
                "final state equals a clean "
                f"run ({counts['trajectories_trajectory']} trajectories, "
                f"{counts['audit_processinglogentry']} log rows, {len(SNAPSHOT) + 1} checks); "
                f"clean run {clean_seconds:.1f} s, total {time.monotonic() - started:.0f} s"
            )
            if problems:
                return finish(NAME, False, "; ".join(problems))
            return finish(NAME, True, summary)
        finally:
            for item in workdir.iterdir():
                item.unlink()
            workdir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
