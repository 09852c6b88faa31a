"""The retention run and the legal hold (docs/retention.md).

Rules:
- A closed trajectory's category is due when its term (months after closing,
  `categories.RetentionRule`) has passed. The closing moment is the `Closure` of
  `handover.services.trajectory_close`; for a trajectory closed without one, its last phase
  event, else its last change.
- Every run first reports what is due: one `RetentionItem` per trajectory, category and action,
  remembered with the moment it was first reported. That part changes no chain data (the dry
  run). With `apply`, an item is carried out only when it was first reported at least
  `RETENTION_NOTICE_DAYS` days earlier, the trajectory is not on legal hold, and the item is
  not done yet.
- One trajectory per transaction: its removals, their processing-log entries (actor: the
  scheduler, purpose "bewaartermijn verstreken") and the items' `uitgevoerd` mark commit
  together or not at all. A crash leaves every trajectory done or untouched; a rerun finishes
  the rest. On PostgreSQL the trajectory row is locked with SKIP LOCKED, so two hosts running
  at once never handle the same trajectory twice.
- Import batches have their own term in days after the batch was finished
  (`import_batches`): their rows are emptied with the same report, notice period, legal-hold
  exception, `RetentionItem` mark and processing-log entry, one batch per transaction.
  An unfinished batch whose last activity is older than that term is abandoned: the same way,
  its pending rows are closed as never processed and its rows emptied (category
  `onvoltooide-imports`). One with recent activity is never touched.
- The processing log has its own term, counted per entry; old entries go through
  `audit.services.log_entries_purge` (the only gate through the append-only trigger), up to the
  cut-off an earlier report announced at least the notice period before. Entries about a
  trajectory on legal hold stay. On PostgreSQL the database holds the term too (owner-only,
  audit migration 0005) and refuses a later cut-off; when that term is the longer one, the run
  purges only as far as the database allows and says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Category
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action, Channel, ProcessingLogEntry
from nieuwestart.audit.selectors import log_purge_term
from nieuwestart.audit.services import (
    PURGE_PURPOSE,
    log_entries_purge,
    log_processing,
    log_scheduler_processing,
)
from nieuwestart.indicators.snapshot import snapshots_drop
from nieuwestart.retention.categories import (
    HANDLED,
    IMPORT_ABANDONED_CATEGORY,
    IMPORT_CATEGORY,
    LOG_BASIS,
    RetentionAction,
    RetentionRule,
    parse_overrides,
    rules_from,
)
from nieuwestart.retention.import_batches import (
    import_batch_close,
    import_batch_is_abandoned,
    import_batch_lines_open,
    import_batches_abandoned,
    import_batches_due,
    import_rows_empty,
    import_rows_pending_lock,
    import_term_days,
)
from nieuwestart.retention.models import (
    HoldReason,
    ItemStatus,
    LegalHold,
    RetentionItem,
    RetentionReport,
    RunMode,
)
from nieuwestart.retention.removal import category_remove
from nieuwestart.trajectories.models import (
    EventKind,
    ImportBatch,
    Phase,
    Trajectory,
    TrajectoryEvent,
)

BATCH_SIZE = 1000
LOG_PURGE_BATCH = 5000
# pg_try_advisory_xact_lock key of the log purge: one host purges at a time.
LOG_PURGE_LOCK = 0x6E735265  # "nsRe"
HOLD_PURPOSE = "bewaren wegens bezwaar, klacht of procedure"


class RetentionError(Exception):
    """A legal-hold request that cannot be carried out; the message is for the user."""


def _item_done(item: RetentionItem, run: _Run, *, rows: int) -> None:
    """Mark a reported removal carried out, by this run, with how many rows it touched."""
    item.status = ItemStatus.DONE
    item.done_at = run.now
    item.done_report = run.report
    item.rows = rows
    item.save(update_fields=["status", "done_at", "done_report", "rows"])


def current_rules() -> dict[str, RetentionRule]:
    return rules_from(parse_overrides(settings.RETENTION_TERMS))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def log_cutoff(now: dt.datetime) -> dt.datetime:
    """Log entries before this moment are past the log's term."""
    months = settings.RETENTION_LOG_MONTHS
    day = add_months(timezone.localdate(now), -months)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class _Closed:
    pk: int
    uuid: UUID
    closed_on: dt.date


@dataclass
class _Counts:
    action: str
    proposed: int = 0
    done: int = 0
    waiting: int = 0
    held: int = 0
    rows: int = 0

    def as_json(self) -> dict[str, int | str]:
        return {
            "actie": self.action,
            "voorgesteld": self.proposed,
            "uitgevoerd": self.done,
            "wacht": self.waiting,
            "bewaard": self.held,
            "rijen": self.rows,
        }


@dataclass
class _Run:
    report: RetentionReport
    rules: dict[str, RetentionRule]
    now: dt.datetime
    apply: bool
    notice: dt.timedelta
    out: Callable[[str], None]
    held: set[int]
    counts: dict[str, _Counts] = field(default_factory=dict)
    # Trajectories deleted whole by this run (their indicator facts went with them).
    deleted: int = 0


def closed_trajectories(*, closed_before: dt.date) -> Iterator[list[_Closed]]:
    """Closed trajectories closed before the given day, in batches, oldest key first."""
    last_phase = (
        TrajectoryEvent.objects.filter(trajectory=OuterRef("pk"), kind=EventKind.PHASE)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    queryset = (
        Trajectory.objects.filter(phase=Phase.CLOSED)
        .annotate(
            closed_at=Coalesce(
                "closure__closed_at",
                Subquery(last_phase, output_field=DateTimeField()),
                "updated_at",
            )
        )
        .order_by("pk")
    )
    queryset = queryset.filter(
        closed_at__lt=timezone.make_aware(dt.datetime.combine(closed_before, dt.time.min))
    )
    last_pk = 0
    while True:
        rows = list(
            queryset.filter(pk__gt=last_pk).values_list("pk", "uuid", "closed_at")[:BATCH_SIZE]
        )
        if not rows:
            return
        last_pk = rows[-1][0]
        yield [_Closed(pk, uuid, timezone.localdate(closed_at)) for pk, uuid, closed_at in rows]


def _done(
    items: dict[tuple[UUID, str, str], RetentionItem], uuid: UUID, rule: RetentionRule
) -> bool:
    """Done with this action, or already deleted (stronger than anonymising)."""
    for action in {rule.action, RetentionAction.DELETE}:
        item = items.get((uuid, rule.category, action))
        if item is not None and item.status == ItemStatus.DONE:
            return True
    return False


def _report_batch(run: _Run, batch: list[_Closed]) -> dict[int, list[RetentionItem]]:
    """Record what is due in this batch; return, per trajectory, the items to carry out now."""
    today = timezone.localdate(run.now)
    uuids = [c.uuid for c in batch]

    def existing() -> dict[tuple[UUID, str, str], RetentionItem]:
        return {
            (i.trajectory_uuid, i.category, i.action): i
            for i in RetentionItem.objects.filter(trajectory_uuid__in=uuids)
        }

    items = existing()
    due: list[tuple[_Closed, RetentionRule, dt.date]] = []
    new: list[RetentionItem] = []
    for closed in batch:
        for rule in run.rules.values():
            if rule.category not in HANDLED:
                continue
            due_on = add_months(closed.closed_on, rule.months)
            if due_on > today or _done(items, closed.uuid, rule):
                continue
            counts = run.counts[rule.category]
            if closed.pk in run.held:
                counts.held += 1
                run.out(f"{closed.uuid} {rule.category} {rule.action}: bewaarplicht, blijft staan")
                continue
            due.append((closed, rule, due_on))
            if (closed.uuid, rule.category, rule.action) not in items:
                new.append(
                    RetentionItem(
                        trajectory_uuid=closed.uuid,
                        category=rule.category,
                        action=rule.action,
                        closed_on=closed.closed_on,
                        due_on=due_on,
                        first_report=run.report,
                        first_reported_at=run.now,
                    )
                )
    if new:
        # Another host may report the same items at the same moment: the unique constraint
        # keeps the first, and both continue with what is stored.
        RetentionItem.objects.bulk_create(new, ignore_conflicts=True)
        items = existing()
    to_apply: dict[int, list[RetentionItem]] = defaultdict(list)
    for closed, rule, due_on in due:
        item = items[(closed.uuid, rule.category, rule.action)]
        counts = run.counts[rule.category]
        counts.proposed += 1
        ready_at = item.first_reported_at + run.notice
        if run.apply and ready_at <= run.now:
            to_apply[closed.pk].append(item)
            continue
        if run.apply:
            counts.waiting += 1
        run.out(
            f"{closed.uuid} {rule.category} {rule.action}: termijn verstreken op "
            f"{due_on:%Y-%m-%d}, uit te voeren vanaf {timezone.localdate(ready_at):%Y-%m-%d}"
        )
    return to_apply


def _lock(pk: int) -> Trajectory | None:
    queryset = Trajectory.objects.filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return queryset.first()


def _apply_trajectory(run: _Run, pk: int, items: Sequence[RetentionItem]) -> None:
    """Carry out the due items of one trajectory in one transaction, each with its log entry.

    A failure rolls back this trajectory only; it is reported and the run goes on.
    """
    try:
        if _apply_locked(run, pk, items):
            run.deleted += 1
    except Exception as error:
        uuid = str(items[0].trajectory_uuid)
        run.report.errors.append({"traject": uuid, "fout": type(error).__name__})
        run.out(f"{uuid}: niet gelukt ({type(error).__name__}), niets veranderd")


def _apply_locked(run: _Run, pk: int, items: Sequence[RetentionItem]) -> bool:
    """Returns whether the whole trajectory was deleted (committed when this returns)."""
    with transaction.atomic():
        trajectory = _lock(pk)
        if trajectory is None:
            return False  # another host holds it now, or it is gone: that run does the work
        if LegalHold.objects.filter(trajectory_id=pk, lifted_at__isnull=True).exists():
            for item in items:
                run.counts[item.category].held += 1
            return False
        uuid, person_id = trajectory.uuid, trajectory.person_id
        order = list(run.rules)
        for item in sorted(items, key=lambda i: order.index(i.category)):
            locked = RetentionItem.objects.select_for_update().get(pk=item.pk)
            if locked.status == ItemStatus.DONE:
                continue
            rows = category_remove(
                trajectory=trajectory, category=locked.category, action=locked.action
            )
            whole = locked.category == "identiteit" and locked.action == RetentionAction.DELETE
            log_scheduler_processing(
                action=Action.DELETE,
                categories=sorted(HANDLED) if whole else [locked.category],
                purpose=PURGE_PURPOSE,
                trajectory_uuid=uuid,
                person_id=person_id,
                detail=f"{locked.action} {locked.category}: {rows} rijen"
                + (" (hele traject verwijderd)" if whole else ""),
            )
            _item_done(locked, run, rows=rows)
            counts = run.counts[locked.category]
            counts.done += 1
            counts.rows += rows
            run.out(f"{uuid} {locked.category} {locked.action}: uitgevoerd ({rows} rijen)")
            if whole:
                return True
    return False


def _import_retention(run: _Run) -> None:
    """Report, and with `apply` empty, the rows of import batches past their term.

    Same rules as a trajectory category: an item per batch (`trajectory_uuid` holds the batch's
    UUID), carried out only when first reported at least the notice period before, one batch
    per transaction with its processing-log entry and its done mark.
    """
    days = import_term_days()
    today = timezone.localdate(run.now)
    counts = run.counts[IMPORT_CATEGORY]
    due = import_batches_due(today=today, days=days)
    done = set(
        RetentionItem.objects.filter(
            # An abandoned batch, once closed, is finished too: it was emptied then.
            category__in=[IMPORT_CATEGORY, IMPORT_ABANDONED_CATEGORY],
            action=RetentionAction.ANONYMISE,
            status=ItemStatus.DONE,
            trajectory_uuid__in=[uuid for _pk, uuid, _at in due],
        ).values_list("trajectory_uuid", flat=True)
    )
    for pk, uuid, finished_at in due:
        if uuid in done:
            continue
        finished_on = timezone.localdate(finished_at)
        item, _created = RetentionItem.objects.get_or_create(
            trajectory_uuid=uuid,
            category=IMPORT_CATEGORY,
            action=RetentionAction.ANONYMISE,
            defaults={
                "closed_on": finished_on,
                "due_on": finished_on + dt.timedelta(days=days),
                "first_report": run.report,
                "first_reported_at": run.now,
            },
        )
        counts.proposed += 1
        ready_at = item.first_reported_at + run.notice
        if run.apply and ready_at <= run.now:
            _apply_import_batch(run, pk, item)
            continue
        if run.apply:
            counts.waiting += 1
        run.out(
            f"importbestand {uuid} {IMPORT_CATEGORY} {item.action}: termijn verstreken op "
            f"{item.due_on:%Y-%m-%d}, uit te voeren vanaf {timezone.localdate(ready_at):%Y-%m-%d}"
        )
    _abandoned_retention(run, days)


def _abandoned_retention(run: _Run, days: int) -> None:
    """Report, and with `apply` close and empty, unfinished batches with no activity for the
    import term. A batch is announced when its upload and its visible activity (notifications
    stored from it) are older than the term. The item remembers how many rows were pending then
    (`rows`); it is carried out once the announcement is the term old (at least the notice
    period) and that number is unchanged. If it changed, or the batch was finished or worked on
    since, the announcement is withdrawn and a new one starts the wait again."""
    today = timezone.localdate(run.now)
    counts = run.counts[IMPORT_ABANDONED_CATEGORY]
    abandoned = {batch.uuid: batch for batch in import_batches_abandoned(today=today, days=days)}
    for item in RetentionItem.objects.filter(
        category=IMPORT_ABANDONED_CATEGORY, status=ItemStatus.PROPOSED
    ):
        batch = abandoned.get(item.trajectory_uuid)
        if batch is None or batch.pending != item.rows:
            # Only while still proposed: another host may have just carried it out.
            RetentionItem.objects.filter(pk=item.pk, status=ItemStatus.PROPOSED).delete()
            run.out(
                f"importbestand {item.trajectory_uuid} {IMPORT_ABANDONED_CATEGORY}: er is aan "
                "gewerkt sinds de aankondiging; aankondiging ingetrokken"
            )
    for batch in abandoned.values():
        last_on = timezone.localdate(batch.last_activity)
        item, _created = RetentionItem.objects.get_or_create(
            trajectory_uuid=batch.uuid,
            category=IMPORT_ABANDONED_CATEGORY,
            action=RetentionAction.ANONYMISE,
            defaults={
                "closed_on": last_on,
                "due_on": last_on + dt.timedelta(days=days),
                "first_report": run.report,
                "first_reported_at": run.now,
                "rows": batch.pending,
            },
        )
        if item.status == ItemStatus.DONE:
            continue  # closed by another host a moment ago
        counts.proposed += 1
        # The pending rows only ever go down, so an unchanged count since the announcement means
        # nobody processed a line since. Waiting the whole term (not only the notice period)
        # makes that "no activity within the term", also for chunks that leave no timestamp.
        ready_at = item.first_reported_at + max(run.notice, dt.timedelta(days=days))
        if run.apply and ready_at <= run.now:
            _apply_abandoned_batch(run, batch.pk, item, days)
            continue
        if run.apply:
            counts.waiting += 1
        run.out(
            f"importbestand {batch.uuid} {IMPORT_ABANDONED_CATEGORY} {item.action}: niet "
            f"afgemaakt, laatste activiteit op {last_on:%Y-%m-%d}, termijn verstreken op "
            f"{item.due_on:%Y-%m-%d}, uit te voeren vanaf {timezone.localdate(ready_at):%Y-%m-%d} "
            f"({item.rows} regels nooit verwerkt)"
        )


def _apply_abandoned_batch(run: _Run, pk: int, item: RetentionItem, days: int) -> None:
    """Close and empty one abandoned batch in one transaction with its log entry. Checked again
    under lock: still unfinished, still no recent activity, the same pending rows as announced,
    and none of them being processed right now. A failure rolls back this batch only."""
    counts = run.counts[IMPORT_ABANDONED_CATEGORY]
    uuid = item.trajectory_uuid
    try:
        with transaction.atomic():
            queryset = ImportBatch.objects.filter(pk=pk)
            if connection.features.has_select_for_update_skip_locked:
                queryset = queryset.select_for_update(skip_locked=True)
            batch = queryset.first()
            if batch is None:
                return  # another host holds it now: that run does the work
            locked = RetentionItem.objects.select_for_update().filter(pk=item.pk).first()
            if locked is None or locked.status == ItemStatus.DONE:
                return  # withdrawn or carried out by another host a moment ago
            pending = import_rows_pending_lock(batch=batch)
            if pending is None:
                counts.waiting += 1
                run.out(f"importbestand {uuid}: wordt nu verwerkt; blijft staan")
                return
            today = timezone.localdate(run.now)
            if import_batch_lines_open(batch) != locked.rows or not import_batch_is_abandoned(
                batch=batch, today=today, days=days
            ):
                locked.delete()
                run.out(
                    f"importbestand {uuid} {IMPORT_ABANDONED_CATEGORY}: er is aan gewerkt sinds "
                    "de aankondiging; aankondiging ingetrokken"
                )
                return
            held = set(
                LegalHold.objects.filter(
                    lifted_at__isnull=True, trajectory__isnull=False
                ).values_list("trajectory_id", flat=True)
            )
            never, emptied, kept = import_batch_close(
                batch=batch, pending=pending, keep_trajectories=held, now=run.now
            )
            log_scheduler_processing(
                action=Action.DELETE,
                categories=sorted([Category.IDENTITY, Category.DETENTION]),
                purpose=PURGE_PURPOSE,
                detail=f"{locked.action} {IMPORT_ABANDONED_CATEGORY}: importbestand {uuid}, "
                f"{never} regels nooit verwerkt, {emptied} regels geleegd"
                + (f", {kept} regels bewaard wegens bewaarplicht" if kept else ""),
            )
            _item_done(locked, run, rows=emptied)
    except Exception as error:
        run.report.errors.append({"importbestand": str(uuid), "fout": type(error).__name__})
        run.out(f"importbestand {uuid}: niet gelukt ({type(error).__name__}), niets veranderd")
        return
    counts.done += 1
    counts.rows += emptied
    if kept:
        counts.held += 1
    run.out(
        f"importbestand {uuid} {IMPORT_ABANDONED_CATEGORY} {item.action}: uitgevoerd "
        f"({never} regels nooit verwerkt, {emptied} regels geleegd"
        + (f", {kept} bewaard wegens bewaarplicht)" if kept else ")")
    )


def _apply_import_batch(run: _Run, pk: int, item: RetentionItem) -> None:
    """Empty one batch's rows in one transaction with its log entry; a failure rolls back this
    batch only, is reported, and the run goes on."""
    counts = run.counts[IMPORT_CATEGORY]
    try:
        with transaction.atomic():
            queryset = ImportBatch.objects.filter(pk=pk)
            if connection.features.has_select_for_update_skip_locked:
                queryset = queryset.select_for_update(skip_locked=True)
            batch = queryset.first()
            if batch is None:
                return  # another host holds it now: that run does the work
            locked = RetentionItem.objects.select_for_update().get(pk=item.pk)
            if locked.status == ItemStatus.DONE:
                return
            held = set(
                LegalHold.objects.filter(
                    lifted_at__isnull=True, trajectory__isnull=False
                ).values_list("trajectory_id", flat=True)
            )
            emptied, kept = import_rows_empty(batch=batch, keep_trajectories=held)
            log_scheduler_processing(
                action=Action.DELETE,
                categories=sorted([Category.IDENTITY, Category.DETENTION]),
                purpose=PURGE_PURPOSE,
                detail=f"{locked.action} {IMPORT_CATEGORY}: importbestand {batch.uuid}, "
                f"{emptied} regels geleegd"
                + (f", {kept} regels bewaard wegens bewaarplicht" if kept else ""),
            )
            _item_done(locked, run, rows=emptied)
    except Exception as error:
        run.report.errors.append(
            {"importbestand": str(item.trajectory_uuid), "fout": type(error).__name__}
        )
        run.out(
            f"importbestand {item.trajectory_uuid}: niet gelukt ({type(error).__name__}), niets veranderd"
        )
        return
    counts.done += 1
    counts.rows += emptied
    if kept:
        counts.held += 1
    run.out(
        f"importbestand {item.trajectory_uuid} {IMPORT_CATEGORY} {item.action}: uitgevoerd "
        f"({emptied} regels geleegd" + (f", {kept} bewaard wegens bewaarplicht)" if kept else ")")
    )


def _drop_indicator_snapshots(run: _Run) -> None:
    """A deleted trajectory's facts are gone, but the night's pre-counted snapshot still counts
    them: drop it, so the dashboards count from the facts until the next snapshot is built."""
    if not run.deleted:
        return
    with transaction.atomic():
        snapshots_drop()
    run.out(f"indicatoren: momentopname vervallen ({run.deleted} trajecten verwijderd)")


def _purge_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOG_PURGE_LOCK])
        return bool(cursor.fetchone()[0])


def _log_retention(run: _Run) -> None:
    """Report, and with `apply` remove, processing-log entries past the log's term.

    Removal goes up to the cut-off of the most recent earlier report that is at least the
    notice period old, so every removed entry was announced that long before.
    """
    cutoff = log_cutoff(run.now)
    held_uuids = list(Trajectory.objects.filter(pk__in=run.held).values_list("uuid", flat=True))
    due = ProcessingLogEntry.objects.filter(timestamp__lt=cutoff).exclude(
        trajectory_uuid__in=held_uuids
    )
    run.report.log_cutoff = cutoff
    run.report.log_due = due.count()
    run.out(
        f"verwerkingenlog: {run.report.log_due} verwerkingen van voor {cutoff:%Y-%m-%d} "
        f"voorbij de termijn van {settings.RETENTION_LOG_MONTHS} maanden"
    )
    database = log_purge_term()
    if database is not None and database.months != settings.RETENTION_LOG_MONTHS:
        run.out(
            f"verwerkingenlog: de database houdt een termijn van {database.months} maanden aan, "
            f"ingesteld is {settings.RETENTION_LOG_MONTHS}; de langste van de twee geldt "
            "(gelijkzetten: manage.py retention_log_term --sync, als eigenaar van de database)"
        )
    if not run.apply:
        return
    announced = (
        RetentionReport.objects.filter(
            started_at__lte=run.now - run.notice, log_cutoff__isnull=False
        )
        .order_by("-started_at")
        .values_list("log_cutoff", flat=True)
        .first()
    )
    if announced is None:
        run.out(
            "verwerkingenlog: nog geen eerder rapport van lang genoeg geleden; niets verwijderd"
        )
        return
    before = min(announced, cutoff)
    if database is not None and database.limit < before:
        # The owner's term is longer than the configured one: the purge function would refuse
        # this cut-off, so go only as far as the database allows.
        before = database.limit
    removed = 0
    while True:
        with transaction.atomic():
            if not _purge_lock():
                run.out("verwerkingenlog: een andere run schoont het log nu op")
                break
            count = log_entries_purge(
                before=before, keep_trajectories=held_uuids, limit=LOG_PURGE_BATCH
            )
        removed += count
        if count == 0:
            break
    run.report.log_removed = removed
    run.out(
        f"verwerkingenlog: {removed} verwerkingen van voor "
        f"{timezone.localtime(before):%Y-%m-%d} verwijderd"
    )


def retention_run(
    *,
    apply: bool = False,
    now: dt.datetime | None = None,
    out: Callable[[str], None] | None = None,
) -> RetentionReport:
    """Report what is due and, with `apply`, carry out what was reported long enough ago.

    Returns the stored report. Safe to run again at any moment and on several hosts at once.
    """
    now = now or timezone.now()
    rules = current_rules()
    run = _Run(
        report=RetentionReport.objects.create(
            mode=RunMode.APPLY if apply else RunMode.DRY_RUN,
            started_at=now,
            terms={
                **{
                    code: {"maanden": rule.months, "actie": rule.action}
                    for code, rule in rules.items()
                },
                IMPORT_CATEGORY: {"dagen": import_term_days(), "actie": RetentionAction.ANONYMISE},
                IMPORT_ABANDONED_CATEGORY: {
                    "dagen": import_term_days(),
                    "actie": RetentionAction.ANONYMISE,
                },
                "verwerkingenlog": {"maanden": settings.RETENTION_LOG_MONTHS},
            },
        ),
        rules=rules,
        now=now,
        apply=apply,
        notice=dt.timedelta(days=settings.RETENTION_NOTICE_DAYS),
        out=out or (lambda line: None),
        held=set(
            LegalHold.objects.filter(lifted_at__isnull=True).values_list("trajectory_id", flat=True)
        ),
        counts={
            **{code: _Counts(rule.action) for code, rule in rules.items()},
            IMPORT_CATEGORY: _Counts(RetentionAction.ANONYMISE),
            IMPORT_ABANDONED_CATEGORY: _Counts(RetentionAction.ANONYMISE),
        },
    )
    shortest = min(rule.months for rule in rules.values())
    # A few days' margin for month ends; each rule checks its own due date exactly.
    closed_before = add_months(timezone.localdate(now), -shortest) + dt.timedelta(days=4)
    for batch in closed_trajectories(closed_before=closed_before):
        to_apply = _report_batch(run, batch)
        for pk, items in to_apply.items():
            _apply_trajectory(run, pk, items)
    _drop_indicator_snapshots(run)
    _import_retention(run)
    _log_retention(run)
    run.report.summary = {code: counts.as_json() for code, counts in run.counts.items()}
    run.report.finished_at = timezone.now()
    run.report.save(
        update_fields=["summary", "errors", "finished_at", "log_cutoff", "log_due", "log_removed"]
    )
    return run.report


# --- Legal hold ----------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(
    *, actor: User, trajectory: Trajectory, reason: str, reference: str = ""
) -> LegalHold:
    """Keep the trajectory's data past its term until the hold is lifted."""
    if reason not in HoldReason.values:
        raise RetentionError(_("Kies waarom de gegevens bewaard moeten blijven."))
    Trajectory.objects.select_for_update().filter(pk=trajectory.pk).first()
    if LegalHold.objects.filter(trajectory=trajectory, lifted_at__isnull=True).exists():
        raise RetentionError(_("Voor dit traject geldt al een bewaarplicht."))
    hold = LegalHold.objects.create(
        trajectory=trajectory,
        trajectory_uuid=trajectory.uuid,
        reason=reason,
        reference=reference.strip()[:100],
        placed_by=actor,
        placed_at=timezone.now(),
    )
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        categories=["bewaartermijn"],
        purpose=HOLD_PURPOSE,
        channel=Channel.WEB,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail=f"bewaarplicht ingesteld: {reason}",
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: User, hold: LegalHold) -> LegalHold:
    """Lift the hold. What was reported before starts over: a new report, a new notice period."""
    # No select_related: the trajectory is now a nullable link, and PostgreSQL refuses FOR UPDATE
    # on the nullable side of an outer join.
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise RetentionError(_("Deze bewaarplicht is al opgeheven."))
    locked.lifted_at = timezone.now()
    locked.lifted_by = actor
    locked.save(update_fields=["lifted_at", "lifted_by"])
    RetentionItem.objects.filter(
        trajectory_uuid=locked.trajectory_uuid, status=ItemStatus.PROPOSED
    ).delete()
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        categories=["bewaartermijn"],
        purpose=HOLD_PURPOSE,
        channel=Channel.WEB,
        trajectory_uuid=locked.trajectory_uuid,
        person_id=locked.trajectory.person_id if locked.trajectory is not None else None,
        detail=f"bewaarplicht opgeheven: {locked.reason}",
    )
    return locked


__all__ = [
    "LOG_BASIS",
    "RetentionError",
    "add_months",
    "current_rules",
    "legal_hold_lift",
    "legal_hold_place",
    "log_cutoff",
    "retention_run",
]
