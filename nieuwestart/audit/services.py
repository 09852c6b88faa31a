"""Writing the processing log. Every read and write of personal data calls one of these.

Callers pass the acting user explicitly; the organisation and role are copied at that moment,
so the log stays true when people change jobs. Writes happen inside the caller's transaction:
a change and its log row are stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from uuid import UUID

from django.utils import timezone

from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action, Channel, ProcessingLogEntry, Result


def _entry(
    *,
    actor: User | None,
    action: str,
    trajectory_uuid: UUID | None,
    person_id: int | None,
    categories: Sequence[str],
    purpose: str,
    result: str,
    channel: str,
    detail: str,
    now: dt.datetime,
) -> ProcessingLogEntry:
    organisation = actor.organisation if actor is not None else None
    return ProcessingLogEntry(
        timestamp=now,
        user=actor,
        username=actor.username if actor is not None else "",
        user_display=actor.display_name if actor is not None else "",
        organisation_code=organisation.code if organisation is not None else "",
        organisation_name=organisation.name if organisation is not None else "",
        role=actor.role if actor is not None else "",
        trajectory_uuid=trajectory_uuid,
        person_id=person_id,
        action=action,
        categories=",".join(sorted(set(categories))),
        purpose=purpose[:100],
        result=result,
        channel=channel,
        detail=detail[:300],
    )


def log_processing(
    *,
    actor: User | None,
    action: Action | str,
    categories: Sequence[str],
    purpose: str,
    channel: Channel | str,
    trajectory_uuid: UUID | None = None,
    person_id: int | None = None,
    result: Result | str = Result.ALLOWED,
    detail: str = "",
) -> ProcessingLogEntry:
    entry = _entry(
        actor=actor,
        action=action,
        trajectory_uuid=trajectory_uuid,
        person_id=person_id,
        categories=categories,
        purpose=purpose,
        result=result,
        channel=channel,
        detail=detail,
        now=timezone.now(),
    )
    entry.save()
    return entry


def log_reads(
    *,
    actor: User,
    subjects: Iterable[tuple[UUID, int]],
    categories: Sequence[str],
    purpose: str,
    channel: Channel | str,
) -> int:
    """One row per trajectory shown in a list, written in one statement."""
    now = timezone.now()
    entries = [
        _entry(
            actor=actor,
            action=Action.READ,
            trajectory_uuid=trajectory_uuid,
            person_id=person_id,
            categories=categories,
            purpose=purpose,
            result=Result.ALLOWED,
            channel=channel,
            detail="",
            now=now,
        )
        for trajectory_uuid, person_id in subjects
    ]
    ProcessingLogEntry.objects.bulk_create(entries)
    return len(entries)
