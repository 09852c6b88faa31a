"""The database itself refuses UPDATE and DELETE on the processing log.

Application code cannot alter a log row (the model and queryset refuse); this trigger makes the
same true for anyone with SQL access through the application's database role.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_processinglogentry"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Het verwerkingenlog is alleen aan te vullen: % is niet toegestaan', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_log_append_only ON {TABLE};
DROP TRIGGER IF EXISTS audit_log_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS audit_refuse_change();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'Het verwerkingenlog is alleen aan te vullen'); END;""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'Het verwerkingenlog is alleen aan te vullen'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_log_no_update;", "DROP TRIGGER IF EXISTS audit_log_no_delete;"]


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
