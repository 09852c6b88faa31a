"""`manage.py import_notifications`: the import from the command line, resumable by rerunning."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from nieuwestart.trajectories.imports import import_batch_create, import_batch_process
from nieuwestart.trajectories.models import ImportBatch, ImportRow, Trajectory
from nieuwestart.trajectories.tests.test_import import ROWS, _csv


def _run(path: Path, user: str = "beheer") -> str:
    out = io.StringIO()
    call_command("import_notifications", str(path), "--gebruiker", user, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_stopped_import_is_finished_by_running_the_command_again(
    admin_user: Any, tmp_path: Path
) -> None:
    path = tmp_path / "meldingen.csv"
    path.write_bytes(_csv(ROWS))
    batch = import_batch_create(actor=admin_user, file_name=path.name, content=path.read_bytes())
    import_batch_process(actor=admin_user, batch=batch, limit=2, chunk_size=2)  # then killed

    output = _run(path)

    assert f"Verder met de onafgemaakte batch {batch.uuid}" in output
    assert "3 verwerkt, 1 al eerder ontvangen, 2 afgewezen" in output
    assert ImportBatch.objects.count() == 1
    assert not ImportRow.objects.filter(status="wachtend").exists()
    assert Trajectory.objects.count() == 3


@pytest.mark.django_db
def test_a_finished_file_again_changes_nothing(admin_user: Any, tmp_path: Path) -> None:
    path = tmp_path / "meldingen.csv"
    path.write_bytes(_csv(ROWS))
    _run(path)

    output = _run(path)

    assert "0 verwerkt, 4 al eerder ontvangen, 2 afgewezen" in output
    assert Trajectory.objects.count() == 3


@pytest.mark.django_db
def test_only_an_administrator_or_the_system_account_imports(alice: Any, tmp_path: Path) -> None:
    path = tmp_path / "meldingen.csv"
    path.write_bytes(_csv(ROWS))
    with pytest.raises(CommandError):
        _run(path, user="alice")
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_another_file_under_the_same_name_starts_a_new_batch(
    admin_user: Any, tmp_path: Path
) -> None:
    """A daily export under a fixed name: yesterday's interrupted batch does not block today's."""
    path = tmp_path / "meldingen.csv"
    path.write_bytes(_csv(ROWS))
    yesterday = import_batch_create(
        actor=admin_user, file_name=path.name, content=path.read_bytes()
    )
    path.write_bytes(_csv(ROWS[:3]))  # today's file, same name

    output = _run(path)

    assert "Verder met" not in output
    assert ImportBatch.objects.count() == 2
    today = ImportBatch.objects.exclude(pk=yesterday.pk).get()
    assert today.finished_at is not None and today.total_rows == 3
    yesterday.refresh_from_db()
    assert yesterday.finished_at is None  # left for its own rerun, or the retention run
