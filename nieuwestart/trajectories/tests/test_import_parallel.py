"""Importing with several processes side by side ends where one process ends (decision 0015).

Rows that share a BSN or a meldingId, directly or through other rows, are in one partition;
every worker stores and processes its own partitions in line order. The oracle is again
decision 0007's loop over the same file with other people (test_import_bulk.py).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from nieuwestart.trajectories.imports import (
    COLUMNS,
    PARTITIONS,
    ImportFileError,
    import_batch_create,
    import_batch_process,
    import_batch_run,
    import_batch_start,
    import_summary,
    partitions_of,
    read_notifications,
)
from nieuwestart.trajectories.models import ImportBatch, ImportRow, Trajectory
from nieuwestart.trajectories.tests.test_import_bulk import (
    TEMPLATE,
    _people,
    _prepare,
    _row,
    _row_by_row,
    _state,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="worker processes need PostgreSQL"
)

# The bulk test's file, plus a meldingId that comes back with another person: that person's
# rows must then stay in line order with the first person's rows.
EXTRA: list[tuple[str, str, int | str, str, str, dict[str, str]]] = [
    ("13", "aanvang", 3, "PI-ALMELO", "GM0153", {}),
    ("13", "aanvang", 4, "PI-ALMELO", "GM0153", {}),  # same meldingId, other person: dubbel
    ("14", "einde", 4, "PI-ALMELO", "GM0153", {"einddatum": "2026-11-20"}),  # 4 has none
    ("15", "einde", 3, "PI-ALMELO", "GM0153", {"einddatum": "2026-11-21"}),
]


def _file(prefix: str, people: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row(prefix, people, spec) for spec in [*TEMPLATE, *EXTRA])
    return out.getvalue().encode()


def _outcomes(batch: ImportBatch) -> list[tuple[Any, ...]]:
    rows = ImportRow.objects.filter(batch=batch).order_by("line_number")
    return [(r.status, r.errors, r.trajectory_id) for r in rows]


def test_linked_rows_share_a_partition_and_the_rest_is_spread_evenly() -> None:
    rows = [
        {"meldingId": "A", "persoon": {"bsn": "1"}},
        {"meldingId": "B", "persoon": {"bsn": "2"}},
        {"meldingId": "C", "persoon": {"bsn": "1"}},  # same person as the first
        {"meldingId": "B", "persoon": {"bsn": "3"}},  # same meldingId as the second
        {"meldingId": "D", "persoon": {"bsn": "3"}},  # linked to the second through the fourth
        {"meldingId": "E", "persoon": "geen object"},  # unreadable rows get a partition too
        *({"meldingId": f"N{i}", "persoon": {"bsn": f"n{i}"}} for i in range(4 * PARTITIONS)),
    ]

    parts = partitions_of(rows)

    assert parts[0] == parts[2]
    assert parts[1] == parts[3] == parts[4]
    assert parts[0] != parts[1]
    sizes = [parts.count(p) for p in range(PARTITIONS)]
    assert max(sizes) - min(sizes) <= 3  # one group of three, one of two, the rest single


@postgres_only
@pytest.mark.timeout(120)  # a hung worker: the run is interrupted and every worker's stack shown
@pytest.mark.parametrize("workers", [2, 3])
def test_workers_side_by_side_end_where_the_row_by_row_import_ends(
    transactional_db: Any, reference_data: None, admin_user: Any, workers: int
) -> None:
    reference_people, import_people = _people(0), _people(20_000)
    _prepare(admin_user, "R", reference_people)
    _prepare(admin_user, "I", import_people)
    expected = _state("R", reference_people, _row_by_row(admin_user, _file("R", reference_people)))

    content = _file("I", import_people)
    batch = import_batch_start(actor=admin_user, file_name="x.csv", content=content)
    import_batch_run(actor=admin_user, batch=batch, workers=workers, chunk_size=2, content=content)

    actual = _state("I", import_people, _outcomes(batch))
    for key in expected:
        assert actual[key] == expected[key], key
    statuses = [status for status, _errors, _t in actual["rows"]]
    assert statuses.count("dubbel") == 3  # the repeated meldingId with another person too
    assert len(set(ImportRow.objects.filter(batch=batch).values_list("partition"))) > 1
    batch.refresh_from_db()
    assert batch.finished_at is not None
    assert import_summary(batch)["done"] == len(TEMPLATE) + len(EXTRA)


@pytest.mark.django_db
def test_one_process_stores_and_processes_a_started_batch(admin_user: Any) -> None:
    """SQLite, or `--processen 1`: the same run in this process."""
    people = _people(0)
    content = _file("S", people)
    batch = import_batch_start(actor=admin_user, file_name="x.csv", content=content)
    assert import_summary(batch)["wachtend"] == len(TEMPLATE) + len(EXTRA)  # nothing stored yet

    import_batch_run(actor=admin_user, batch=batch, workers=1, chunk_size=3, content=content)

    summary = import_summary(batch)
    assert (summary["wachtend"], summary["done"]) == (0, len(TEMPLATE) + len(EXTRA))
    batch.refresh_from_db()
    assert batch.finished_at is not None


@pytest.mark.django_db
def test_a_batch_whose_rows_are_partly_stored_is_not_finished_and_counts_them_as_waiting(
    admin_user: Any,
) -> None:
    """A worker that died before it stored its rows: the batch waits for the rerun."""
    people = _people(0)
    content = _file("P", people)
    data = read_notifications(content)
    batch = import_batch_start(actor=admin_user, file_name="x.csv", content=content)
    ImportRow.objects.bulk_create(  # only the first four rows made it
        ImportRow(batch=batch, line_number=i + 2, data=row) for i, row in enumerate(data[:4])
    )
    while import_batch_process(actor=admin_user, batch=batch, limit=100):
        pass

    summary = import_summary(batch)
    assert (summary["done"], summary["wachtend"]) == (4, len(data) - 4)
    batch.refresh_from_db()
    assert batch.finished_at is None

    import_batch_run(actor=admin_user, batch=batch, content=content)  # the rerun

    summary = import_summary(batch)
    assert (summary["done"], summary["wachtend"]) == (len(data), 0)
    assert ImportRow.objects.filter(batch=batch).count() == len(data)
    batch.refresh_from_db()
    assert batch.finished_at is not None


@pytest.mark.django_db
def test_a_rerun_with_another_file_is_refused_and_changes_nothing(admin_user: Any) -> None:
    people = _people(0)
    batch = import_batch_start(actor=admin_user, file_name="x.csv", content=_file("F", people))

    with pytest.raises(ImportFileError, match="niet hetzelfde bestand"):
        import_batch_run(actor=admin_user, batch=batch, content=_file("G", people))

    assert not ImportRow.objects.filter(batch=batch).exists()
    assert not Trajectory.objects.filter(person__bsn__in=people).exists()


@pytest.mark.django_db
def test_the_web_upload_stores_every_row_at_once_with_its_partition(admin_user: Any) -> None:
    people = _people(0)
    content = _file("W", people)

    batch = import_batch_create(actor=admin_user, file_name="x.csv", content=content)

    stored = list(
        ImportRow.objects.filter(batch=batch)
        .order_by("line_number")
        .values_list("partition", flat=True)
    )
    assert stored == partitions_of(read_notifications(content))


PID_ONE = """
import multiprocessing, os, sys
sys.path.insert(0, sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = "nieuwestart.settings"
os.environ["NIEUWESTART_TESTING"] = "1"
import django
django.setup()
from nieuwestart.trajectories.imports import _end_with_parent
assert os.getpid() == 1, os.getpid()
def worker(parent):
    _end_with_parent(parent)
    sys.exit(0)
process = multiprocessing.get_context("fork").Process(target=worker, args=(os.getpid(),))
process.start()
process.join()
sys.exit(process.exitcode)
"""


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_workers_run_when_the_command_is_pid_1_as_in_a_container(tmp_path: Any) -> None:
    """In a container without an init process the import command is pid 1; its workers must
    not take that for "my parent died"."""
    script = tmp_path / "pid_one.py"
    script.write_text(PID_ONE)
    root = str(Path(__file__).resolve().parents[3])
    command = ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, str(script), root]
    if os.geteuid() != 0:
        command[1:1] = ["--user", "--map-root-user"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603  # fixed arguments
    if result.returncode != 0 and "unshare failed" in result.stderr:
        pytest.skip(f"no new pid namespace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.django_db
def test_the_web_page_of_an_unfinished_command_line_import_says_how_to_finish_it(
    admin_user: Any, client: Any, settings: Any
) -> None:
    settings.REQUIRE_SECOND_FACTOR = False
    people = _people(0)
    content = _file("C", people)
    batch = import_batch_start(actor=admin_user, file_name="x.csv", content=content)
    client.force_login(admin_user)

    page = client.get(f"/import/{batch.uuid}").content.decode()

    lines = len(TEMPLATE) + len(EXTRA)
    assert f"{lines} regels zijn nog niet ingelezen" in page
    assert "manage.py import_notifications" in page
    assert "Verder verwerken" not in page  # the web steps cannot read lines from the file
    assert import_summary(batch)["niet_opgeslagen"] == lines


class Interrupted(Exception):
    pass


@postgres_only
@pytest.mark.timeout(60)
def test_an_interrupted_run_kills_its_workers_after_they_say_where_they_were(
    transactional_db: Any, reference_data: None, admin_user: Any, monkeypatch: Any, capfd: Any
) -> None:
    """Ctrl-C on `import_notifications --processen 3`, or a hung worker in a test: no worker
    goes on alone, and each one's stack is on stderr first."""
    import signal
    import time

    from nieuwestart.trajectories import imports

    def stuck(**_kwargs: Any) -> None:
        time.sleep(600)

    def interrupt(_signum: int, _frame: Any) -> None:
        raise Interrupted

    monkeypatch.setattr(imports, "_run_partitions", stuck)  # the forked workers inherit it
    content = _file("K", _people(0))
    batch = import_batch_start(actor=admin_user, file_name="x.csv", content=content)
    seen: list[Any] = []
    multiprocessing_start = imports.multiprocessing.process.BaseProcess.start

    def start_and_remember(process: Any) -> None:
        multiprocessing_start(process)
        seen.append(process)

    monkeypatch.setattr(imports.multiprocessing.process.BaseProcess, "start", start_and_remember)
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 3)
    try:
        with pytest.raises(Interrupted):
            import_batch_run(actor=admin_user, batch=batch, workers=3, content=content)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    assert len(seen) == 3
    assert all(not process.is_alive() for process in seen)
    assert all(process.exitcode == -signal.SIGKILL for process in seen)
    err = capfd.readouterr().err
    stacks = err.split("Current thread")[1:]
    assert len(stacks) == 3, err
    assert all("in stuck" in stack and "in _worker" in stack for stack in stacks), (
        err
    )  # each worker's stack, where it waited
