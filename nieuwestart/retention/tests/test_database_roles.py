"""The grants of docs/deployment.md ("Database roles") make the purge function the only way an
application role removes processing-log rows. PostgreSQL only.

The test takes the owner's block of SQL from the document itself, runs it as the owner (the
test database's role) for a fresh role `nieuwestart_app`, and then acts as that role. Creating
the role needs a superuser: the throwaway cluster of scripts/with-postgres.sh lets `postgres`
connect on loopback. Without one the test is skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from nieuwestart.audit.models import LogPurgePermit, ProcessingLogEntry

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"
)

APP_ROLE = "nieuwestart_app"
DEPLOYMENT = Path(settings.BASE_DIR) / "docs" / "deployment.md"
TABLE = ProcessingLogEntry._meta.db_table
PERMITS = LogPurgePermit._meta.db_table
OLD = dt.datetime(2023, 3, 1, 12, 0, tzinfo=dt.UTC)


def _owner_block() -> str:
    """The ```sql block of "Database roles" that grants to the app role."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    section = text[text.index("### Database roles") :]
    section = section[: section.index("\n## ")]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    (block,) = [b for b in blocks if "GRANT EXECUTE ON FUNCTION audit_log_purge" in b]
    return block


def _connect(user: str) -> Any:
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=user,
        autocommit=True,
        connect_timeout=5,
    )


@pytest.fixture
def app_role(transactional_db: Any) -> Iterator[Any]:
    """A fresh `nieuwestart_app` with the document's grants, and a connection as that role."""
    import psycopg

    try:
        superuser = _connect("postgres")
    except psycopg.OperationalError as error:
        pytest.skip(f"no superuser connection to create a role: {error}")
    # A transactional test starts with 0002's refuse-all trigger (root conftest); put back the
    # gate of 0004 that this test is about.
    migration = importlib.import_module("nieuwestart.audit.migrations.0004_log_purge_function")
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)
    with superuser:
        if _role_exists(superuser):  # left over by an interrupted run on this cluster
            superuser.execute(f"DROP OWNED BY {APP_ROLE}")
            superuser.execute(f"DROP ROLE {APP_ROLE}")
        superuser.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
        owner = connection.settings_dict["USER"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_function_privilege(%s, 'audit_log_purge(timestamptz, uuid[], integer)',"
                " 'EXECUTE')",
                [APP_ROLE],
            )
            assert cursor.fetchone()[0] is False  # not granted to PUBLIC by the migration
            cursor.execute(_owner_block().replace("nieuwestart_owner", owner))
        app = _connect(APP_ROLE)
        try:
            yield app
        finally:
            app.close()
            superuser.execute(f"DROP OWNED BY {APP_ROLE}")
            superuser.execute(f"DROP ROLE {APP_ROLE}")


def _role_exists(conn: Any) -> bool:
    return (
        conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone() is not None
    )


def _old_entry() -> int:
    return ProcessingLogEntry.objects.create(
        timestamp=OLD,
        username="alice",
        action="raadplegen",
        purpose="test",
        result="toegestaan",
        channel="web",
    ).pk


def test_the_app_role_purges_only_through_the_function(app_role: Any) -> None:
    import psycopg

    old = _old_entry()
    refused = psycopg.errors.InsufficientPrivilege
    # Refused by the grants, before the trigger is even asked.
    with pytest.raises(refused, match=f"permission denied for table {TABLE}"):
        app_role.execute(f"DELETE FROM {TABLE} WHERE id = %s", [old])  # noqa: S608
    with (
        pytest.raises(refused, match=f"permission denied for table {TABLE}"),
        app_role.transaction(),
    ):
        app_role.execute(
            "SELECT set_config('nieuwestart.retentie', 'aan', true), "
            "set_config('nieuwestart.retentie_grens', '2024-01-01', true)"
        )
        app_role.execute(f"DELETE FROM {TABLE} WHERE id = %s", [old])  # noqa: S608
    with pytest.raises(refused, match=f"permission denied for table {PERMITS}"):
        app_role.execute(f"INSERT INTO {PERMITS} (cutoff) VALUES ('2024-01-01')")  # noqa: S608
    with pytest.raises(refused, match="must be owner"):
        app_role.execute(f"DROP TRIGGER audit_log_append_only ON {TABLE}")
    assert ProcessingLogEntry.objects.filter(pk=old).exists()

    # The application still appends to the log, and the purge works through the function.
    app_role.execute(
        f'INSERT INTO {TABLE} ("timestamp", username, user_display, organisation_code, '  # noqa: S608
        "organisation_name, role, action, categories, purpose, result, channel, detail) "
        "VALUES (now(), 'bob', '', '', '', '', 'raadplegen', '', 'test', 'toegestaan', 'web', '')"
    )
    removed = app_role.execute(
        "SELECT audit_log_purge(%s, '{}'::uuid[], 10)", [OLD + dt.timedelta(days=1)]
    ).fetchone()[0]
    assert removed == 1
    assert not ProcessingLogEntry.objects.filter(pk=old).exists()
    assert ProcessingLogEntry.objects.filter(username="bob").exists()
    assert not LogPurgePermit.objects.exists()
