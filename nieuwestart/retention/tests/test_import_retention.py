"""Import batches: 30 days after a batch was finished, its rows lose the notifications' personal
data (accepted, duplicate and rejected rows alike), after a report at least 7 days earlier, with
a log entry per batch. The counts per outcome and the error codes stay, so the import page
still works. An unfinished batch without activity for the same term is closed: its pending rows
are rejected as never processed (with a reason the page shows), then emptied the same way. A
batch worked on recently, and rows of a trajectory on legal hold, are left alone. On SQLite and
PostgreSQL (docs/retention.md, "Import files")."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.retention.models import ItemStatus, RetentionItem
from nieuwestart.retention.services import legal_hold_place, retention_run
from nieuwestart.retention.tests.conftest import APPLY_AT, DRY_RUN_AT
from nieuwestart.trajectories.imports import (
    import_batch_create,
    import_batch_process,
    import_batch_start,
    import_summary,
)
from nieuwestart.trajectories.models import DetentionNotification, ImportBatch, ImportRow
from tests.concurrency import other_session

pytestmark = pytest.mark.django_db

HEADER = (
    "meldingId,soort,bsn,voornamen,voorvoegsel,geslachtsnaam,geboortedatum,inrichting,"
    "startdatum,verwachteEinddatum,gemeenteVanInschrijving,einddatum\n"
)
ROWS = [
    "R-1,aanvang,999990007,Anna,,Bakker,1985-02-01,PI-NIEUWERSLUIS,2026-10-01,2027-01-10,GM0363,",
    "R-2,aanvang,999990019,Ali,,Kaya,1992-07-12,PI-ALMELO,2026-10-03,,GM0153,",
    # Rejected: a BSN that fails the elfproef, and a prison code that quotes a name.
    "R-3,aanvang,123456789,Fenna,,Foutmans,1990-01-01,PI-ALMELO,2026-10-03,,GM0153,",
    "R-4,aanvang,999990032,Piet,van,Dijk,1979-03-03,Piet van Dijk,2026-10-03,,GM0153,",
    # A duplicate of R-1.
    "R-1,aanvang,999990007,Anna,,Bakker,1985-02-01,PI-NIEUWERSLUIS,2026-10-01,2027-01-10,GM0363,",
]
PERSONAL = ("Bakker", "Kaya", "Foutmans", "Dijk", "999990007", "999990019", "123456789")
CATEGORY = "importbestanden"
ABANDONED = "onvoltooide-imports"
# An abandoned batch is closed once its announcement is a whole term (30 days) old.
CLOSE_AT = DRY_RUN_AT + dt.timedelta(days=30)


def _csv(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _batch(actor: Any, *, finished: str | None, rows: list[str] = ROWS) -> ImportBatch:
    """A batch imported now, then dated: finished on that day, or unfinished (uploaded then)."""
    batch = import_batch_create(actor=actor, file_name="meldingen.csv", content=_csv(rows))
    moment = dt.datetime.fromisoformat(f"{finished or '2028-06-01'}T10:00:00+00:00")
    if finished is None:
        import_batch_process(actor=actor, batch=batch, limit=2)  # then the import stops
        ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=moment)
    else:
        import_batch_process(actor=actor, batch=batch)
        ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=moment, finished_at=moment)
    batch.refresh_from_db()
    return batch


def _row_texts(batch: ImportBatch) -> str:
    return json.dumps(list(ImportRow.objects.filter(batch=batch).values("data", "errors")))


def _removal_entries() -> list[ProcessingLogEntry]:
    return list(
        ProcessingLogEntry.objects.filter(
            purpose="bewaartermijn verstreken", detail__contains=CATEGORY
        )
    )


@pytest.fixture
def old(admin_user: Any) -> ImportBatch:
    """Finished on 20 December 2028: its 30 days passed on 19 January 2029."""
    return _batch(admin_user, finished="2028-12-20")


def test_the_dry_run_lists_the_batch_and_changes_nothing(old: ImportBatch, admin_user: Any) -> None:
    recent = _batch(admin_user, finished="2029-01-25", rows=ROWS[1:2])
    unfinished = _batch(admin_user, finished=None, rows=[r.replace("R-", "U-") for r in ROWS])
    before = {b.pk: _row_texts(b) for b in (old, recent, unfinished)}
    lines: list[str] = []

    report = retention_run(apply=False, now=DRY_RUN_AT, out=lines.append)

    listed = [line for line in lines if CATEGORY in line]
    assert any(
        str(old.uuid) in line and "uit te voeren vanaf 2029-02-08" in line for line in listed
    )
    assert not any(str(recent.uuid) in line for line in lines)
    # Uploaded on 1 June 2028 and not touched since: announced as abandoned.
    assert any(
        str(unfinished.uuid) in line
        and ABANDONED in line
        and "laatste activiteit op 2028-06-01" in line
        and "(3 regels nooit verwerkt)" in line
        for line in lines
    )
    assert report.summary[CATEGORY] == {
        "actie": "anonimiseren",
        "voorgesteld": 1,
        "uitgevoerd": 0,
        "wacht": 0,
        "bewaard": 0,
        "rijen": 0,
    }
    assert report.terms[CATEGORY] == {"dagen": 30, "actie": "anonimiseren"}
    assert {b.pk: _row_texts(b) for b in (old, recent, unfinished)} == before
    assert "Bakker" in before[old.pk]  # the premise: the rows hold the notifications
    assert not any(word in "\n".join(lines) for word in PERSONAL)
    assert _removal_entries() == []


def test_apply_empties_the_rows_and_keeps_the_overview(old: ImportBatch, admin_user: Any) -> None:
    summary = import_summary(old)
    stored = list(DetentionNotification.objects.values_list("payload", flat=True))
    retention_run(apply=False, now=DRY_RUN_AT)

    report = retention_run(apply=True, now=APPLY_AT)

    assert report.summary[CATEGORY]["uitgevoerd"] == 1
    assert report.summary[CATEGORY]["rijen"] == len(ROWS)
    texts = _row_texts(old)
    assert not any(word in texts for word in (*PERSONAL, "R-1", "Piet"))
    assert import_summary(old) == summary  # 2 accepted, 1 duplicate, 2 rejected
    rejected = list(
        ImportRow.objects.filter(batch=old, status="afgewezen").values_list("errors", flat=True)
    )
    assert rejected == [
        [{"name": "persoon.bsn", "code": "elfproef"}],
        [{"name": "inrichting", "code": "unknown"}],
    ]
    # What was accepted lives on in the trajectories, untouched.
    assert list(DetentionNotification.objects.values_list("payload", flat=True)) == stored
    (entry,) = _removal_entries()
    assert (entry.username, entry.action, entry.channel) == (
        "systeem:planner",
        "verwijderen",
        "systeem",
    )
    assert entry.categories == "detentie,identiteit"
    assert str(old.uuid) in entry.detail and "5 regels geleegd" in entry.detail
    item = RetentionItem.objects.get(trajectory_uuid=old.uuid, category=CATEGORY)
    assert (item.status, item.rows) == (ItemStatus.DONE, 5)


def test_the_import_page_still_shows_counts_and_codes(
    old: ImportBatch, admin_user: Any, client: Any, settings: Any
) -> None:
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(admin_user)

    page = client.get(f"/import/{old.uuid}").content.decode()
    status = client.get(f"/import/{old.uuid}", HTTP_ACCEPT="application/json").json()

    assert "gegevens uit de regels zijn gewist" in page
    assert "elfproef" in page and "unknown" in page
    assert not any(word in page for word in PERSONAL)
    assert status == {**status, "geaccepteerd": 2, "dubbel": 1, "afgewezen": 2, "wachtend": 0}


def test_nothing_is_emptied_without_a_report_a_week_before(old: ImportBatch) -> None:
    before = _row_texts(old)
    report = retention_run(apply=True, now=DRY_RUN_AT)  # first report: announces only
    assert report.summary[CATEGORY]["wacht"] == 1
    retention_run(apply=True, now=DRY_RUN_AT + dt.timedelta(days=6))
    assert _row_texts(old) == before
    retention_run(apply=True, now=DRY_RUN_AT + dt.timedelta(days=7))
    assert "Bakker" not in _row_texts(old)


def _unfinished(actor: Any, prefix: str = "U-") -> ImportBatch:
    """Uploaded on 1 June 2028; 2 lines processed (accepted), then the import stopped: 3 pending."""
    return _batch(actor, finished=None, rows=[r.replace("R-", prefix) for r in ROWS])


def test_recent_batches_and_unfinished_ones_worked_on_recently_are_untouched(
    admin_user: Any,
) -> None:
    recent = _batch(admin_user, finished="2029-01-25", rows=ROWS[1:2])
    unfinished = _unfinished(admin_user)
    # Its last chunk was processed on 25 January 2029: within the 30 days.
    DetentionNotification.objects.filter(message_id="U-1").update(
        received_at=dt.datetime(2029, 1, 25, 10, 0, tzinfo=dt.UTC)
    )
    before = {b.pk: _row_texts(b) for b in (recent, unfinished)}

    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    assert {b.pk: _row_texts(b) for b in (recent, unfinished)} == before
    assert "Bakker" in before[unfinished.pk] and "Kaya" in before[recent.pk]
    assert not RetentionItem.objects.filter(trajectory_uuid__in=[recent.uuid, unfinished.uuid])
    # The unfinished import can still be finished afterwards.
    import_batch_process(actor=admin_user, batch=unfinished)
    assert import_summary(unfinished)["wachtend"] == 0


def test_an_abandoned_import_is_closed_as_never_processed_and_emptied(
    admin_user: Any, priya: Any
) -> None:
    unfinished = _unfinished(admin_user)
    held_row = ImportRow.objects.get(batch=unfinished, data__meldingId="U-2")
    assert held_row.trajectory is not None
    legal_hold_place(actor=priya, trajectory=held_row.trajectory, reason="bezwaar")
    retention_run(apply=False, now=DRY_RUN_AT)
    waiting = retention_run(apply=True, now=APPLY_AT)  # the notice period alone is not enough
    assert waiting.summary[ABANDONED]["wacht"] == 1 and "Bakker" in _row_texts(unfinished)

    report = retention_run(apply=True, now=CLOSE_AT)

    assert report.errors == []
    assert report.summary[ABANDONED] == {
        "actie": "anonimiseren",
        "voorgesteld": 1,
        "uitgevoerd": 1,
        "wacht": 0,
        "bewaard": 1,
        "rijen": 4,
    }
    unfinished.refresh_from_db()
    assert unfinished.finished_at == CLOSE_AT
    summary = import_summary(unfinished)
    assert (summary["wachtend"], summary["geaccepteerd"], summary["afgewezen"]) == (0, 2, 3)
    never = list(
        ImportRow.objects.filter(batch=unfinished, status="afgewezen").values_list(
            "errors", flat=True
        )
    )
    assert [[e["code"] for e in errors] for errors in never] == [["nooit_verwerkt"]] * 3
    assert all(errors[0]["reason"].startswith("Nooit verwerkt.") for errors in never)
    # Only the row of the trajectory on legal hold keeps its data.
    kept = ImportRow.objects.filter(batch=unfinished).exclude(data={})
    assert list(kept.values_list("pk", flat=True)) == [held_row.pk]
    assert not any(w in _row_texts(unfinished) for w in ("Bakker", "Foutmans", "Dijk", "U-3"))
    (entry,) = ProcessingLogEntry.objects.filter(
        purpose="bewaartermijn verstreken", detail__contains=ABANDONED
    )
    assert entry.username == "systeem:planner" and entry.categories == "detentie,identiteit"
    assert (
        f"importbestand {unfinished.uuid}, 3 regels nooit verwerkt, 4 regels geleegd, "
        "1 regels bewaard wegens bewaarplicht" in entry.detail
    )
    item = RetentionItem.objects.get(trajectory_uuid=unfinished.uuid)
    assert (item.category, item.status) == (ABANDONED, ItemStatus.DONE)

    # Later runs leave it alone, also once the closed batch is 30 days "finished".
    entries = ProcessingLogEntry.objects.count()
    later = retention_run(apply=True, now=CLOSE_AT + dt.timedelta(days=45))
    assert later.summary[ABANDONED]["voorgesteld"] == later.summary[CATEGORY]["voorgesteld"] == 0
    assert ProcessingLogEntry.objects.count() == entries


def test_the_import_page_says_the_lines_were_never_processed(
    admin_user: Any, client: Any, settings: Any
) -> None:
    unfinished = _unfinished(admin_user)
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=CLOSE_AT)
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(admin_user)

    page = client.get(f"/import/{unfinished.uuid}").content.decode()

    assert page.count("Nooit verwerkt. De import is niet afgemaakt.") == 3
    assert "gegevens uit de regels zijn gewist" in page
    assert "Verder verwerken" not in page
    assert not any(word in page for word in PERSONAL)


def test_an_abandoned_run_whose_lines_were_never_stored_is_closed_too(admin_user: Any) -> None:
    """`import_batch_start` (the command's way, decision 0015) stores a line only with its
    outcome: killed at once, the batch has no rows. Closing adds them as never processed, so
    the counts add up, and the import is done."""
    batch = import_batch_start(actor=admin_user, file_name="meldingen.csv", content=_csv(ROWS))
    ImportBatch.objects.filter(pk=batch.pk).update(
        uploaded_at=dt.datetime(2028, 6, 1, 10, 0, tzinfo=dt.UTC)
    )
    lines: list[str] = []
    retention_run(apply=False, now=DRY_RUN_AT, out=lines.append)
    assert any(str(batch.uuid) in line and "(5 regels nooit verwerkt)" in line for line in lines)

    retention_run(apply=True, now=CLOSE_AT)

    summary = import_summary(batch)
    assert (summary["wachtend"], summary["afgewezen"], summary["done"]) == (0, 5, 5)
    codes = ImportRow.objects.filter(batch=batch).values_list("errors", flat=True)
    assert [errors[0]["code"] for errors in codes] == ["nooit_verwerkt"] * 5
    (entry,) = ProcessingLogEntry.objects.filter(detail__contains=ABANDONED)
    assert "5 regels nooit verwerkt, 0 regels geleegd" in entry.detail


def test_work_on_an_announced_import_withdraws_the_announcement(admin_user: Any) -> None:
    """Even a chunk whose lines were all rejected, which leaves no timestamp: the number of
    pending lines changed, so the announcement starts over and nothing is closed yet."""
    unfinished = _unfinished(admin_user)
    retention_run(apply=False, now=DRY_RUN_AT)
    ImportRow.objects.filter(batch=unfinished, line_number=4).update(
        status="afgewezen", errors=[{"name": "persoon.bsn", "code": "elfproef"}]
    )  # what processing the next line (U-3, a wrong BSN) does
    before = _row_texts(unfinished)
    lines: list[str] = []

    report = retention_run(apply=True, now=CLOSE_AT, out=lines.append)

    assert _row_texts(unfinished) == before
    assert any("aankondiging ingetrokken" in line for line in lines)
    assert report.summary[ABANDONED]["uitgevoerd"] == 0
    item = RetentionItem.objects.get(trajectory_uuid=unfinished.uuid)
    assert (item.first_reported_at, item.rows) == (CLOSE_AT, 2)
    # A week later is not enough; a term later, with no more work on it, it is closed.
    retention_run(apply=True, now=CLOSE_AT + dt.timedelta(days=7))
    assert import_summary(unfinished)["wachtend"] == 2
    retention_run(apply=True, now=CLOSE_AT + dt.timedelta(days=30))
    assert import_summary(unfinished)["wachtend"] == 0
    assert "Bakker" not in _row_texts(unfinished)


def test_a_rerun_changes_nothing_and_logs_nothing(old: ImportBatch) -> None:
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)
    rows = _row_texts(old)
    entries = ProcessingLogEntry.objects.count()

    report = retention_run(apply=True, now=APPLY_AT + dt.timedelta(days=1))

    assert report.summary[CATEGORY]["voorgesteld"] == 0
    assert _row_texts(old) == rows
    assert ProcessingLogEntry.objects.count() == entries


def test_rows_of_a_trajectory_on_legal_hold_keep_their_data(old: ImportBatch, priya: Any) -> None:
    anna = ImportRow.objects.filter(batch=old, data__meldingId="R-1").first()
    assert anna is not None and anna.trajectory is not None
    legal_hold_place(actor=priya, trajectory=anna.trajectory, reason="klacht")
    retention_run(apply=False, now=DRY_RUN_AT)

    report = retention_run(apply=True, now=APPLY_AT)

    kept = ImportRow.objects.filter(batch=old).exclude(data={})
    assert sorted(kept.values_list("line_number", flat=True)) == [2, 6]  # accepted and duplicate
    assert "Kaya" not in _row_texts(old) and "Foutmans" not in _row_texts(old)
    assert report.summary[CATEGORY]["bewaard"] == 1
    (entry,) = _removal_entries()
    assert "3 regels geleegd, 2 regels bewaard wegens bewaarplicht" in entry.detail


def test_the_term_is_configurable_and_checked(old: ImportBatch, settings: Any) -> None:
    settings.RETENTION_IMPORT_DAYS = 60  # 20 December + 60 days: 18 February 2029
    report = retention_run(apply=False, now=DRY_RUN_AT)
    assert report.summary[CATEGORY]["voorgesteld"] == 0

    settings.RETENTION_IMPORT_DAYS = 0
    with pytest.raises(SystemCheckError, match=r"retention\.E004"):
        call_command("check", "--fail-level", "ERROR", verbosity=0)


def test_the_privacy_officer_sees_the_import_term(client: Any, settings: Any, priya: Any) -> None:
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(priya)
    page = client.get("/privacy/bewaartermijnen/").content.decode()
    assert "importbestanden" in page and "30 dagen na het afronden van de import" in page
    assert "importbestanden die niet zijn afgemaakt" in page
    assert "30 dagen na de laatste activiteit" in page
    # PostgreSQL: the term the database enforces on the processing log (audit migration 0005).
    enforced = "de database laat niets verwijderen dat jonger is dan 60 maanden"
    assert (enforced in page) == (connection.vendor == "postgresql")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="locks of another session")
@pytest.mark.parametrize("lock", ["row", "partition"])
def test_an_import_being_processed_right_now_is_left_for_the_next_run(
    transactional_db: Any, reference_data: Any, admin_user: Any, lock: str
) -> None:
    """The web import locks the rows of the chunk it processes; `import_batch_run` holds an
    advisory lock per partition. The run waits for neither, and closes no line that is about
    to get an outcome."""
    from nieuwestart.trajectories.imports import LOCK_BASE

    unfinished = _unfinished(admin_user)
    retention_run(apply=False, now=DRY_RUN_AT)
    lines: list[str] = []
    with other_session() as importer:
        if lock == "row":
            importer.execute(
                f"SELECT id FROM {ImportRow._meta.db_table} WHERE batch_id = %s "  # noqa: S608
                "AND line_number = 4 FOR UPDATE",
                [unfinished.pk],
            )
        else:
            importer.execute("SELECT pg_advisory_xact_lock(%s, %s)", [unfinished.pk, LOCK_BASE + 7])
        report = retention_run(apply=True, now=CLOSE_AT, out=lines.append)
        importer.rollback()

    assert any(f"importbestand {unfinished.uuid}: wordt nu verwerkt" in line for line in lines)
    assert report.summary[ABANDONED]["wacht"] == 1 and report.errors == []
    assert import_summary(unfinished)["wachtend"] == 3 and "Bakker" in _row_texts(unfinished)
    # Once the import let go (and did nothing), the next run closes it.
    retention_run(apply=True, now=CLOSE_AT + dt.timedelta(days=1))
    assert import_summary(unfinished)["wachtend"] == 0
