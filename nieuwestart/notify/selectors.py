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

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from nieuwestart.access.trajectories import (
    organisation_sees,
    sees_trajectories,
    trajectory_visible,
)
from nieuwestart.accounts.models import User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.core.paging import KeptList, with_total
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


def _list_build(unread: bool | None) -> Callable[[int, int], QuerySet[Notification]]:
    """`notifications_for` a user of an organisation that sees trajectories, with the total
    (core.paging), for kept SQL; with `unread` only the unread (True) or read (False) ones."""

    def build(recipient_id: int, organisation_id: int) -> QuerySet[Notification]:
        qs = Notification.objects.filter(recipient_id=recipient_id).filter(
            Q(trajectory__isnull=True) | organisation_sees(organisation_id)
        )
        if unread is not None:
            qs = qs.filter(read_at__isnull=unread)
        return with_total(qs.select_related("trajectory__person").order_by("-created_at", "-id"))

    return build


# The list's pages (web and API): one kept SQL per filter, shared by every page.
_LIST_PAGES: dict[bool | None, CompiledQuery[Notification]] = {
    unread: CompiledQuery(f"notifications (unread={unread})", _list_build(unread))
    for unread in (None, True, False)
}


def notification_list(user: User, unread: bool | None = None) -> KeptList | QuerySet[Notification]:
    """`notifications_for` the user, with `unread` only the unread (True) or the read (False)
    ones, to page with `core.paging` (`counted_page`, the API's pagination)."""
    items = notifications_for(user)
    if unread is not None:
        items = items.filter(read_at__isnull=unread)
    if not sees_trajectories(user) or user.organisation_id is None:
        return items
    return KeptList(_LIST_PAGES[unread], (user.pk, user.organisation_id), items)


def _unread_query(recipient_id: int, organisation_id: int | None) -> QuerySet[Any, int]:
    """The count of unread notifications the recipient may see, as one row (no row: none).
    With `organisation_id` also those about trajectories that organisation is actively
    involved in (the rule of `trajectory_visible`); without, only those about no trajectory."""
    visible = Q(trajectory__isnull=True)
    if organisation_id is not None:
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


# On every page (the header): the SQL is kept per process (core.compiled).
_UNREAD: CompiledQuery[int] = CompiledQuery("unread notifications", _unread_query)
_UNREAD_NO_TRAJECTORIES: CompiledQuery[int] = CompiledQuery(
    "unread notifications about no trajectory",
    lambda recipient_id: _unread_query(recipient_id, None),
)


def unread_count(user: User) -> int:
    """Unread notifications the user may see: the number in the header. One query."""
    if not user.is_authenticated:
        return 0
    if sees_trajectories(user) and user.organisation_id is not None:
        counted = _UNREAD(user.pk, user.organisation_id)
    else:
        counted = _UNREAD_NO_TRAJECTORIES(user.pk)
    return counted[0] if counted else 0
