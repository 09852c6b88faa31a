"""Reads of trajectories, always starting from the access chokepoint's visible set.

The contacts rule (report §3.4, "nobody knows whom to call"): every involved partner sees,
from day one, every named professional and every involved organisation's contact point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Case, F, Q, QuerySet, Value, When

from nieuwestart.access.trajectories import (
    open_to_organisation,
    sees_trajectories,
    visible_open_trajectories,
)
from nieuwestart.accounts.models import Role, User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.core.paging import KeptList, counted_page, with_total
from nieuwestart.organisations.models import Organisation
from nieuwestart.trajectories.models import (
    ACTIVE_ASSIGNMENTS,
    Assignment,
    Involvement,
    Phase,
    Trajectory,
    TrajectoryEvent,
    TrajectoryQuerySet,
    attach_organisations,
)


def worklist(
    user: User, *, phase: str = "", query: str = "", mine: bool = False
) -> QuerySet[Trajectory]:
    """Open trajectories the user's organisation works on, soonest release first."""
    qs = visible_open_trajectories(user).select_related("person").with_organisations()
    if phase:
        qs = qs.filter(phase=phase)
    if mine:
        qs = qs.filter(assignments__user=user, assignments__active=True)
    if query:
        for word in query.split()[:4]:
            qs = qs.filter(
                Q(person__surname__icontains=word) | Q(person__given_names__icontains=word)
            )
    return _worklist_order(qs)


def _worklist_order(qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    # Still detained first, soonest release on top (unknown dates last); released people after.
    released_last = Case(When(phase=Phase.AFTER_RELEASE, then=Value(1)), default=Value(0))
    return qs.order_by(
        released_last, F("expected_end_date").asc(nulls_last=True), "person__surname", "pk"
    )


# Who is assigned to trajectories, for the work list: names only. Whole assignments with their
# user and organisation were a fifth of the work list's time (50 rows, three assignments each,
# every column of three tables turned into model instances). Kept SQL (core.compiled).
_ASSIGNEE_NAMES: CompiledQuery[tuple[int, str, str, str, str]] = CompiledQuery(
    "assignee names",
    lambda ids: (
        Assignment.objects.filter(trajectory_id__in=ids, active=True)
        .order_by("started_at", "pk")
        .values_list(
            "trajectory_id", "role", "user__first_name", "user__last_name", "user__username"
        )
    ),
)


def assignee_names(trajectory_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per trajectory, the display name of the user actively assigned in each role (the one
    assigned last when there are more), as `User.display_name` writes it."""
    names: dict[int, dict[str, str]] = {pk: {} for pk in trajectory_ids}
    if trajectory_ids:
        for trajectory_id, role, first_name, last_name, username in _ASSIGNEE_NAMES(
            list(trajectory_ids)
        ):
            names[trajectory_id][role] = f"{first_name} {last_name}".strip() or username
    return names


def _worklist_build(phase: bool, mine: bool) -> Callable[..., QuerySet[Trajectory]]:
    """The work list without a search, for kept SQL: the organisation, then the phase (with
    `phase`), then the user (with `mine`) are the builder's arguments."""

    def build(organisation_id: int, *filters: Any) -> QuerySet[Trajectory]:
        qs = open_to_organisation(organisation_id)
        values = list(filters)
        if phase:
            qs = qs.filter(phase=values.pop(0))
        if mine:
            qs = qs.filter(assignments__user_id=values.pop(0), assignments__active=True)
        return with_total(_worklist_order(qs.select_related("person")))

    return build


# One kept SQL per combination of filters, shared by every page (CompiledQuery.page).
_WORKLIST_PAGES: dict[tuple[bool, bool], CompiledQuery[Trajectory]] = {
    (phase, mine): CompiledQuery(
        f"work list (phase={phase}, mine={mine})", _worklist_build(phase, mine)
    )
    for phase in (False, True)
    for mine in (False, True)
}


def worklist_page(
    user: User, number: Any, per_page: int, *, phase: str = "", query: str = "", mine: bool = False
) -> Page[Trajectory]:
    """A page of `worklist` with its total, as `core.paging.counted_page` reads it: the same
    rows, the same page for every number (past the end: the last page). Without a search the
    SQL is kept per process and shared by every page: building it was a sixth of the work
    list's time (docs/benchmarks.md). A search (its words turned into LIKE patterns) is read
    as before."""
    plain = worklist(user, phase=phase, query=query, mine=mine)
    if query or not sees_trajectories(user) or user.organisation_id is None:
        return counted_page(plain, number, per_page)
    args: list[Any] = [user.organisation_id]
    if phase:
        args.append(phase)
    if mine:
        args.append(user.pk)
    kept = KeptList(_WORKLIST_PAGES[(bool(phase), mine)], tuple(args), plain, attach_organisations)
    return counted_page(kept, number, per_page)


def trajectory_detail_queryset() -> TrajectoryQuerySet:
    """One trajectory with its person and the organisations it names (two queries)."""
    return Trajectory.objects.select_related("person").with_organisations()


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    role_label: str
    organisation: Organisation
    phone: str
    email: str


@dataclass(frozen=True)
class InvolvedOrganisation:
    organisation: Organisation
    kind: str
    kind_label: str
    contacts: list[Contact]


# The active involvements of trajectories, in start order (the trajectory page, the API, the
# records of deadlines.selectors): the SQL is kept per process. Their active assignments:
# trajectories.models.ACTIVE_ASSIGNMENTS.
ACTIVE_INVOLVEMENTS: CompiledQuery[Involvement] = CompiledQuery(
    "active involvements",
    lambda ids: (
        Involvement.objects.filter(trajectory_id__in=ids, active=True)
        .select_related("organisation")
        .order_by("started_at", "pk")
    ),
)
_EVENTS: CompiledQuery[TrajectoryEvent] = CompiledQuery(
    "trajectory events",
    lambda trajectory_id: (
        TrajectoryEvent.objects.filter(trajectory_id=trajectory_id)
        .select_related("actor", "actor_organisation")
        .order_by("-created_at", "-pk")[:50]
    ),
)


def involved_organisations(
    trajectory: Trajectory,
    *,
    involvements: Iterable[Involvement] | None = None,
    assignments: Iterable[Assignment] | None = None,
) -> list[InvolvedOrganisation]:
    """Each involved organisation with its contact point and its named professionals.

    `involvements`, `assignments`: the trajectory's active ones, already read by the caller
    (with `organisation`, and `user` for assignments, ordered by start), so they are not
    read again."""
    if involvements is None:
        involvements = ACTIVE_INVOLVEMENTS([trajectory.pk])
    if assignments is None:
        assignments = ACTIVE_ASSIGNMENTS([trajectory.pk])
    by_org: dict[int, list[Contact]] = {}
    for assignment in assignments:
        user = assignment.user
        by_org.setdefault(assignment.organisation_id, []).append(
            Contact(
                name=user.display_name,
                role=assignment.role,
                role_label=str(Role(assignment.role).label)
                if assignment.role in Role.values
                else assignment.role,
                organisation=assignment.organisation,
                phone=user.phone,
                email=user.email,
            )
        )
    order = {
        "inrichting": 0,
        "reclassering": 1,
        "terugkeergemeente": 2,
        "zorg-en-veiligheidshuis": 3,
    }
    result = [
        InvolvedOrganisation(
            organisation=involvement.organisation,
            kind=involvement.kind,
            kind_label=involvement.get_kind_display(),
            contacts=by_org.get(involvement.organisation_id, []),
        )
        for involvement in involvements
    ]
    return sorted(result, key=lambda item: order.get(item.kind, 9))


def contacts(trajectory: Trajectory) -> list[Contact]:
    return [c for org in involved_organisations(trajectory) for c in org.contacts]


def history(trajectory: Trajectory) -> list[TrajectoryEvent]:
    """The trajectory's latest 50 events, newest first, with who made them."""
    return _EVENTS(trajectory.pk)


def active_assignment(trajectory: Trajectory, role: str) -> Assignment | None:
    return (
        Assignment.objects.filter(trajectory=trajectory, role=role, active=True)
        .select_related("user")
        .first()
    )
