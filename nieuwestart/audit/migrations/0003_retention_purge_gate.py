"""A narrow gate in the append-only trigger, for the retention purge of the processing log only.

The log keeps refusing UPDATE and TRUNCATE always, and DELETE always except when all of these
hold (docs/retention.md, "The processing log"):

- PostgreSQL: the deleting transaction has set `nieuwestart.retentie` to `aan` with
  `set_config(..., true)` (transaction-local, gone at commit or rollback) and the row is older
  than `nieuwestart.retentie_grens`;
- SQLite: a `LogPurgePermit` row with a later cut-off exists; the purge inserts and removes it
  inside its own transaction, so no other connection ever sees it;
- and on both: the row is at least 365 days old, whatever the gate says.

`audit.services.log_entries_purge` is the only code that opens the gate. Reversible: going back
restores the triggers of 0002 exactly and drops the permit table.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_processinglogentry"
PERMITS = "audit_logpurgepermit"

# Same function name as 0002, so its triggers (UPDATE, DELETE, TRUNCATE) now call this body.
POSTGRES_UP = """
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
# The body of 0002, restored when going back.
POSTGRES_DOWN = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Het verwerkingenlog is alleen aan te vullen: % is niet toegestaan', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_log_no_delete;",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT EXISTS (SELECT 1 FROM {PERMITS} AS permit WHERE OLD."timestamp" < permit.cutoff)
        OR OLD."timestamp" >= datetime('now', '-365 days')
    BEGIN SELECT RAISE(ABORT, 'Het verwerkingenlog is alleen aan te vullen'); END;""",  # noqa: S608 - constants
]
# The trigger of 0002, restored when going back.
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_log_no_delete;",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'Het verwerkingenlog is alleen aan te vullen'); END;""",
]


def forwards(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps: StateApps | None, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [
        migrations.CreateModel(
            name="LogPurgePermit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("cutoff", models.DateTimeField()),
            ],
            options={
                "verbose_name": "vergunning opschonen verwerkingenlog",
                "verbose_name_plural": "vergunningen opschonen verwerkingenlog",
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
