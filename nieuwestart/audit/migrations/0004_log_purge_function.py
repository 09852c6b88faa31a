"""On PostgreSQL, the retention purge of the processing log goes through one function.

Before this migration the trigger let a DELETE through in any transaction that had set
`nieuwestart.retentie` (migration 0003): any session of the application's role could do that.
Now (docs/retention.md, "The processing log"; decisions/0014):

- `audit_log_purge(before, keep, max_rows)` is a `SECURITY DEFINER` function, so it runs with
  the rights of the role that ran this migration (the owner). It writes a `LogPurgePermit` row
  with the cut-off, deletes at most `max_rows` rows older than `before` (oldest id first, not
  those of the trajectories in `keep`), removes the permit again and returns the count.
  `EXECUTE` is revoked from PUBLIC: the owner may call it, and the operator grants it to the
  application role (docs/deployment.md, "Database roles").
- The trigger function `audit_refuse_change()` lets a DELETE through only while such a permit
  exists and the row is older than its cut-off, and never a row younger than 365 days. The
  settings `nieuwestart.retentie` and `nieuwestart.retentie_grens` no longer open anything.
  UPDATE and TRUNCATE are always refused.

In production the application role has no DELETE on the log table and no rights on the permit
table (the operator revokes them), so it can only purge through the function. When one role
owns everything (development, tests, a deployment without a separate owner) that role can still
write a permit itself, or drop the trigger: the database then guards against mistakes, not
against that role.

SQLite keeps the gate of 0003. Reversible: going back restores the trigger body of 0003 and
drops the function.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_processinglogentry"
PERMITS = "audit_logpurgepermit"
SIGNATURE = "audit_log_purge(timestamptz, uuid[], integer)"

# `{schema}` is filled in with the schema the tables live in, so that neither function depends
# on the caller's search_path (a temporary table named like the permit table cannot stand in).
POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD."timestamp" < now() - interval '365 days'
       AND EXISTS (
           SELECT 1 FROM {schema}.{permits} AS permit WHERE OLD."timestamp" < permit.cutoff
       ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Het verwerkingenlog is alleen aan te vullen: % is niet toegestaan', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_log_purge(before timestamptz, keep uuid[], max_rows integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    permit_id bigint;
    removed integer;
BEGIN
    IF before IS NULL OR max_rows IS NULL OR max_rows < 1 THEN
        RAISE EXCEPTION 'audit_log_purge: geef een grens en een aantal van minstens 1'
            USING ERRCODE = 'invalid_parameter_value';
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
# The trigger body of 0003, restored when going back.
POSTGRES_DOWN = f"""
DROP FUNCTION IF EXISTS {SIGNATURE};
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('nieuwestart.retentie', true) = 'aan' THEN
        IF OLD."timestamp" < current_setting('nieuwestart.retentie_grens', true)::timestamptz
           AND OLD."timestamp" < now() - interval '365 days' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'Het verwerkingenlog is alleen aan te vullen: % is niet toegestaan', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    quote = connection.ops.quote_name
    schema_editor.execute(
        POSTGRES_UP.format(schema=quote(schema), table=TABLE, permits=PERMITS, signature=SIGNATURE),
        params=None,
    )


def backwards(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_retention_purge_gate")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
