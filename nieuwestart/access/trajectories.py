"""The one chokepoint for trajectory access. Every view, API endpoint and report uses it.

Rules, one per line so a test can prove each:
- A user sees a trajectory only while their organisation has an active involvement in it
  (the PI where the person is, the return municipality or its safety house, the assigned
  probation organisation), and only in a case role.
- Not visible: 404 (`NotVisible`), exactly as if the trajectory did not exist, so an uninvolved
  organisation cannot learn that it exists, not even from counts.
- Visible but the action is not allowed for the user's organisation kind and role: 403
  (`NotAllowed`).
- Every successful read is written to the processing log with its purpose and categories, and
  so is every refused attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from nieuwestart.access.policy import (
    CASE_ROLES,
    Action,
    Category,
    Visibility,
    action_allowed,
    visibility,
)
from nieuwestart.accounts.models import Role, User
from nieuwestart.audit import models as audit
from nieuwestart.audit.services import log_processing, log_reads
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.trajectories.models import (
    OPEN_PHASES,
    Involvement,
    Trajectory,
    TrajectoryQuerySet,
)

# What the trajectory screens show in this release: identity, detention facts and contacts.
FILE_CATEGORIES: tuple[Category, ...] = (Category.IDENTITY, Category.DETENTION, Category.CONTACTS)
LIST_CATEGORIES: tuple[Category, ...] = (Category.IDENTITY, Category.DETENTION)


class NotVisible(Http404):
    """The user's organisation is not involved: answer as if nothing exists."""


class NotAllowed(PermissionDenied):
    """Involved, but this user may not do this."""


def sees_trajectories(user: User) -> bool:
    """May the user see any trajectory at all (the first half of the rule: an active account of
    an organisation, in a case role)? Which ones is the involvement of the organisation."""
    return (
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and user.role in CASE_ROLES
    )


def _involved(organisation_id: int, trajectory: str) -> Exists:
    """The one visibility rule: the organisation is actively involved in the trajectory that
    the outer query's column `trajectory` names. For open trajectories read as a list:
    `_open_involvements`."""
    return Exists(
        Involvement.objects.filter(
            trajectory=OuterRef(trajectory), organisation_id=organisation_id, active=True
        )
    )


def visible_trajectories(user: User) -> TrajectoryQuerySet:
    """Trajectories the user may see: their organisation is actively involved, in a case role."""
    if not sees_trajectories(user) or user.organisation_id is None:
        return Trajectory.objects.none()
    return visible_to_organisation(user.organisation_id)


def visible_to_organisation(organisation_id: int) -> TrajectoryQuerySet:
    """The trajectories the organisation is actively involved in: `visible_trajectories` for a
    builder of kept SQL (core.compiled), which takes the organisation as its argument. Only
    after `sees_trajectories(user)` for a user of that organisation."""
    return Trajectory.objects.filter(_involved(organisation_id, "pk"))


def visible_open_trajectories(user: User) -> TrajectoryQuerySet:
    """`visible_trajectories` that are not closed: the same rule, read through the index of
    the involvements of open trajectories (`Involvement.trajectory_open`, decision 0022). An
    organisation's work list then reads its open trajectories, not the thousands it was ever
    involved in."""
    if not sees_trajectories(user) or user.organisation_id is None:
        return Trajectory.objects.none()
    return open_to_organisation(user.organisation_id)


def open_to_organisation(organisation_id: int) -> TrajectoryQuerySet:
    """`visible_open_trajectories` for a builder of kept SQL (core.compiled), which takes the
    organisation as its argument. Only after `sees_trajectories(user)` for a user of it. The
    phase is checked as well: the flag narrows the search, the phase decides."""
    return Trajectory.objects.filter(
        pk__among=_open_involvements(organisation_id), phase__in=OPEN_PHASES
    )


def _open_involvements(organisation_id: int) -> QuerySet[Involvement, int]:
    """The one visibility rule for open trajectories, as the list of their ids: the
    organisation's active involvements of open trajectories, read through the index of those
    (decision 0022). Read first and the trajectories by key (`__among`): left to the planner
    as a semi-join, PostgreSQL started from the country's open trajectories, since the phase
    check looked selective (docs/benchmarks.md)."""
    return Involvement.objects.filter(
        organisation_id=organisation_id, active=True, trajectory_open=True
    ).values_list("trajectory_id", flat=True)


def trajectory_visible(user: User, field: str = "trajectory") -> Q:
    """A filter for rows of another model: the trajectory in `field` is one the user may see.

    The same rule as `visible_trajectories`, checked row by row through the involvement index.
    For a handful of rows (a user's notifications) that is cheaper than `field__in=` the
    organisation's visible trajectories, which makes PostgreSQL gather all of those first
    (thousands for a PI at national scale).
    """
    if not sees_trajectories(user) or user.organisation_id is None:
        return Q(pk__in=[])
    return organisation_sees(user.organisation_id, field)


def organisation_sees(organisation_id: int, field: str = "trajectory") -> Q:
    """`trajectory_visible` for a builder of kept SQL (core.compiled), which takes the
    organisation as its argument. Only after `sees_trajectories(user)` for a user of it."""
    return Q(_involved(organisation_id, f"{field}_id"))


def _visible_by_uuid(detail: bool) -> CompiledQuery[Trajectory]:
    """The trajectory with this uuid if the organisation is actively involved in it; with
    `detail` its person and the organisations it names too (trajectory_detail_queryset)."""

    def build(organisation_id: int, trajectory_uuid: UUID) -> QuerySet[Trajectory]:
        if detail:
            # trajectories.selectors.trajectory_detail_queryset (a higher layer than this one)
            base: QuerySet[Trajectory] = Trajectory.objects.select_related(
                "person"
            ).with_organisations()
        else:
            base = Trajectory.objects.all()
        return base.filter(
            pk__in=visible_to_organisation(organisation_id).values("pk"), uuid=trajectory_uuid
        )

    return CompiledQuery(f"visible trajectory (detail={detail})", build)


_VISIBLE_BY_UUID = {detail: _visible_by_uuid(detail) for detail in (False, True)}


def _visible_one(
    user: User, trajectory_uuid: UUID | str, queryset: QuerySet[Trajectory] | None, detail: bool
) -> Trajectory | None:
    if not sees_trajectories(user) or user.organisation_id is None:
        return None
    try:
        wanted = trajectory_uuid if isinstance(trajectory_uuid, UUID) else UUID(trajectory_uuid)
    except (ValueError, TypeError, AttributeError):
        return None
    if queryset is None:
        rows = _VISIBLE_BY_UUID[detail](user.organisation_id, wanted)
        return rows[0] if rows else None
    try:
        return queryset.filter(pk__in=visible_trajectories(user).values("pk")).get(uuid=wanted)
    except Trajectory.DoesNotExist:
        return None


def access_trajectory(
    user: User,
    trajectory_uuid: UUID | str,
    *,
    purpose: str,
    channel: str,
    action: Action | None = None,
    categories: Sequence[Category] = FILE_CATEGORIES,
    queryset: QuerySet[Trajectory] | None = None,
    detail: bool = False,
    log_read: bool = True,
    export: str = "",
) -> Trajectory:
    """Get one trajectory for this user and need, and log the access.

    Without `action` this is a read, logged as such. With an `action`, the caller is about to
    change something: the change itself is logged by the service that makes it, and a page that
    shows the trajectory while asking for the change is logged as a read (`log_read`).
    With `export` (the document that leaves the system, e.g. a PDF) the access is logged as an
    export instead of a read. With `detail` the trajectory comes with its person and the
    organisations it names (`trajectory_detail_queryset`); `queryset` reads it from another
    queryset instead (the rule is the same, the query's SQL is built on each call).
    """
    trajectory = _visible_one(user, trajectory_uuid, queryset, detail)
    if trajectory is None:
        _log_refusal(user, trajectory_uuid, audit.Result.NOT_VISIBLE, purpose, channel, categories)
        raise NotVisible
    if action is not None and not may(user, action):
        _log_refusal(user, trajectory_uuid, audit.Result.DENIED, purpose, channel, categories)
        raise NotAllowed
    if not log_read:
        return trajectory
    if export:
        log_processing(
            actor=user,
            action=audit.Action.EXPORT,
            categories=[c.value for c in categories],
            purpose=purpose,
            channel=channel,
            trajectory_uuid=trajectory.uuid,
            person_id=trajectory.person_id,
            detail=export,
        )
    else:
        # The same row as log_processing's read, through the one-statement insert of the lists.
        log_reads(
            actor=user,
            subjects=[(trajectory.uuid, trajectory.person_id)],
            categories=[c.value for c in categories],
            purpose=purpose,
            channel=channel,
        )
    return trajectory


def may(user: User, action: Action) -> bool:
    """May this user perform the action on a trajectory they can see?"""
    if user.organisation is None:
        return False
    return action_allowed(action, user.organisation.kind, user.role)


def category_visibility(user: User, category: Category) -> Visibility:
    if user.organisation is None or user.role not in CASE_ROLES:
        return Visibility.NONE
    return visibility(category, user.organisation.kind, user.role)


def sees_care_content(user: User) -> bool:
    """Does this user see care content (zorginhoud: diagnoses, treatment, care providers) in
    full? Today only probation; the PI and the municipality see it as a signal. Every app that
    shows or accepts care text asks this one question."""
    return category_visibility(user, Category.CARE_DETAILS) == Visibility.FULL


def record_list_read(
    user: User,
    trajectories: Iterable[Trajectory],
    *,
    purpose: str,
    channel: str,
    categories: Sequence[Category] = LIST_CATEGORIES,
) -> int:
    """Log that these trajectories were shown to the user in a list (one row each)."""
    return log_reads(
        actor=user,
        subjects=[(t.uuid, t.person_id) for t in trajectories],
        categories=[c.value for c in categories],
        purpose=purpose,
        channel=channel,
    )


def _log_refusal(
    user: User,
    trajectory_uuid: UUID | str,
    result: audit.Result,
    purpose: str,
    channel: str,
    categories: Sequence[Category],
) -> None:
    try:
        subject: UUID | None = UUID(str(trajectory_uuid))
    except ValueError:
        subject = None
    log_processing(
        actor=user,
        action=audit.Action.READ,
        categories=[c.value for c in categories],
        purpose=purpose,
        channel=channel,
        trajectory_uuid=subject,
        result=result,
    )


def access_processing_log(user: User, trajectory_uuid: UUID | str, *, channel: str) -> Trajectory:
    """The privacy officer reads who processed a trajectory's data; nobody else may.

    Involved professionals get 403 (they can see the trajectory, not its log); everyone else
    gets 404. The privacy officer's own reading of the log is logged as well.
    """
    trajectory = (
        Trajectory.objects.filter(uuid=trajectory_uuid).first()
        if _is_uuid(trajectory_uuid)
        else None
    )
    if user.role == Role.PRIVACY_OFFICER and user.is_active:
        if trajectory is None:
            raise NotVisible
        log_processing(
            actor=user,
            action=audit.Action.READ,
            categories=["verwerkingenlog"],
            purpose="privacytoezicht",
            channel=channel,
            trajectory_uuid=trajectory.uuid,
            person_id=trajectory.person_id,
        )
        return trajectory
    if trajectory is not None and visible_trajectories(user).filter(pk=trajectory.pk).exists():
        _log_refusal(user, trajectory.uuid, audit.Result.DENIED, "verwerkingenlog", channel, ())
        raise NotAllowed
    _log_refusal(user, trajectory_uuid, audit.Result.NOT_VISIBLE, "verwerkingenlog", channel, ())
    raise NotVisible


def _is_uuid(value: UUID | str) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True
