"""Reads of notify: a user's own notifications, and only those they may still see.

Rules:
- A user only ever sees their own notifications (`recipient`).
- A notification about a trajectory is shown only while that trajectory is in the user's
  `visible_trajectories` (access chokepoint), checked at read time: after a transfer, or when
  the organisation is no longer involved, it disappears from the list, the count and the API.
  Its row stays (it holds no personal data) and comes back if access comes back.
- Not logged here: the caller logs the trajectories it shows (`record_list_read`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from nieuwestart.access.trajectories import sees_trajectories, trajectory_visible
from nieuwestart.accounts.models import User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.notify.models import Notification
from nieuwestart.trajectories.models import Involvement


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's notifications they may see now, newest first (person joined for the name)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    visible = Q(trajectory__isnull=True) | trajectory_visible(user)
    return (
        Notification.objects.filter(recipient=user)
        .filter(visible)
        .select_related("trajectory__person")
        .order_by("-created_at", "-id")
    )


def _unread(involved: bool) -> CompiledQuery[int]:
    """The count of unread notifications the user may see, per recipient (no row: none);
    `involved`: the user may see trajectories of the organisation (trajectory_visible)."""

    def build(recipient_id: int, organisation_id: int) -> QuerySet[Any, int]:
        visible = Q(trajectory__isnull=True)
        if involved:
            visible |= Q(
                Exists(
                    Involvement.objects.filter(
                        trajectory=OuterRef("trajectory_id"),
                        organisation_id=organisation_id,
                        active=True,
                    )
                )
            )
        return (
            Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
            .filter(visible)
            .order_by()
            .values("recipient_id")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True)
        )

    return CompiledQuery(f"unread notifications (involved={involved})", build)


# On every page (the header): the SQL is kept per process (core.compiled).
_UNREAD = {involved: _unread(involved) for involved in (False, True)}


def unread_count(user: User) -> int:
    """Unread notifications the user may see: the number in the header. One query."""
    if not user.is_authenticated:
        return 0
    counted = _UNREAD[sees_trajectories(user)](user.pk, user.organisation_id or 0)
    return counted[0] if counted else 0
