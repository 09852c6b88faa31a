"""Picking up a new trajectory from the municipality's central inbox.

Rule: one click assigns the acting aftercare coordinator (or process director) as the
trajectory's aftercare coordinator. If a colleague picked it up a moment earlier, nothing is
replaced: the first one keeps it and the second is told who has it. The assignment itself, its
history event and its processing-log row are written by `trajectory_assign`.
"""

from __future__ import annotations

from django.db import transaction

from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Channel
from nieuwestart.trajectories.models import Assignment, Trajectory
from nieuwestart.trajectories.services import ServiceError, trajectory_assign


class AlreadyPickedUp(ServiceError):
    """Somebody already is the aftercare coordinator of this trajectory."""


@transaction.atomic
def trajectory_pick_up(
    *, actor: User, trajectory: Trajectory, channel: str = Channel.WEB
) -> Assignment:
    """Make the actor the aftercare coordinator, unless somebody already is."""
    locked = Trajectory.objects.select_for_update(no_key=True).get(pk=trajectory.pk)
    current = (
        Assignment.objects.filter(trajectory=locked, role=Role.AFTERCARE_COORDINATOR, active=True)
        .select_related("user")
        .first()
    )
    if current is not None and current.user_id != actor.pk:
        raise AlreadyPickedUp(
            f"{current.user.display_name} heeft dit traject al opgepakt.", code="opgepakt"
        )
    if current is not None:
        return current
    return trajectory_assign(
        actor=actor,
        trajectory=locked,
        role=Role.AFTERCARE_COORDINATOR,
        user=actor,
        channel=channel,
    )
