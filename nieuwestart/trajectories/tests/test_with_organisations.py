"""`Trajectory.objects.with_organisations()`: the named organisations read once, by key.

The case pages and the work list read the organisations a trajectory names after the rows
instead of joining five times (docs/benchmarks.md, "Organisations read by key"). What a user
sees must not change: each page shows the same PI, municipalities and leads as before, and
reading them costs one query whatever the number of rows, never one per row.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from nieuwestart.trajectories import selectors
from nieuwestart.trajectories.models import Trajectory, TrajectoryQuerySet
from nieuwestart.trajectories.notifications import validate_notification

pytestmark = pytest.mark.django_db

FIELDS = TrajectoryQuerySet.ORGANISATION_FIELDS


def _names(trajectory: Trajectory) -> dict[str, str | None]:
    return {field: getattr(getattr(trajectory, field), "code", None) for field in FIELDS}


def _joined(pk: int) -> Trajectory:
    return Trajectory.objects.select_related("person", *FIELDS).get(pk=pk)


def test_one_trajectory_has_the_same_organisations_as_when_joined(trajectory: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        read = selectors.trajectory_detail_queryset().get(uuid=trajectory.uuid)
        names = _names(read)
        person = read.person.surname
    assert names == _names(_joined(trajectory.pk))
    assert names["prison"] == "PI-ALMELO"
    assert person == "Vries"
    # The trajectory with its person, then the organisations: nothing more when they are used.
    assert len(queries) == 2


def test_a_list_reads_the_organisations_in_one_query_however_many_rows(
    trajectory: Any, justid: Any, payload: Any
) -> None:
    from nieuwestart.trajectories.services import notification_receive

    for number in range(2, 6):
        notification = validate_notification(
            payload(
                meldingId=f"JUSTID-2026-00000{number}",
                persoon={"bsn": ["999990019", "999990032", "999990044", "999990056"][number - 2]},
                inrichting="PI-VUGHT" if number % 2 else "PI-ALMELO",
            ),
            today=trajectory.start_date,
        )
        notification_receive(actor=justid, notification=notification)
    with CaptureQueriesContext(connection) as queries:
        rows = list(Trajectory.objects.with_organisations().order_by("pk"))
        names = [_names(row) for row in rows]
    assert len(rows) == 5
    assert names == [_names(_joined(row.pk)) for row in rows]
    assert {n["prison"] for n in names} == {"PI-ALMELO", "PI-VUGHT"}
    assert len(queries) == 2


def test_slices_first_and_locks_keep_reading_the_organisations(trajectory: Any) -> None:
    qs = Trajectory.objects.select_related("person").with_organisations()
    expected = _names(_joined(trajectory.pk))
    first = qs.filter(pk=trajectory.pk).first()
    page = list(qs.order_by("pk")[:1])
    with transaction.atomic():
        locked = qs.select_for_update(no_key=True).get(pk=trajectory.pk)
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert _names(first) == expected
        assert _names(page[0]) == expected
        assert _names(locked) == expected
    assert len(queries) == 0


def test_values_and_counts_are_untouched(trajectory: Any) -> None:
    qs = Trajectory.objects.with_organisations()
    assert qs.count() == 1
    assert list(qs.values_list("pk", flat=True)) == [trajectory.pk]
    assert qs.none().count() == 0


def test_an_organisation_already_joined_is_not_read_again(trajectory: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        read = Trajectory.objects.select_related(*FIELDS).with_organisations().get(pk=trajectory.pk)
    assert len(queries) == 1
    assert _names(read) == _names(_joined(trajectory.pk))
