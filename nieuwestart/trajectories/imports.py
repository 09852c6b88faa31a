"""Batch import of detention notifications from a CSV file (decisions 0007 and 0013).

The file is read once into ImportRow records (one transaction), then processed in chunks of
up to 1,000 rows in line order. Each row is validated with the same validator as the API, so a
row is refused for the same reasons in the same words; the valid ones go to
`ingest.notifications_ingest_bulk`, which gives each the outcome `notification_receive` would
(set-based for the common case). A chunk is one transaction together with the status of its
rows: a crash loses at most the chunk in progress, whose rows stay `wachtend`, and a rerun
redoes them to the same final state (meldingId is idempotent as well).

Side by side (decision 0015): every row gets a partition when it is stored. Rows that share a
BSN or a meldingId, directly or through other rows, get the same one, so a person's
notifications keep their order, and no two partitions touch the same person or meldingId.
`import_batch_run(workers=N)` then lets N processes each take their own partitions, each still
in line order and in chunks: the outcome of every row is the one of a single run in line order.
"""

from __future__ import annotations

import csv
import ctypes
import faulthandler
import hashlib
import io
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Channel
from nieuwestart.trajectories.ingest import IngestResult, insert_rows, notifications_ingest_bulk
from nieuwestart.trajectories.models import ImportBatch, ImportRow, ImportRowStatus
from nieuwestart.trajectories.notifications import (
    InvalidNotification,
    OrganisationLookup,
    ValidNotification,
    validate_notification,
)

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
PERSON_COLUMNS = {"bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum"}
MAX_ROWS = 50_000
# Rows per transaction: big enough for set-based work, small enough to lose little on a crash.
CHUNK_SIZE = 1000
# How long an interrupted run gives each worker to write its stack before the next one.
STACK_DUMP_SECONDS = 0.2
logger = logging.getLogger("nieuwestart.import")
# Partitions per batch (decision 0015): divisible by 1, 2, 3, 4 and 6 workers.
PARTITIONS = 12
# First key of the advisory locks on a batch's partitions: (batch id, LOCK_BASE + partition).
LOCK_BASE = 151_000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def row_to_notification(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row in the API's JSON shape, so one validator serves both."""
    data: dict[str, Any] = {
        k: (row.get(k) or "").strip() for k in COLUMNS if k not in PERSON_COLUMNS
    }
    data["persoon"] = {k: (row.get(k) or "").strip() for k in PERSON_COLUMNS}
    if not data.get("verwachteEinddatum"):
        data["verwachteEinddatum"] = None
    if not data.get("einddatum"):
        data.pop("einddatum", None)
    return data


def parse_file(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8).")
        ) from exc
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [
        c for c in ("meldingId", "soort", "bsn", "inrichting") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ImportFileError(
            _("De eerste regel moet de kolomnamen bevatten. Deze ontbreken: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    rows = list(reader)
    if not rows:
        raise ImportFileError(_("Het bestand bevat geen meldingen."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("Een bestand mag hoogstens %(max)s meldingen bevatten.") % {"max": MAX_ROWS}
        )
    return rows


def read_notifications(content: bytes) -> list[dict[str, Any]]:
    """The file's rows in the API's JSON shape; ImportFileError if the file as a whole is
    unusable."""
    return [row_to_notification(row) for row in parse_file(content)]


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def import_batch_create(*, actor: User, file_name: str, content: bytes) -> ImportBatch:
    """Store the file as a batch with all its rows, in one transaction (the web upload)."""
    data = read_notifications(content)
    batch = import_batch_start(
        actor=actor, file_name=file_name, content=content, notifications=data
    )
    _store_rows(batch, data, partitions_of(data))
    return batch


def import_batch_start(
    *,
    actor: User,
    file_name: str,
    content: bytes,
    notifications: list[dict[str, Any]] | None = None,
) -> ImportBatch:
    """Only the batch, without its rows: `import_batch_run(content=...)` stores them, each
    worker its own partitions (decision 0015). Until then the rows count as not stored.
    `notifications`: `read_notifications(content)` if the caller has it already."""
    if notifications is None:
        notifications = read_notifications(content)
    return ImportBatch.objects.create(
        file_name=file_name[:200],
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        total_rows=len(notifications),
        content_sha256=content_hash(content),
    )


def _store_rows(batch: ImportBatch, data: list[dict[str, Any]], partitions: list[int]) -> None:
    """Every row of a new batch, waiting to be processed (the web upload)."""
    insert_rows(
        ImportRow,
        [
            {
                "batch_id": batch.pk,
                "line_number": index + 2,
                "partition": partition,
                "data": notification,
            }
            for index, (notification, partition) in enumerate(zip(data, partitions, strict=True))
        ],
    )


def partitions_of(notifications: Iterable[dict[str, Any]]) -> list[int]:
    """The partition of each notification (in the API's JSON shape), in order.

    Rows are linked when they share a BSN or a meldingId; every group of linked rows gets one
    partition, in turn by first appearance, so the partitions are about equally full. The keys
    are the values as stored: the validator compares exactly these strings."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    keys = []
    for notification in notifications:
        person = notification.get("persoon")
        bsn = person.get("bsn") if isinstance(person, dict) else None
        pair = (f"m:{notification.get('meldingId')}", f"b:{bsn}")
        keys.append(pair)
        first, second = root(pair[0]), root(pair[1])
        if first != second:
            parent[second] = first
    numbers: dict[str, int] = {}
    return [
        numbers.setdefault(root(message_key), len(numbers) % PARTITIONS)
        for message_key, _bsn_key in keys
    ]


def import_batch_process(
    *,
    actor: User,
    batch: ImportBatch,
    limit: int = 200,
    chunk_size: int = CHUNK_SIZE,
    partitions: Collection[int] | None = None,
    lookup: OrganisationLookup | None = None,
) -> int:
    """Process up to `limit` pending rows in chunks of `chunk_size`; returns how many were
    processed. Each chunk is one transaction: all its rows get their outcome, or none do.
    `partitions`: only the rows of these partitions (a worker of `import_batch_run`);
    `lookup`: the organisations, if the caller has them loaded already."""
    if lookup is None:
        lookup = OrganisationLookup(preload=True)
    only = sorted(partitions) if partitions is not None else None
    processed = 0
    while processed < limit:
        done = _process_chunk(
            actor=actor,
            batch=batch,
            size=min(chunk_size, limit - processed),
            lookup=lookup,
            partitions=only,
        )
        if done == 0 and not _has_pending(batch, only):
            break
        processed += done
    _finish_if_done(batch)
    return processed


def _all_stored(batch: ImportBatch) -> bool:
    """False while rows of a batch from `import_batch_start` are still to be stored."""
    return ImportRow.objects.filter(batch=batch).count() >= batch.total_rows


def import_batch_run(
    *,
    actor: User,
    batch: ImportBatch,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
    content: bytes | None = None,
    notifications: list[dict[str, Any]] | None = None,
    progress: Callable[[ImportBatch], None] | None = None,
) -> None:
    """Process the whole batch: its stored rows that wait, and, given `content` (the batch's
    file), every line of it that is not stored yet.

    A line that is not stored yet is stored together with its outcome, in the transaction of
    its chunk, so a stored line is a processed line and a crash loses only the chunk in
    progress (decision 0015). With `workers` > 1 on PostgreSQL that many processes work side
    by side, each on its own partitions, each partition held by one process at a time; SQLite
    has one writer at a time, so there everything runs in this process.

    Raises ImportWorkerFailed if a worker died; a new run with the same file finishes the
    batch. `progress` is called after every chunk when one process does the work;
    `notifications` is `read_notifications(content)` if the caller has it already."""
    data: list[dict[str, Any]] | None = None
    partitions: list[int] = []
    if content is not None:
        if batch.content_sha256 and batch.content_sha256 != content_hash(content):
            raise ImportFileError(
                _(
                    "Dit is niet hetzelfde bestand als bij het begin van deze import. "
                    "Begin een nieuwe import."
                )
            )
        data = notifications if notifications is not None else read_notifications(content)
        partitions = partitions_of(data)
    if workers <= 1 or connection.vendor != "postgresql":
        _run_partitions(
            actor=actor,
            batch=batch,
            chunk_size=chunk_size,
            mine=list(range(PARTITIONS)),
            data=data,
            partitions=partitions,
            progress=progress,
        )
        return
    if connection.in_atomic_block:
        raise RuntimeError("import_batch_run starts its own transactions")
    # A forked child must not share the parent's database connection: close them all first,
    # and every process opens its own. The children read `data` from the forked memory.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(
            target=_worker,
            args=(
                actor.pk,
                batch.pk,
                chunk_size,
                [p for p in range(PARTITIONS) if p % workers == w],
                data,
                partitions,
                os.getpid(),
            ),
            name=f"import-{batch.pk}-{w}",
        )
        for w in range(workers)
    ]
    try:
        # The workers start with SIGUSR1 blocked and unblock it once faulthandler listens
        # (_worker): a request for the stack that comes earlier waits instead of killing.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        try:
            for process in processes:
                process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for process in processes:
            process.join()
    finally:
        # Interrupted (Ctrl-C, a signal turned into an exception): no worker works on alone.
        # Each one first writes where it was to stderr, one after the other so the stacks do
        # not mix, and a worker that hung can be found. A second Ctrl-C skips the stacks, not
        # the kill.
        alive = [process for process in processes if process.is_alive()]
        try:
            for process in alive:
                if process.pid is not None:
                    os.kill(process.pid, signal.SIGUSR1)
                    time.sleep(STACK_DUMP_SECONDS)
        finally:
            for process in alive:
                process.kill()
                process.join()
    failed = [p.name for p in processes if p.exitcode != 0]
    if failed:
        raise ImportWorkerFailed(failed)
    _finish_if_done(batch)  # the last worker may have seen the others' rows still waiting


class ImportWorkerFailed(Exception):
    """A worker process of `import_batch_run` ended with an error."""


def _worker(
    actor_id: int,
    batch_id: int,
    chunk_size: int,
    mine: list[int],
    data: list[dict[str, Any]] | None,
    partitions: list[int],
    parent: int,
) -> None:
    _end_with_parent(parent)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # see import_batch_run
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
    try:
        _run_partitions(
            actor=User.objects.select_related("organisation").get(pk=actor_id),
            batch=ImportBatch.objects.get(pk=batch_id),
            chunk_size=chunk_size,
            mine=mine,
            data=data,
            partitions=partitions,
            progress=None,
        )
    finally:
        connections.close_all()


def _run_partitions(
    *,
    actor: User,
    batch: ImportBatch,
    chunk_size: int,
    mine: list[int],
    data: list[dict[str, Any]] | None,
    partitions: list[int],
    progress: Callable[[ImportBatch], None] | None,
) -> None:
    with _partitions_held(batch, mine):
        every = len(mine) == PARTITIONS
        lookup = OrganisationLookup(preload=True)  # one read of the organisations per process
        # Rows stored at upload (the web import) that still wait.
        while import_batch_process(
            actor=actor,
            batch=batch,
            limit=chunk_size,
            chunk_size=chunk_size,
            partitions=None if every else mine,
            lookup=lookup,
        ):
            if progress is not None:
                progress(batch)
        if data is not None:
            # Every stored line of the batch, not only this worker's partitions: rows stored
            # before partitions existed, or added by the retention run, all have partition 0.
            present = set(
                ImportRow.objects.filter(batch=batch).values_list("line_number", flat=True)
            )
            wanted = set(mine)
            todo = [
                (index + 2, partition, notification)
                for index, (notification, partition) in enumerate(
                    zip(data, partitions, strict=True)
                )
                if partition in wanted and index + 2 not in present
            ]
            for start in range(0, len(todo), chunk_size):
                _process_lines(
                    actor=actor, batch=batch, lines=todo[start : start + chunk_size], lookup=lookup
                )
                if progress is not None:
                    progress(batch)
    _finish_if_done(batch)


@contextmanager
def _partitions_held(batch: ImportBatch, mine: list[int]) -> Iterator[None]:
    """PostgreSQL: one process at a time per partition of a batch (a session advisory lock
    per partition, taken in order, so two runs cannot deadlock). A second run waits, then
    finds the lines stored and skips them. SQLite has one writer at a time anyway."""
    if connection.vendor != "postgresql":
        yield
        return
    keys = [(batch.pk, LOCK_BASE + p) for p in sorted(mine)]
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            if not cursor.fetchone()[0]:
                logger.warning(
                    "import batch=%s partition=%s: wacht op een andere import van deze batch",
                    batch.pk,
                    key[1] - LOCK_BASE,
                )
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for key in reversed(keys):
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


@transaction.atomic
def _process_lines(
    *,
    actor: User,
    batch: ImportBatch,
    lines: list[tuple[int, int, dict[str, Any]]],
    lookup: OrganisationLookup,
) -> None:
    """Validate and ingest lines of the file that are not stored yet, then store each with
    its outcome: one transaction for the chunk and its rows."""
    items = [(line, data) for line, _partition, data in lines]
    outcomes = _outcomes(actor=actor, items=items, lookup=lookup)
    insert_rows(
        ImportRow,
        [
            {
                "batch_id": batch.pk,
                "line_number": line,
                "partition": partition,
                "data": data,
                "status": str(outcomes[line].status),
                "errors": outcomes[line].errors,
                "trajectory_id": outcomes[line].trajectory_id,
            }
            for line, partition, data in lines
        ],
    )


def _outcomes(
    *, actor: User, items: list[tuple[int, Any]], lookup: OrganisationLookup
) -> dict[int, IngestResult]:
    """Validate each (key, notification data) and ingest the valid ones in order: the outcome
    per key. The API's validator, so a line is refused for the API's reasons."""
    today = timezone.localdate()
    outcomes: dict[int, IngestResult] = {}
    valid: list[tuple[int, ValidNotification]] = []
    for key, data in items:
        try:
            valid.append((key, validate_notification(data, today=today, organisations=lookup)))
        except InvalidNotification as exc:
            outcomes[key] = IngestResult(
                ImportRowStatus.REJECTED, None, [e.as_dict() for e in exc.errors]
            )
    results = notifications_ingest_bulk(
        actor=actor, notifications=[n for _, n in valid], channel=Channel.SYSTEM
    )
    outcomes.update((key, result) for (key, _n), result in zip(valid, results, strict=True))
    return outcomes


def _finish_if_done(batch: ImportBatch) -> None:
    if not _has_pending(batch, None) and _all_stored(batch):
        ImportBatch.objects.filter(pk=batch.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )


def _end_with_parent(parent: int) -> None:
    """Linux: this worker gets SIGKILL when the process that started it (`parent`) dies, as a
    single process would have died with it (a killed import leaves no workers running on)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker finishes its partitions alone
        return
    # The parent died before the line above ran: the worker now belongs to another process.
    # (Compared with the parent's own pid: in a container the command itself is pid 1.)
    if os.getppid() != parent:
        os._exit(1)


def _has_pending(batch: ImportBatch, partitions: list[int] | None) -> bool:
    rows = ImportRow.objects.filter(batch=batch, status=ImportRowStatus.PENDING)
    if partitions is not None:
        rows = rows.filter(partition__in=partitions)
    return rows.exists()


@transaction.atomic
def _process_chunk(
    *,
    actor: User,
    batch: ImportBatch,
    size: int,
    lookup: OrganisationLookup,
    partitions: list[int] | None,
) -> int:
    # Locked: a second process on the same rows waits here, and PostgreSQL then checks the
    # status again, so it skips what the first one did.
    pending = ImportRow.objects.filter(batch=batch, status=ImportRowStatus.PENDING)
    if partitions is not None:
        pending = pending.filter(partition__in=partitions)
    rows = list(
        pending.select_for_update().order_by("line_number").values_list("pk", "data")[:size]
    )
    if not rows:
        return 0
    outcomes = _outcomes(actor=actor, items=rows, lookup=lookup)
    _store_outcomes(outcomes)
    return len(rows)


def _store_outcomes(outcomes: dict[int, IngestResult]) -> None:
    """One statement per outcome kind: `bulk_update` builds a CASE per field and row, which
    took a second per 1,000 rows. Rejected rows, each with its own errors, are few."""
    by_status: dict[str, list[tuple[int, int | None]]] = {}
    for pk, outcome in outcomes.items():
        if outcome.status != ImportRowStatus.REJECTED:
            by_status.setdefault(outcome.status, []).append((pk, outcome.trajectory_id))
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        for status, pairs in by_status.items():
            if connection.vendor == "postgresql":  # two arrays: two parameters, not 2,000
                cursor.execute(
                    f"UPDATE {table} SET status = %s, trajectory_id = v.trajectory_id "  # noqa: S608  # nosec B608  # quoted table name
                    "FROM unnest(%s::bigint[], %s::bigint[]) AS v(row_id, trajectory_id) "
                    "WHERE id = v.row_id",
                    [status, [pk for pk, _t in pairs], [t for _pk, t in pairs]],
                )
                continue
            values = ", ".join(["(%s, %s)"] * len(pairs))
            cursor.execute(
                f"WITH v(row_id, trajectory_id) AS (VALUES {values}) "  # noqa: S608  # nosec B608  # placeholders only; quoted table name
                f"UPDATE {table} SET status = %s, trajectory_id = v.trajectory_id "
                "FROM v WHERE id = v.row_id",
                [*(value for pair in pairs for value in pair), status],
            )
    errors_field = ImportRow._meta.get_field("errors")
    rejected = [
        (errors_field.get_db_prep_save(o.errors, connection), pk)
        for pk, o in outcomes.items()
        if o.status == ImportRowStatus.REJECTED
    ]
    if rejected:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET status = '{ImportRowStatus.REJECTED.value}', "  # noqa: S608  # nosec B608  # a constant and a quoted table name
                "errors = %s WHERE id = %s",
                rejected,
            )


def import_summary(batch: ImportBatch) -> dict[str, int]:
    """Lines per outcome, `total`, `done` and `niet_opgeslagen`. Lines of a command-line import
    not stored yet (decision 0015) count as waiting (`wachtend`), and also as
    `niet_opgeslagen`: only that command, given the same file again, can process them; the web
    page's steps cannot."""
    counts = {s: 0 for s in ImportRowStatus.values}
    for item in ImportRow.objects.filter(batch=batch).values("status").annotate(n=Count("id")):
        counts[item["status"]] = item["n"]
    stored = sum(counts.values())
    done = stored - counts[ImportRowStatus.PENDING]
    counts["total"] = batch.total_rows
    counts["done"] = done
    counts[ImportRowStatus.PENDING] = batch.total_rows - done
    counts["niet_opgeslagen"] = max(batch.total_rows - stored, 0)
    return counts
