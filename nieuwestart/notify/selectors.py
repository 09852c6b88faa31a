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

from django.db.models import Q, QuerySet

from nieuwestart.access.trajectories import trajectory_visible
from nieuwestart.accounts.models import User
from nieuwestart.notify.models import Notification


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


def unread_count(user: User) -> int:
    """Unread notifications the user may see: the number in the header. One query."""
    if not user.is_authenticated:
        return 0
    return notifications_for(user).filter(read_at__isnull=True).count()
