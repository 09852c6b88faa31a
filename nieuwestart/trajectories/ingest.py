"""Many validated detention notifications at once, with the rules of one (decision 0013).

Rule: the outcome for every notification is what `services.notification_receive` would give
it, one after the other in the given order: a known `meldingId` changes nothing (duplicate);
an `aanvang` for a person without an open trajectory creates or updates the person and
creates the trajectory in `instroom` (the PI as case lead, the return municipality or its
safety house as process lead), its involvements, an `aangemaakt` history event, a
processing-log entry and the stored notification; anything else goes through
`notification_receive` itself.

How: the common case, an `aanvang` whose meldingId and BSN occur once among the new
notifications, for a person with no open trajectory, is written set-based: one insert per table
for all of them (COPY on PostgreSQL). Every other new notification goes through
`notification_receive`, one savepoint each, in the given order. The two groups share no
person and no meldingId, so their order relative to each other cannot change an outcome.
Deadlines are derived from the trajectory's facts (`deadlines.rules`) and need no rows.

If a set-based insert collides with a concurrent writer (the API stored the same person or
meldingId meanwhile), that part rolls back to its savepoint and every new notification goes
through `notification_receive`, which handles such a case as it always does.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from nieuwestart.access.policy import Category
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel, ProcessingLogEntry, Result
from nieuwestart.trajectories.models import (
    DetentionNotification,
    EventKind,
    ImportRowStatus,
    Involvement,
    InvolvementKind,
    NotificationKind,
    Person,
    Phase,
    Trajectory,
    TrajectoryEvent,
)
from nieuwestart.trajectories.notifications import InvalidNotification, ValidNotification
from nieuwestart.trajectories.services import (
    ServiceError,
    notification_receive,
    process_lead_for,
)

ACCEPTED = ImportRowStatus.ACCEPTED.value
DUPLICATE = ImportRowStatus.DUPLICATE.value
REJECTED = ImportRowStatus.REJECTED.value

# What `services._start` writes in the processing log for a new trajectory.
START_LOG_CATEGORIES = ",".join(sorted({Category.IDENTITY, Category.DETENTION}))
START_LOG_PURPOSE = "detentiemelding verwerken"


@dataclass
class IngestResult:
    """`status` is one of ACCEPTED, DUPLICATE, REJECTED (the ImportRowStatus values);
    `errors` the API's `{name, code, reason}` list for a rejected notification."""

    status: str
    trajectory_id: int | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


@transaction.atomic
def notifications_ingest_bulk(
    *, actor: User, notifications: Sequence[ValidNotification], channel: str = Channel.SYSTEM
) -> list[IngestResult]:
    """Process validated notifications in order; one result per notification, same order."""
    try:
        with transaction.atomic():
            return _ingest(actor=actor, notifications=notifications, channel=channel, bulk=True)
    except IntegrityError:
        return _ingest(actor=actor, notifications=notifications, channel=channel, bulk=False)


def _ingest(
    *, actor: User, notifications: Sequence[ValidNotification], channel: str, bulk: bool
) -> list[IngestResult]:
    results: list[IngestResult | None] = [None] * len(notifications)
    known = dict(
        DetentionNotification.objects.filter(
            message_id__any_of=list({n.message_id for n in notifications})
        ).values_list("message_id", "trajectory_id")
    )
    new: list[int] = []
    for index, n in enumerate(notifications):
        if n.message_id in known:
            results[index] = IngestResult(DUPLICATE, known[n.message_id])
        else:
            new.append(index)

    fast, known_people = _set_based(notifications, new) if bulk else ([], {})
    if fast:
        created = _start_many(
            actor=actor,
            notifications=[notifications[i] for i in fast],
            known_people=known_people,
            channel=channel,
        )
        for index, trajectory_id in zip(fast, created, strict=True):
            results[index] = IngestResult(ACCEPTED, trajectory_id)
    for index in new:
        if results[index] is None:
            results[index] = _receive_one(
                actor=actor, notification=notifications[index], channel=channel
            )
    return [r for r in results if r is not None]


def _set_based(
    notifications: Sequence[ValidNotification], new: list[int]
) -> tuple[list[int], dict[str, int]]:
    """Indexes of the new notifications that may be written set-based (see the docstring),
    and the people among them who are known already (BSN to id)."""
    ids = Counter(notifications[i].message_id for i in new)
    bsns = Counter(notifications[i].person.bsn for i in new)
    starts = [
        i
        for i in new
        if notifications[i].kind == NotificationKind.START
        and ids[notifications[i].message_id] == 1
        and bsns[notifications[i].person.bsn] == 1
    ]
    # Only a person who is already known can have an open trajectory.
    known_people = dict(
        Person.objects.filter(
            bsn__any_of=[notifications[i].person.bsn for i in starts]
        ).values_list("bsn", "pk")
    )
    running: set[int] = set()
    if known_people:
        running = set(
            Trajectory.objects.filter(person_id__any_of=list(known_people.values()))
            .exclude(phase=Phase.CLOSED)
            .values_list("person_id", flat=True)
        )
    fast = [i for i in starts if known_people.get(notifications[i].person.bsn) not in running]
    return fast, known_people


def _receive_one(*, actor: User, notification: ValidNotification, channel: str) -> IngestResult:
    """The one-at-a-time path, in its own savepoint: a refused notification leaves nothing."""
    try:
        with transaction.atomic():
            seen = DetentionNotification.objects.filter(message_id=notification.message_id).exists()
            trajectory, _created = notification_receive(
                actor=actor, notification=notification, channel=channel
            )
    except InvalidNotification as exc:
        return IngestResult(REJECTED, None, [e.as_dict() for e in exc.errors])
    except ServiceError as exc:
        return IngestResult(
            REJECTED,
            None,
            [{"name": exc.field or "regel", "code": exc.code, "reason": exc.message}],
        )
    return IngestResult(DUPLICATE if seen else ACCEPTED, trajectory.pk)


def _start_many(
    *,
    actor: User,
    notifications: list[ValidNotification],
    known_people: dict[str, int],
    channel: str,
) -> list[int]:
    """What `services._start` and `notification_receive` write for each, in one insert per
    table. `known_people`: BSN to id of the people who were found already. Returns the new
    trajectory ids in the order of `notifications`."""
    now = timezone.now()
    organisation = actor.organisation
    actor_display = actor.display_name
    existing = {
        n.person.bsn: known_people[n.person.bsn]
        for n in notifications
        if n.person.bsn in known_people
    }
    if existing:  # a returning person: held until the end, as `_start`'s update holds them
        list(Person.objects.select_for_update().filter(pk__any_of=list(existing.values())))
    new_people = [n for n in notifications if n.person.bsn not in existing]
    person_ids = dict(existing)
    person_ids.update(
        zip((n.person.bsn for n in new_people), _new_ids(Person, len(new_people)), strict=True)
    )
    insert_rows(
        Person,
        [
            {
                "id": person_ids[n.person.bsn],
                "bsn": n.person.bsn,
                "given_names": n.person.given_names,
                "surname_prefix": n.person.surname_prefix,
                "surname": n.person.surname,
                "birth_date": n.person.birth_date,
            }
            for n in new_people
        ],
    )
    for n in notifications:  # a returning person: their name as JustID knows it now
        if n.person.bsn in existing:
            Person.objects.filter(pk=existing[n.person.bsn]).update(
                given_names=n.person.given_names,
                surname_prefix=n.person.surname_prefix,
                surname=n.person.surname,
                birth_date=n.person.birth_date,
            )

    trajectory_ids = _new_ids(Trajectory, len(notifications))
    trajectory_uuids = _uuid4s(len(notifications))
    insert_rows(
        Trajectory,
        [
            {
                "id": trajectory_id,
                "uuid": trajectory_uuid,
                "person_id": person_ids[n.person.bsn],
                "prison_id": n.prison.pk,
                "start_date": n.start_date,
                "expected_end_date": n.expected_end_date,
                "registration_municipality_id": n.registration_municipality.pk,
                "return_municipality_id": n.registration_municipality.pk,
                "phase": Phase.INTAKE.value,
                "case_lead_id": n.prison.pk,
                "process_lead_id": process_lead_for(n.registration_municipality).pk,
                "created_at": now,
                "updated_at": now,
            }
            for trajectory_id, trajectory_uuid, n in zip(
                trajectory_ids, trajectory_uuids, notifications, strict=True
            )
        ],
    )
    involvements: list[dict[str, Any]] = []
    for trajectory_id, n in zip(trajectory_ids, notifications, strict=True):
        municipality = n.registration_municipality
        parties = [
            (n.prison.pk, InvolvementKind.PRISON),
            (municipality.pk, InvolvementKind.MUNICIPALITY),
        ]
        if municipality.aftercare_via_safety_house and municipality.safety_house_id is not None:
            parties.append((municipality.safety_house_id, InvolvementKind.SAFETY_HOUSE))
        involvements.extend(
            {
                "trajectory_id": trajectory_id,
                "organisation_id": organisation_id,
                "kind": kind.value,
                "active": True,
                "started_at": now,
            }
            for organisation_id, kind in parties
        )
    insert_rows(Involvement, involvements)
    insert_rows(
        TrajectoryEvent,
        [
            {
                "trajectory_id": trajectory_id,
                "kind": EventKind.CREATED.value,
                "to_value": n.prison.name[:200],
                "reason": f"Detentiemelding {n.message_id}",
                "actor_id": actor.pk,
                "actor_organisation_id": organisation.pk if organisation is not None else None,
                "created_at": now,
            }
            for trajectory_id, n in zip(trajectory_ids, notifications, strict=True)
        ],
    )
    # The entry `audit.services.log_processing` writes; tests compare the two field by field.
    insert_rows(
        ProcessingLogEntry,
        [
            {
                "timestamp": now,
                "user_id": actor.pk,
                "username": actor.username,
                "user_display": actor_display,
                "organisation_code": organisation.code if organisation is not None else "",
                "organisation_name": organisation.name if organisation is not None else "",
                "role": actor.role,
                "trajectory_uuid": trajectory_uuid,
                "person_id": person_ids[n.person.bsn],
                "action": LogAction.CREATE.value,
                "categories": START_LOG_CATEGORIES,
                "purpose": START_LOG_PURPOSE,
                "result": Result.ALLOWED.value,
                "channel": str(channel),
                "detail": f"melding {n.message_id}"[:300],
            }
            for trajectory_uuid, n in zip(trajectory_uuids, notifications, strict=True)
        ],
    )
    insert_rows(
        DetentionNotification,
        [
            {
                "message_id": n.message_id,
                "kind": n.kind.value,
                "trajectory_id": trajectory_id,
                "payload": n.raw,
                "received_at": now,
                "received_by_id": actor.pk,
            }
            for trajectory_id, n in zip(trajectory_ids, notifications, strict=True)
        ],
    )
    return trajectory_ids


# --- Set-based writing ------------------------------------------------------------------------
# Plain rows instead of model instances: building and adapting 7 model instances per
# notification cost more than the database work (profile in decision 0013).


def _new_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for new rows, taken before the insert so that child rows can point
    at them. PostgreSQL: from the table's own sequence. SQLite: above the highest id ever
    used; SQLite has one writer at a time, and this runs inside its write transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once, not per value; the values come back as one array.
            cursor.execute(
                "SELECT ARRAY(SELECT nextval(seq) FROM generate_series(1, %s)) "
                "FROM CAST(pg_get_serial_sequence(%s, 'id') AS regclass) AS seq",
                [count, table],
            )
            return list(cursor.fetchone()[0])
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608  # quoted model table name
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        highest = max(highest, cursor.fetchone()[0])
    return list(range(highest + 1, highest + 1 + count))


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows given by attribute name (every row the same names; the primary key may be
    left out). Every field not given gets its model default, so a field added to the model
    later is filled as `Model.objects.create` would fill it."""
    if not rows:
        return
    given = rows[0].keys()
    fields = [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    postgres = connection.vendor == "postgresql"
    values = [_column(f, rows, postgres=postgres) for f in fields]
    records = list(zip(*values, strict=True))
    if postgres:
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for record in records:
                copy.write_row(record)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608  # nosec B608  # names from model meta, values as params
            records,
        )


def _column(f: models.Field[Any, Any], rows: list[dict[str, Any]], *, postgres: bool) -> list[Any]:
    """One column's values as the database takes them: on PostgreSQL COPY adapts Python
    values itself (JSON as text); elsewhere through the field, as the ORM does."""
    if f.attname in rows[0]:
        column = [row[f.attname] for row in rows]
    elif isinstance(f, models.UUIDField) and f.default is uuid.uuid4:
        column = _uuid4s(len(rows))
    elif isinstance(f, models.JSONField):  # a fresh default per row, all equal: encode once
        return [_json_value(f, f.get_default(), postgres=postgres)] * len(rows)
    elif callable(f.default):
        column = [f.get_default() for _ in rows]
    else:
        column = [f.get_default()] * len(rows)
    if isinstance(f, models.JSONField):
        return [_json_value(f, value, postgres=postgres) for value in column]
    if postgres:
        return column
    return [f.get_db_prep_save(value, connection) for value in column]


def _json_value(f: models.JSONField[Any], value: Any, *, postgres: bool) -> Any:
    if postgres:  # COPY takes the JSON text
        if isinstance(value, list) and not value:  # most rows' errors
            return "[]"
        return json.dumps(value, cls=f.encoder)
    return f.get_db_prep_save(value, connection)


def _uuid4s(count: int) -> list[str]:
    """Random (version 4) UUIDs as 32 hex digits, from one read of the system's random
    source: `uuid.uuid4()` per row cost more than the insert it was for."""
    digits = os.urandom(16 * count).hex()
    result = []
    for start in range(0, 32 * count, 32):
        value = digits[start : start + 32]
        variant = "89ab"[int(value[16], 16) & 3]  # RFC 4122 variant
        result.append(value[:12] + "4" + value[13:16] + variant + value[17:])
    return result
