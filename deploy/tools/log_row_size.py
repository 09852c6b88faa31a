"""Measure the on-disk size of processing-log rows in PostgreSQL (docs/deployment.md, sizing).

    scripts/with-postgres.sh .venv/bin/python deploy/tools/log_row_size.py [ROWS]

Migrates the database DATABASE_URL points at (use a throwaway one: with-postgres.sh makes one),
inserts ROWS (default 100,000) rows shaped like real `audit_processinglogentry` rows (a
casemanager reading a trajectory: realistic user, organisation, category and purpose strings,
random UUIDs, timestamps spread over a year) in one INSERT ... SELECT, runs VACUUM ANALYZE and
prints the table, index and total size per row. Only for PostgreSQL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nieuwestart.settings")
os.environ.setdefault("NIEUWESTART_TESTING", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

INSERT = """
INSERT INTO audit_processinglogentry
    (timestamp, user_id, username, user_display, organisation_code, organisation_name, role,
     trajectory_uuid, person_id, action, categories, purpose, result, channel, detail)
SELECT
    now() - (random() * interval '365 days'),
    1 + (n %% 1500),
    'cm' || (n %% 1500) || '.almelo',
    'Casemanager ' || (n %% 1500) || ' Achternaam',
    'PI-ALMELO',
    'PI Almelo',
    'casemanager',
    md5(n::text || 't')::uuid,
    1 + (n %% 120000),
    'inzien',
    'identiteit,detentie,contacten,basisvoorwaarden',
    'trajectoverzicht',
    'toegestaan',
    'web',
    ''
FROM generate_series(1, %s) AS n
"""


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if connection.vendor != "postgresql":
        sys.exit("log_row_size: DATABASE_URL must point at PostgreSQL")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [rows])
        cursor.execute("VACUUM ANALYZE audit_processinglogentry")
        cursor.execute(
            "SELECT pg_relation_size('audit_processinglogentry'),"
            " pg_indexes_size('audit_processinglogentry'),"
            " pg_total_relation_size('audit_processinglogentry'),"
            " (SELECT count(*) FROM audit_processinglogentry)"
        )
        heap, indexes, total, count = cursor.fetchone()
    print(f"rows: {count:,}")
    print(f"table: {heap / count:.0f} bytes/row, indexes: {indexes / count:.0f} bytes/row")
    print(f"total: {total / count:.0f} bytes/row ({total / 2**20:.1f} MiB)")
    print(f"2 million rows: {total / count * 2_000_000 / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
