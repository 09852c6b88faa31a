"""Marks a trajectory's stored open deadlines stale when a fact the rules read is written.

Connected in `DeadlinesConfig.ready` to `post_save` and `post_delete` of every model the rules
read (`WATCHED`), and to a change of an organisation's kind (a participant's organisation
decides whether probation met the detainee). The receivers decide almost nothing (the
screening's skips a save that leaves the screening's completion as it was, the only fact the
rules read from that row): they empty one column of one row (`DeadlineIndex.terms_key`,
creating the row if needed), in the transaction of the write, so the write and the mark
commit or roll back together. Why receivers and not a call in each service: a service added
later that writes one of these models is covered without knowing the index exists. A write that
bypasses `save()` and `delete()` (`QuerySet.update`, `bulk_create`) is not seen: such code
must call `mark_stale` itself; the nightly `deadlines_index` reports a trajectory it missed.
See docs/worklists.md, "Stored open deadlines".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.deadlines.models import DeadlineIndex
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.meetings.models import Meeting, Participant
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans.models import Plan, PlanVersion
from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.models import Involvement, Trajectory


def mark_stale(trajectory_ids: Iterable[int | None]) -> None:
    """The trajectories' stored open deadlines are recomputed when next read.

    An upsert, never a conditional update: the write must hold the trajectory's index row
    until it commits, also when the row is stale already or does not exist yet. A reader
    that refreshes the trajectory meanwhile then skips it (`index._refresh`), instead of
    storing what it read before this write committed as current."""
    ids = sorted({pk for pk in trajectory_ids if pk is not None})
    if not ids:
        return
    now = timezone.now()
    DeadlineIndex.objects.bulk_create(
        [DeadlineIndex(trajectory_id=pk, terms_key="", refreshed_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["trajectory"],
        update_fields=["terms_key"],
    )


def _parent(instance: Model, relation: str, model: type[Model], column: str) -> int | None:
    """The trajectory id of the row `instance` belongs to, from the cache when loaded."""
    cached = instance._state.fields_cache.get(relation)
    if cached is not None:
        return getattr(cached, column)
    parent_id = getattr(instance, f"{relation}_id")
    return model._default_manager.filter(pk=parent_id).values_list(column, flat=True).first()


def _trajectory(instance: Trajectory, **kwargs: Any) -> None:
    # A new trajectory is seen by no one until its transaction commits, and a deleted one
    # is in no list: only a change needs the mark.
    if kwargs.get("signal") is post_save and not kwargs.get("created"):
        mark_stale([instance.pk])


def _own(instance: Any, **kwargs: Any) -> None:
    mark_stale([instance.trajectory_id])


# Read on every save of a screening: kept SQL (core.compiled).
_COMPLETION: CompiledQuery[tuple[Any, int | None]] = CompiledQuery(
    "completion of a screening",
    lambda pk: Screening.objects.filter(pk=pk).values_list("completed_at", "completed_by_id"),
)


def _screening_before(instance: Screening, **kwargs: Any) -> None:
    """Of the screening row the rules read only its completion (when, by whom); the domain
    assessments have a receiver of their own. Remember the completion before a change."""
    stored = _COMPLETION(instance.pk) if instance.pk else []
    instance._completion_before = stored[0] if stored else None  # type: ignore[attr-defined]


def _screening(instance: Screening, **kwargs: Any) -> None:
    """A save that leaves the completion as it was (the detainee's own words, the LVB answer,
    the version) does not make the deadlines stale: the next work list need not recompute
    them (docs/benchmarks.md). A new screening, a deletion or any change of the completion
    does."""
    if kwargs.get("signal") is post_save and not kwargs.get("created"):
        before = getattr(instance, "_completion_before", None)
        if before is not None and before == (instance.completed_at, instance.completed_by_id):
            return
    mark_stale([instance.trajectory_id])


def _assessment(instance: DomainAssessment, **kwargs: Any) -> None:
    mark_stale([_parent(instance, "screening", Screening, "trajectory_id")])


def _version(instance: PlanVersion, **kwargs: Any) -> None:
    mark_stale([_parent(instance, "plan", Plan, "trajectory_id")])


def _participant(instance: Participant, **kwargs: Any) -> None:
    mark_stale([_parent(instance, "meeting", Meeting, "trajectory_id")])


def _organisation_before(instance: Organisation, **kwargs: Any) -> None:
    """Whether probation was present at a meeting depends on the participant's organisation's
    kind: remember the kind before a change."""
    instance._kind_before = (  # type: ignore[attr-defined]
        Organisation.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
        if instance.pk
        else None
    )


def _organisation(instance: Organisation, **kwargs: Any) -> None:
    before = getattr(instance, "_kind_before", None)
    if before is None or before == instance.kind:
        return
    mark_stale(
        Meeting.objects.filter(participants__organisation=instance)
        .values_list("trajectory_id", flat=True)
        .distinct()
    )


WATCHED: tuple[tuple[type[Model], Any], ...] = (
    (Trajectory, _trajectory),
    (Screening, _screening),
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
    pre_save.connect(
        _screening_before,
        sender=Screening,
        weak=False,
        dispatch_uid="deadlines.index.screening.pre",
    )
    uid = "deadlines.index.organisation"
    pre_save.connect(
        _organisation_before, sender=Organisation, weak=False, dispatch_uid=uid + ".pre"
    )
    post_save.connect(_organisation, sender=Organisation, weak=False, dispatch_uid=uid + ".save")
