"""Closed trajectories past their term lose their personal data, after a dry run, with a log
entry for every removal; the anonymised remainder still counts in the indicators; trajectories
within their term, open ones and ones on legal hold are left alone. Runs on SQLite and
PostgreSQL (scripts/with-postgres.sh)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.indicators.models import (
    IndicatorFactMonth,
    IndicatorRowMonth,
    IndicatorSnapshot,
    MeetingAttendanceFact,
    MeetingTermFact,
    TrajectoryFact,
)
from nieuwestart.indicators.services import indicator_facts_refresh
from nieuwestart.indicators.snapshot import indicator_snapshot_build
from nieuwestart.retention.models import ItemStatus, LegalHold, RetentionItem
from nieuwestart.retention.services import legal_hold_lift, retention_run
from nieuwestart.retention.tests.case import NAME, SECRET
from nieuwestart.retention.tests.conftest import APPLY_AT, DRY_RUN_AT, World
from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.models import Person, Trajectory

pytestmark = pytest.mark.django_db

JAN_BSN = "999993653"
HANDLED = {"zorginhoud", "basisvoorwaarden", "plan", "contacten", "detentie", "identiteit"}
FACTS_DAY = dt.date(2029, 1, 31)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _texts_holding(*needles: str, skip: tuple[type[models.Model], ...] = ()) -> list[str]:
    """Every (model, column) of the whole database with a row whose text holds a needle."""
    found = []
    for model in apps.get_models():
        if model in skip or model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            for needle in needles:
                if model._default_manager.filter(**{f"{field.name}__icontains": needle}).exists():
                    found.append(f"{model._meta.label}.{field.name} ~ {needle}")
    return found


def _facts() -> dict[int, Any]:
    """All indicator facts, without the refresh time: what the dashboards count."""
    rows: dict[int, Any] = {}
    for fact in TrajectoryFact.objects.order_by("pk").values():
        fact.pop("refreshed_at")
        rows[fact["trajectory_id"]] = fact
    for term in MeetingTermFact.objects.order_by("fact_id", "kind", "due").values(
        "fact_id", "kind", "due", "held_on"
    ):
        rows[term["fact_id"]].setdefault("terms", []).append(term)
    for meeting in MeetingAttendanceFact.objects.order_by("fact_id", "held_on").values():
        meeting.pop("id")
        rows[meeting["fact_id"]].setdefault("meetings", []).append(meeting)
    return rows


def _dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every chain table (not the retention app's own bookkeeping or the log)."""
    skip = {"retention", "audit", "sessions", "admin"}
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label not in skip
    }


def _removal_log(trajectory: Trajectory) -> list[ProcessingLogEntry]:
    return list(
        ProcessingLogEntry.objects.filter(
            trajectory_uuid=trajectory.uuid, purpose="bewaartermijn verstreken"
        ).order_by("id")
    )


def test_the_fixture_holds_jans_personal_data_everywhere(world: World) -> None:
    """The premise of the other tests: without retention, name and BSN are all over the place."""
    found = _texts_holding(SECRET, skip=(Person,))
    assert len(found) >= 10, found


def test_dry_run_changes_nothing_and_reports_per_category(world: World) -> None:
    before = _dump()
    lines: list[str] = []

    report = retention_run(apply=False, now=DRY_RUN_AT, out=lines.append)

    assert _dump() == before
    reported = RetentionItem.objects.filter(status=ItemStatus.PROPOSED)
    assert {(i.trajectory_uuid, i.category) for i in reported} == {
        (world.jan.uuid, category) for category in HANDLED
    }
    assert {report.summary[c]["voorgesteld"] for c in HANDLED} == {1}
    assert {report.summary[c]["bewaard"] for c in HANDLED} == {1}  # the held trajectory
    assert all(str(world.jan.uuid) in line for line in lines if "termijn verstreken" in line)
    assert not any(NAME in line or JAN_BSN in line for line in lines)


def test_nothing_is_removed_before_a_dry_run_announced_it_long_enough_ago(world: World) -> None:
    first = retention_run(apply=True, now=DRY_RUN_AT)
    assert first.summary["identiteit"]["uitgevoerd"] == 0
    too_soon = retention_run(apply=True, now=DRY_RUN_AT + dt.timedelta(days=6))
    assert too_soon.summary["identiteit"]["wacht"] == 1
    assert Person.objects.filter(bsn=JAN_BSN).exists()
    assert _removal_log(world.jan) == []

    retention_run(apply=True, now=APPLY_AT)

    assert not Person.objects.filter(bsn=JAN_BSN).exists()


def test_anonymised_trajectory_keeps_its_indicator_facts(world: World) -> None:
    indicator_facts_refresh(today=FACTS_DAY)
    before = _facts()
    assert before[world.jan.pk]["release_date"] == dt.date(2026, 12, 15)
    assert before[world.jan.pk]["joint_meeting_on"] == dt.date(2026, 11, 19)
    assert before[world.jan.pk]["sheet_with_contact"] is not None
    assert before[world.jan.pk]["terms"]  # MDO terms, one met by the meeting of 19 November

    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)
    assert _facts() == before  # the run itself does not touch the facts
    indicator_facts_refresh(today=FACTS_DAY)

    assert _facts() == before  # and a refresh from what is left gives the same figures
    assert Trajectory.objects.filter(pk=world.jan.pk).exists()


def test_no_personal_data_is_left_of_the_anonymised_trajectory(world: World) -> None:
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    assert _texts_holding(SECRET, JAN_BSN, "zus wonen", "Tactus") == []
    jan = Trajectory.objects.select_related("person").get(pk=world.jan.pk)
    person = jan.person
    assert (person.given_names, person.surname, person.bsn[0]) == ("", "", "X")
    assert person.birth_date == dt.date(1900, 1, 1)
    assessments = DomainAssessment.objects.filter(screening__trajectory=jan)
    assert assessments.count() == 6
    assert set(assessments.values_list("help_question", flat=True)) == {""}
    assert all(facts == {} for facts in assessments.values_list("facts", flat=True))
    screening = Screening.objects.get(trajectory=jan)
    assert screening.lvb == "ja" and screening.completed_at is not None
    assert not jan.assignments.exists()


def test_every_removal_is_logged_by_the_scheduler(world: World) -> None:
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    entries = _removal_log(world.jan)
    assert sorted(e.categories for e in entries) == sorted(HANDLED)
    assert {(e.username, e.action, e.channel, e.result) for e in entries} == {
        ("systeem:planner", "verwijderen", "systeem", "toegestaan")
    }
    assert {e.person_id for e in entries} == {world.jan.person_id}
    assert all("anonimiseren" in e.detail for e in entries)


def test_within_term_open_and_held_trajectories_are_untouched(world: World) -> None:
    others = [world.recent, world.open, world.held]
    before = {
        t.pk: (t.person.bsn, t.person.surname, list(t.events.values_list("reason", flat=True)))
        for t in others
    }

    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    for t in others:
        fresh = Trajectory.objects.select_related("person").get(pk=t.pk)
        after = (
            fresh.person.bsn,
            fresh.person.surname,
            list(fresh.events.values_list("reason", flat=True)),
        )
        assert after == before[t.pk]
        assert fresh.assignments.exists()
        assert _removal_log(t) == []


def test_rerun_is_idempotent(world: World) -> None:
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)
    state, log_count = _dump(), ProcessingLogEntry.objects.count()

    again = retention_run(apply=True, now=APPLY_AT + dt.timedelta(days=1))

    assert _dump() == state
    assert ProcessingLogEntry.objects.count() == log_count
    assert {again.summary[c]["uitgevoerd"] for c in HANDLED} == {0}


def test_lifting_a_hold_starts_a_new_notice_period(world: World, priya: Any) -> None:
    retention_run(apply=False, now=DRY_RUN_AT)
    hold = world.held.legal_holds.get()
    legal_hold_lift(actor=priya, hold=hold)

    retention_run(apply=True, now=APPLY_AT)  # first report of the held one: it waits
    assert _removal_log(world.held) == []
    retention_run(apply=True, now=APPLY_AT + dt.timedelta(days=7))

    assert len(_removal_log(world.held)) == len(HANDLED)


def test_delete_removes_the_whole_trajectory(world: World, settings: Any) -> None:
    settings.RETENTION_TERMS = "identiteit=24:verwijderen"
    indicator_facts_refresh(today=FACTS_DAY)
    facts_before = TrajectoryFact.objects.count()

    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    assert not Trajectory.objects.filter(pk=world.jan.pk).exists()
    assert not Person.objects.filter(bsn=JAN_BSN).exists()
    assert TrajectoryFact.objects.count() == facts_before - 1
    whole = [e for e in _removal_log(world.jan) if "hele traject" in e.detail]
    assert len(whole) == 1 and set(whole[0].category_list) == HANDLED
    assert _texts_holding(SECRET, JAN_BSN, skip=()) == []


def test_a_person_with_a_later_trajectory_keeps_it(world: World, payload: Any, justid: Any) -> None:
    """Jan comes back in 2028: his old trajectory is anonymised, the new one keeps his name."""
    from nieuwestart.retention.tests.case import at
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    with at("2028-10-01"):
        notification = validate_notification(
            payload(meldingId="JAN-TERUG", startdatum="2028-10-01", verwachteEinddatum=None),
            today=dt.date(2028, 10, 1),
        )
        new, _created = notification_receive(actor=justid, notification=notification)
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    assert Trajectory.objects.get(pk=new.pk).person.bsn == JAN_BSN
    assert Trajectory.objects.get(pk=world.jan.pk).person.bsn != JAN_BSN


def test_deleting_whole_trajectories_drops_the_nights_indicator_snapshot(
    world: World, settings: Any
) -> None:
    """The snapshot pre-counts per trajectory; after a deletion it would still count Jan."""
    settings.RETENTION_TERMS = "identiteit=24:verwijderen"
    indicator_facts_refresh(today=FACTS_DAY)
    indicator_snapshot_build(today=FACTS_DAY)
    assert IndicatorSnapshot.objects.exists()

    retention_run(apply=False, now=DRY_RUN_AT)
    assert IndicatorSnapshot.objects.exists()  # a report removes nothing
    retention_run(apply=True, now=APPLY_AT)

    assert not Trajectory.objects.filter(pk=world.jan.pk).exists()
    assert not IndicatorSnapshot.objects.exists()
    assert not IndicatorRowMonth.objects.exists() and not IndicatorFactMonth.objects.exists()


def test_anonymising_keeps_the_nights_indicator_snapshot(world: World) -> None:
    """Anonymising leaves the facts as they are, so the snapshot still matches them."""
    indicator_facts_refresh(today=FACTS_DAY)
    snapshot = indicator_snapshot_build(today=FACTS_DAY)

    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    assert IndicatorSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_a_lifted_hold_outlives_its_deleted_trajectory(
    world: World, priya: Any, settings: Any
) -> None:
    """Holds are never deleted: the record that data were kept, why and by whom stays."""
    settings.RETENTION_TERMS = "identiteit=24:verwijderen"
    held_uuid = world.held.uuid
    legal_hold_lift(actor=priya, hold=world.held.legal_holds.get())
    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    assert not Trajectory.objects.filter(uuid=held_uuid).exists()
    hold = LegalHold.objects.get(trajectory_uuid=held_uuid)
    assert (hold.trajectory_id, hold.reason, hold.reference) == (None, "klacht", "NO-2028-17")
    assert hold.placed_by == priya and hold.lifted_by == priya and hold.lifted_at is not None
