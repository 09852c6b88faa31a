"""Reading the processing log: per trajectory, per person, per user. Newest first."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from nieuwestart.audit.models import ProcessingLogEntry


def entries_for_trajectory(trajectory_uuid: UUID) -> QuerySet[ProcessingLogEntry]:
    return ProcessingLogEntry.objects.filter(trajectory_uuid=trajectory_uuid).order_by(
        "-timestamp", "-id"
    )


def entries_for_person(person_id: int) -> QuerySet[ProcessingLogEntry]:
    return ProcessingLogEntry.objects.filter(person_id=person_id).order_by("-timestamp", "-id")


def entries_for_user(user_id: int) -> QuerySet[ProcessingLogEntry]:
    return ProcessingLogEntry.objects.filter(user_id=user_id).order_by("-timestamp", "-id")
