"""Marks a trajectory's stored open deadlines stale when a fact the rules read is written.

Connected in `DeadlinesConfig.ready` to `post_save` and `post_delete` of every model the rules
read (`WATCHED`). The receivers decide nothing: they empty one column of one row
(`DeadlineIndex.terms_key`), in the transaction of the write, so the write and the mark commit
or roll back together. Why receivers and not a call in each service: a service added later
that writes one of these models is covered without knowing the index exists. A write that
bypasses `save()` and `delete()` (`QuerySet.update`, `bulk_create`) is not seen: such code
must call `mark_stale` itself; the nightly `deadlines_index` reports a trajectory it missed.
See docs/deadlines.md, "Stored for the work lists".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save

from nieuwestart.deadlines.models import DeadlineIndex
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.meetings.models import Meeting, Participant
from nieuwestart.plans.models import Plan, PlanVersion
from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.models import Involvement, Trajectory


def mark_stale(trajectory_ids: Iterable[int]) -> None:
    """The trajectories' stored open deadlines are recomputed when next read."""
    DeadlineIndex.objects.filter(trajectory_id__in=list(trajectory_ids)).exclude(
        terms_key=""
    ).update(terms_key="")


def _mark(condition: Q) -> None:
    DeadlineIndex.objects.filter(condition).exclude(terms_key="").update(terms_key="")


def _trajectory(instance: Trajectory, **kwargs: Any) -> None:
    if not kwargs.get("created"):  # a new trajectory has no index row yet
        _mark(Q(trajectory_id=instance.pk))


def _own(instance: Any, **kwargs: Any) -> None:
    _mark(Q(trajectory_id=instance.trajectory_id))


def _assessment(instance: DomainAssessment, **kwargs: Any) -> None:
    _mark(Q(trajectory__screening__pk=instance.screening_id))


def _version(instance: PlanVersion, **kwargs: Any) -> None:
    _mark(Q(trajectory__plan__pk=instance.plan_id))


def _participant(instance: Participant, **kwargs: Any) -> None:
    _mark(Q(trajectory__meetings__pk=instance.meeting_id))


WATCHED: tuple[tuple[type[Model], Any], ...] = (
    (Trajectory, _trajectory),
    (Screening, _own),
    (DomainAssessment, _assessment),
    (InfoSheet, _own),
    (Plan, _own),
    (PlanVersion, _version),
    (Involvement, _own),
    (Meeting, _own),
    (Participant, _participant),
)


def connect() -> None:
    for model, receiver in WATCHED:
        uid = f"deadlines.index.{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ".save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ".delete")
