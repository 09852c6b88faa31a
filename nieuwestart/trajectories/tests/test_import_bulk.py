"""The chunked, set-based import (decision 0013) ends where the row-by-row import ended.

The oracle is decision 0007's loop: every row validated, then `notification_receive` in its
own transaction. The same file goes once through that loop and once through the import, each
with its own people and meldingIds, and everything a user or the privacy officer can see
afterwards is compared: row outcomes and reasons, people, trajectories, involvements, history,
processing log and stored notifications.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import transaction

from nieuwestart.audit.models import Channel, ProcessingLogEntry
from nieuwestart.core import bsn as bsn_numbers
from nieuwestart.organisations.models import Organisation
from nieuwestart.trajectories.imports import (
    COLUMNS,
    import_batch_create,
    import_batch_process,
    import_summary,
    parse_file,
    row_to_notification,
)
from nieuwestart.trajectories.ingest import notifications_ingest_bulk
from nieuwestart.trajectories.models import (
    DetentionNotification,
    ImportRow,
    Involvement,
    Person,
    Trajectory,
    TrajectoryEvent,
)
from nieuwestart.trajectories.notifications import InvalidNotification, validate_notification
from nieuwestart.trajectories.services import ServiceError, notification_receive

TODAY = dt.date(2026, 11, 22)
PEOPLE = 9

# (meldingId suffix, kind, person, prison, municipality, extra): a file with every case.
TEMPLATE: list[tuple[str, str, int | str, str, str, dict[str, str]]] = [
    ("1", "aanvang", 0, "PI-ALMELO", "GM0153", {}),
    ("2", "aanvang", 1, "PI-NIEUWERSLUIS", "GM0307", {}),  # via the safety house
    ("3", "aanvang", 2, "PI-TER-PEEL", "GM0363", {}),
    ("4", "wijziging", 0, "PI-ALMELO", "GM0153", {"verwachteEinddatum": "2027-06-30"}),
    ("5", "aanvang", "123456789", "PI-ALMELO", "GM0153", {}),  # fails the elfproef
    ("6", "aanvang", 1, "PI-ALMELO", "GM0153", {}),  # already detained
    ("1", "aanvang", 0, "PI-ALMELO", "GM0153", {}),  # the same notification again
    ("7", "einde", 2, "PI-TER-PEEL", "GM0363", {"einddatum": "2026-11-20"}),
    ("8", "wijziging", 4, "PI-ALMELO", "GM0153", {}),  # no trajectory
    ("9", "aanvang", 5, "PI-ALMELO", "GM0183", {}),  # known person, new name
    ("10", "aanvang", 6, "PI-BESTAAT-NIET", "GM9999", {}),  # two unknown codes
    ("0", "aanvang", 8, "PI-ALMELO", "GM0153", {}),  # received before, through the API
    ("11", "aanvang", 7, "PI-ALMELO", "GM0153", {}),
    ("12", "wijziging", 7, "PI-HEERHUGOWAARD", "GM0153", {}),  # transfer, same chunk or next
]


def _people(offset: int) -> list[str]:
    return bsn_numbers.test_bsns(PEOPLE, start=999_950_000 + offset)


def _row(prefix: str, people: list[str], spec: tuple[Any, ...]) -> dict[str, str]:
    suffix, kind, person, prison, municipality, extra = spec
    bsn = people[person] if isinstance(person, int) else person
    row = {
        "meldingId": f"{prefix}-{suffix}",
        "soort": kind,
        "bsn": bsn,
        "voornamen": f"Naam{person}",
        "voorvoegsel": "",
        "geslachtsnaam": "Test",
        "geboortedatum": "1990-01-01",
        "inrichting": prison,
        "startdatum": "2026-11-01",
        "verwachteEinddatum": "2027-01-31",
        "gemeenteVanInschrijving": municipality,
        "einddatum": "",
    }
    row.update(extra)
    return row


def _file(prefix: str, people: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row(prefix, people, spec) for spec in TEMPLATE)
    return out.getvalue().encode()


def _prepare(actor: Any, prefix: str, people: list[str]) -> None:
    """A known person without a trajectory, and a notification received before the file."""
    Person.objects.create(
        bsn=people[5], given_names="Oude", surname="Naam", birth_date=dt.date(1990, 1, 1)
    )
    earlier = _row(prefix, people, TEMPLATE[11])
    notification = validate_notification(row_to_notification(earlier), today=TODAY)
    notification_receive(actor=actor, notification=notification, channel=Channel.SYSTEM)


def _row_by_row(actor: Any, content: bytes) -> list[tuple[str, list[dict[str, str]], int | None]]:
    """Decision 0007's loop: the oracle."""
    outcomes = []
    for row in parse_file(content):
        try:
            notification = validate_notification(row_to_notification(row), today=TODAY)
        except InvalidNotification as exc:
            outcomes.append(("afgewezen", [e.as_dict() for e in exc.errors], None))
            continue
        try:
            with transaction.atomic():
                seen = DetentionNotification.objects.filter(
                    message_id=notification.message_id
                ).exists()
                trajectory, _ = notification_receive(
                    actor=actor, notification=notification, channel=Channel.SYSTEM
                )
        except InvalidNotification as exc:
            outcomes.append(("afgewezen", [e.as_dict() for e in exc.errors], None))
        except ServiceError as exc:
            error = {"name": exc.field or "regel", "code": exc.code, "reason": exc.message}
            outcomes.append(("afgewezen", [error], None))
        else:
            outcomes.append(("dubbel" if seen else "geaccepteerd", [], trajectory.pk))
    return outcomes


def _state(prefix: str, people: list[str], outcomes: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Everything visible afterwards, with people and meldingIds replaced by their role in
    the template, so two runs with different people compare equal."""
    who = {bsn: f"p{i}" for i, bsn in enumerate(people)}

    def text(value: str) -> str:
        return value.replace(f"{prefix}-", "M-")

    trajectories = Trajectory.objects.filter(person__bsn__in=people).select_related(
        "person", "prison", "case_lead", "process_lead", "return_municipality"
    )
    label = {t.pk: f"{who[t.person.bsn]}:{t.start_date}" for t in trajectories}
    by_uuid = {str(t.uuid): label[t.pk] for t in trajectories}
    person_ids = {t.person_id: who[t.person.bsn] for t in trajectories}
    return {
        "rows": [(s, e, label.get(t) if t else None) for s, e, t in outcomes],
        "people": sorted(
            (who[p.bsn], p.given_names, p.surname, p.birth_date)
            for p in Person.objects.filter(bsn__in=people)
        ),
        "trajectories": sorted(
            (
                label[t.pk],
                t.prison.code,
                t.phase,
                t.case_lead.code,
                t.process_lead.code,
                t.return_municipality.code,
                t.start_date,
                t.expected_end_date,
                t.end_date,
                t.version,
                t.judicial_title,
            )
            for t in trajectories
        ),
        "involvements": sorted(
            (label[i.trajectory_id], i.organisation.code, i.kind, i.active)
            for i in Involvement.objects.filter(trajectory__in=trajectories).select_related(
                "organisation"
            )
        ),
        "events": sorted(
            (label[e.trajectory_id], e.kind, e.from_value, e.to_value, text(e.reason))
            for e in TrajectoryEvent.objects.filter(trajectory__in=trajectories)
        ),
        "log": sorted(
            (
                by_uuid[str(entry.trajectory_uuid)],
                person_ids[entry.person_id],
                entry.username,
                entry.user_display,
                entry.organisation_code,
                entry.role,
                entry.action,
                entry.categories,
                entry.purpose,
                entry.result,
                entry.channel,
                text(entry.detail),
            )
            for entry in ProcessingLogEntry.objects.filter(
                trajectory_uuid__in=[t.uuid for t in trajectories]
            )
        ),
        "notifications": sorted(
            (
                text(n.message_id),
                n.kind,
                label[n.trajectory_id],
                n.received_by_id,
                text(n.payload["meldingId"]),
                who.get(n.payload["persoon"]["bsn"]),
            )
            for n in DetentionNotification.objects.filter(trajectory__in=trajectories)
        ),
    }


@pytest.fixture
def safety_house_municipality(db: Any) -> None:
    Organisation.objects.filter(code="GM0307").update(aftercare_via_safety_house=True)


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_size", [4, 1000])
def test_the_chunked_import_ends_where_the_row_by_row_import_ends(
    admin_user: Any, safety_house_municipality: None, chunk_size: int, settings: Any
) -> None:
    reference_people, import_people = _people(0), _people(20_000)
    _prepare(admin_user, "R", reference_people)
    _prepare(admin_user, "I", import_people)

    expected = _state("R", reference_people, _row_by_row(admin_user, _file("R", reference_people)))

    batch = import_batch_create(
        actor=admin_user, file_name="x.csv", content=_file("I", import_people)
    )
    while import_batch_process(actor=admin_user, batch=batch, limit=5, chunk_size=chunk_size):
        pass
    rows = ImportRow.objects.filter(batch=batch).order_by("line_number")
    actual = _state("I", import_people, [(r.status, r.errors, r.trajectory_id) for r in rows])

    for key in expected:
        assert actual[key] == expected[key], key
    # The file really has every case in it.
    statuses = [status for status, _errors, _t in actual["rows"]]
    assert statuses.count("geaccepteerd") == 8 and statuses.count("dubbel") == 2
    assert {e["code"] for _s, errors, _t in actual["rows"] for e in errors} == {
        "elfproef",
        "already_detained",
        "no_trajectory",
        "unknown",
    }
    assert import_summary(batch)["done"] == len(TEMPLATE)


@pytest.mark.django_db
def test_a_file_of_new_detentions_is_written_in_a_few_queries_per_chunk(
    admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    people = bsn_numbers.test_bsns(300, start=999_960_000)
    rows = [
        {**_row("Q", people, ("x", "aanvang", i, "PI-ALMELO", "GM0153", {})), "meldingId": f"Q-{i}"}
        for i in range(300)
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    batch = import_batch_create(
        actor=admin_user, file_name="q.csv", content=out.getvalue().encode()
    )

    with django_assert_max_num_queries(40):  # row by row this was about 23 per row
        assert import_batch_process(actor=admin_user, batch=batch, limit=1000) == 300

    assert import_summary(batch)["geaccepteerd"] == 300
    assert Trajectory.objects.filter(person__bsn__in=people, phase="instroom").count() == 300


@pytest.mark.django_db
def test_one_chunk_is_stored_whole_and_the_rest_waits(admin_user: Any) -> None:
    people = _people(0)
    batch = import_batch_create(actor=admin_user, file_name="x.csv", content=_file("C", people))

    assert import_batch_process(actor=admin_user, batch=batch, limit=3, chunk_size=3) == 3

    summary = import_summary(batch)
    assert (summary["done"], summary["wachtend"]) == (3, len(TEMPLATE) - 3)
    assert Trajectory.objects.filter(person__bsn__in=people).count() == 3
    batch.refresh_from_db()
    assert batch.finished_at is None


@pytest.mark.django_db
def test_set_based_and_one_by_one_give_the_same_outcome(admin_user: Any) -> None:
    """The fallback after a collision with a concurrent writer processes the same
    notifications one by one: the outcome must not depend on which path ran."""
    outcomes = {}
    for prefix, offset, one_by_one in (("S", 0, False), ("O", 20_000, True)):
        people = _people(offset)
        notifications = []
        for row in parse_file(_file(prefix, people)):
            try:
                notifications.append(validate_notification(row_to_notification(row), today=TODAY))
            except InvalidNotification:
                continue
        if one_by_one:
            from nieuwestart.trajectories import ingest

            with transaction.atomic():
                results = ingest._ingest(
                    actor=admin_user, notifications=notifications, channel="systeem", bulk=False
                )
        else:
            results = notifications_ingest_bulk(actor=admin_user, notifications=notifications)
        state = _state(prefix, people, [(r.status, r.errors, r.trajectory_id) for r in results])
        outcomes[one_by_one] = state
    assert outcomes[True] == outcomes[False]
