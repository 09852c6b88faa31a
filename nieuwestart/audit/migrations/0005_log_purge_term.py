"""On PostgreSQL, the purge function enforces the processing log's term, kept on the owner's side.

Before this migration `audit_log_purge` (migration 0004) accepted any cut-off at least 365 days
back: whoever held the application role's credentials could remove entries between one and five
years old, although the configured term is 60 months. Now (docs/retention.md, "The processing
log"; decisions/0014):

- The table `audit_log_purge_term` holds one row: the log's term in months (at least 12), with
  when and by whom it was last set. This migration writes it from `RETENTION_LOG_MONTHS` (the
  setting as configured when the migration runs, 60 by default). Afterwards only the owner
  changes it: `manage.py retention_log_term --set N` or `--sync` run with the owner's
  `DATABASE_URL`, or one `UPDATE` in psql (docs/deployment.md, "Database roles").
- `audit_log_purge(before, keep, max_rows)` keeps its signature (the application and the
  operator's `GRANT EXECUTE` stay as they are) and refuses a cut-off later than
  `now() - term`, or any call when the row is missing. The trigger keeps its 365-day floor.
- The application role may read the term (the retention run shows it and never asks for more),
  but not write it. The operator's grant lines revoke writing explicitly; this migration also
  revokes every write right that a non-owner role received on the new table (for example through
  `ALTER DEFAULT PRIVILEGES` when an existing deployment upgrades), so the table is owner-only
  from the moment it exists.

The table is plain SQL, not a Django model: it must not be flushed by tests or written through
the ORM, and it means nothing on SQLite, which has no roles (nothing changes there).
Reversible: going back restores the function of 0004 and drops the table.
"""

import importlib

from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_processinglogentry"
PERMITS = "audit_logpurgepermit"
TERM = "audit_log_purge_term"
SIGNATURE = "audit_log_purge(timestamptz, uuid[], integer)"
MINIMUM_MONTHS = 12

POSTGRES_UP = """
CREATE TABLE {schema}.{term} (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    months integer NOT NULL CHECK (months >= {minimum}),
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE {schema}.{term} IS
    'Term of the processing log in months; audit_log_purge refuses younger cut-offs. Owner only.';

CREATE FUNCTION audit_log_purge_term_stamp() RETURNS trigger
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.changed_at := now();
    NEW.changed_by := session_user;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_purge_term_stamp BEFORE UPDATE ON {schema}.{term}
    FOR EACH ROW EXECUTE FUNCTION audit_log_purge_term_stamp();

INSERT INTO {schema}.{term} (months) VALUES ({months});

-- Only the owner writes the term. Default privileges may already have granted writing to the
-- application role; take that back, whatever the role is called, and keep reading.
DO $$
DECLARE
    grantee_name text;
BEGIN
    FOR grantee_name IN
        SELECT DISTINCT CASE WHEN acl.grantee = 0 THEN 'PUBLIC'
                             ELSE quote_ident(pg_get_userbyid(acl.grantee)) END
          FROM pg_class AS c, aclexplode(c.relacl) AS acl
         WHERE c.oid = '{schema}.{term}'::regclass
           AND acl.grantee <> c.relowner
           AND acl.privilege_type <> 'SELECT'
    LOOP
        EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {schema}.{term} FROM '
            || grantee_name;
    END LOOP;
END;
$$;
"""
# Also run by the PostgreSQL tests that rebuild the gate after a flush (retention/tests).
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_purge(before timestamptz, keep uuid[], max_rows integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    permit_id bigint;
    removed integer;
    term_months integer;
BEGIN
    IF before IS NULL OR max_rows IS NULL OR max_rows < 1 THEN
        RAISE EXCEPTION 'audit_log_purge: geef een grens en een aantal van minstens 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT term.months INTO term_months FROM {schema}.{term} AS term;
    IF term_months IS NULL THEN
        RAISE EXCEPTION 'audit_log_purge: er is geen bewaartermijn ingesteld in {term}'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF before > now() - make_interval(months => term_months) THEN
        RAISE EXCEPTION 'audit_log_purge: grens % valt binnen de bewaartermijn van % maanden',
            before, term_months
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO {schema}.{permits} (cutoff) VALUES (before) RETURNING id INTO permit_id;
    DELETE FROM {schema}.{table}
     WHERE id IN (
        SELECT entry.id FROM {schema}.{table} AS entry
         WHERE entry."timestamp" < before
           AND (entry.trajectory_uuid IS NULL
                OR NOT entry.trajectory_uuid = ANY (coalesce(keep, '{{}}'::uuid[])))
         ORDER BY entry.id
         LIMIT max_rows
     );
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM {schema}.{permits} WHERE id = permit_id;
    RETURN removed;
END;
$$;

REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;
"""
POSTGRES_DOWN = """
DROP TABLE IF EXISTS {schema}.{term};
DROP FUNCTION IF EXISTS audit_log_purge_term_stamp();
"""


def _schema(schema_editor: BaseDatabaseSchemaEditor) -> str:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    return str(connection.ops.quote_name(schema))


def function_install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """(Re)create `audit_log_purge` with the term check; PostgreSQL only."""
    schema_editor.execute(
        POSTGRES_FUNCTION.format(
            schema=_schema(schema_editor),
            table=TABLE,
            permits=PERMITS,
            term=TERM,
            signature=SIGNATURE,
        ),
        params=None,
    )


def forwards(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # The setting as configured now; the system check retention.E002 has already refused a term
    # under 12 months, and the table's CHECK refuses it again.
    months = int(settings.RETENTION_LOG_MONTHS)
    schema_editor.execute(
        POSTGRES_UP.format(
            schema=_schema(schema_editor), term=TERM, minimum=MINIMUM_MONTHS, months=months
        ),
        params=None,
    )
    function_install(schema_editor)


def backwards(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # The function of 0004 (CREATE OR REPLACE keeps the grants on it), then the table goes.
    previous = importlib.import_module("nieuwestart.audit.migrations.0004_log_purge_function")
    previous.forwards(apps, schema_editor)
    schema_editor.execute(
        POSTGRES_DOWN.format(schema=_schema(schema_editor), term=TERM), params=None
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_log_purge_function")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
