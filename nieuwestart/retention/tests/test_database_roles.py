"""The grants of docs/deployment.md ("Database roles") make the purge function the only way an
application role removes processing-log rows, and only rows past the term the owner set in
`audit_log_purge_term` (audit migration 0005), which the application role can read but not
write. PostgreSQL only.

The test takes the owner's block of SQL from the document itself, runs it as the owner (the
test database's role) for a fresh role `nieuwestart_app`, and then acts as that role. Creating
the role needs a superuser: the throwaway cluster of scripts/with-postgres.sh lets `postgres`
connect on loopback. Without one the test is skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from nieuwestart.audit.models import LogPurgePermit, ProcessingLogEntry
from nieuwestart.audit.selectors import LOG_PURGE_TERM_TABLE, log_purge_term
from nieuwestart.audit.services import log_purge_term_set
from tests.concurrency import other_session

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"
)

APP_ROLE = "nieuwestart_app"
DEPLOYMENT = Path(settings.BASE_DIR) / "docs" / "deployment.md"
TABLE = ProcessingLogEntry._meta.db_table
PERMITS = LogPurgePermit._meta.db_table
TERM = LOG_PURGE_TERM_TABLE
OLD = dt.datetime(2023, 3, 1, 12, 0, tzinfo=dt.UTC)  # within 60 months of today, past 12
VERY_OLD = dt.datetime(2020, 6, 1, 12, 0, tzinfo=dt.UTC)  # past 60 months


def _owner_block() -> str:
    """The ```sql block of "Database roles" that grants to the app role."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    section = text[text.index("### Database roles") :]
    section = section[: section.index("\n## ")]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    (block,) = [b for b in blocks if "GRANT EXECUTE ON FUNCTION audit_log_purge" in b]
    return block


def _connect(user: str) -> Any:
    return other_session(user=user, autocommit=True)


@pytest.fixture
def app_role(transactional_db: Any) -> Iterator[Any]:
    """A fresh `nieuwestart_app` with the document's grants, and a connection as that role."""
    import psycopg

    try:
        superuser = _connect("postgres")
    except psycopg.OperationalError as error:
        pytest.skip(f"no superuser connection to create a role: {error}")
    # A transactional test starts with 0002's refuse-all trigger (root conftest); put back the
    # gate of 0004 and the function of 0005 that this test is about, with the default term.
    migration = importlib.import_module("nieuwestart.audit.migrations.0004_log_purge_function")
    with_term = importlib.import_module("nieuwestart.audit.migrations.0005_log_purge_term")
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)
        with_term.function_install(editor)
    log_purge_term_set(months=60)
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
            if log_purge_term() is not None:
                log_purge_term_set(months=60)
            superuser.execute(f"DROP OWNED BY {APP_ROLE}")
            superuser.execute(f"DROP ROLE {APP_ROLE}")


def _role_exists(conn: Any) -> bool:
    return (
        conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone() is not None
    )


def _old_entry(when: dt.datetime = OLD) -> int:
    return ProcessingLogEntry.objects.create(
        timestamp=when,
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

    # The application still appends to the log.
    app_role.execute(
        f'INSERT INTO {TABLE} ("timestamp", username, user_display, organisation_code, '  # noqa: S608
        "organisation_name, role, action, categories, purpose, result, channel, detail) "
        "VALUES (now(), 'bob', '', '', '', '', 'raadplegen', '', 'test', 'toegestaan', 'web', '')"
    )
    assert ProcessingLogEntry.objects.filter(username="bob").exists()


def _purge(app: Any, before: dt.datetime) -> int:
    return int(app.execute("SELECT audit_log_purge(%s, '{}'::uuid[], 10)", [before]).fetchone()[0])


def test_the_app_role_purges_only_past_the_owners_term(app_role: Any) -> None:
    """The function refuses a cut-off inside the term; the app role cannot shorten the term."""
    import psycopg

    refused = psycopg.errors.InsufficientPrivilege
    inside, beyond = _old_entry(OLD), _old_entry(VERY_OLD)
    assert app_role.execute(f"SELECT months FROM {TERM}").fetchone()[0] == 60  # noqa: S608

    with pytest.raises(refused, match="binnen de bewaartermijn van 60 maanden"):
        _purge(app_role, OLD + dt.timedelta(days=1))
    for statement in (
        f"UPDATE {TERM} SET months = 12",  # noqa: S608
        f"INSERT INTO {TERM} (id, months) VALUES (false, 12)",  # noqa: S608
        f"DELETE FROM {TERM}",  # noqa: S608
        f"TRUNCATE {TERM}",
    ):
        with pytest.raises(refused, match=f"permission denied for table {TERM}"):
            app_role.execute(statement)
    assert ProcessingLogEntry.objects.filter(pk=inside).exists()

    assert _purge(app_role, VERY_OLD + dt.timedelta(days=1)) == 1  # past 60 months: goes
    assert not ProcessingLogEntry.objects.filter(pk=beyond).exists()
    assert not LogPurgePermit.objects.exists()

    # The documented command, run as the app role, is refused; run as the owner, it works.
    as_app = _manage("retention_log_term", "--set", "12", user=APP_ROLE)
    assert as_app.returncode != 0 and "weigert" in as_app.stderr
    assert log_purge_term().months == 60  # type: ignore[union-attr]
    as_owner = _manage("retention_log_term", "--set", "12", user=connection.settings_dict["USER"])
    assert as_owner.returncode == 0, as_owner.stderr
    assert "database: 12 maanden" in as_owner.stdout
    term = log_purge_term()
    assert term is not None and term.changed_by == connection.settings_dict["USER"]

    assert _purge(app_role, OLD + dt.timedelta(days=1)) == 1  # now past the term
    assert not ProcessingLogEntry.objects.filter(pk=inside).exists()


def test_an_upgrade_keeps_the_term_owner_only(app_role: Any) -> None:
    """The grants ran before 0005 existed: the default privileges give the app role every write
    right on a table the owner creates later. Migration 0005 takes them back itself."""
    import psycopg
    from django.core.management import call_command

    call_command("migrate", "audit", "0004", verbosity=0)
    call_command("migrate", "audit", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, %s, 'SELECT'), "
            "has_table_privilege(%s, %s, 'UPDATE, INSERT, DELETE, TRUNCATE')",
            [APP_ROLE, TERM, APP_ROLE, TERM],
        )
        assert cursor.fetchone() == (True, False)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_role.execute(f"UPDATE {TERM} SET months = 12")  # noqa: S608
    # The grant on the function survived its replacement, and the term is enforced.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="bewaartermijn"):
        _purge(app_role, OLD + dt.timedelta(days=1))


def _manage(*args: str, user: str) -> subprocess.CompletedProcess[str]:
    """`manage.py` in a real process, connected to the test database as `user`."""
    db = connection.settings_dict
    url = f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return subprocess.run(  # noqa: S603  # nosec B603  # our own interpreter and manage.py
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env={**os.environ, "DATABASE_URL": url, "NIEUWESTART_TESTING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
