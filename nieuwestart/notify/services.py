"""Writes of notify: derive notifications, queue digests, mark as read, the e-mail preference.

The scheduler (`manage.py process_notifications`, docs/notifications.md) calls `scheduler_run`:

1. `notifications_derive`: for every active user in a case role, the candidates of every
   source (`sources.py`) that are not stored yet for that user are stored. The unique key
   (recipient, dedup_key) and `bulk_create(ignore_conflicts=True)` make this idempotent on
   SQLite and PostgreSQL, also when two schedulers run at once.
2. `digests_queue`: at most one digest e-mail per user per day (outbox key
   `digest:<user>:<date>`), only with something new (unread notifications not counted in an
   earlier digest), only to a user with an e-mail address who has not switched it off.
3. `outbox.outbox_deliver`: hands queued e-mail to the mail server.

The scheduler acts for the system, not for a person, so these functions take no `actor`. They
write no processing-log rows: deriving a notification discloses nothing to anyone. When a user
is shown a notification with the person's name, the view logs that read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nieuwestart.access.policy import CASE_ROLES
from nieuwestart.accounts.models import User
from nieuwestart.notify import outbox, selectors, sources
from nieuwestart.notify.models import (
    DigestFrequency,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from nieuwestart.trajectories.services import ServiceError


class NotificationNotFound(ServiceError):
    """Not the user's notification, or about a trajectory the user can no longer see."""


@dataclass
class RunSummary:
    users: int = 0
    notifications: int = 0
    digests: int = 0
    delivery: outbox.DeliveryResult = field(default_factory=outbox.DeliveryResult)


def recipients() -> QuerySet[User]:
    """Everyone who works in case files: active, in a case role, with an organisation."""
    return (
        User.objects.filter(is_active=True, role__in=CASE_ROLES, organisation__isnull=False)
        .select_related("organisation")
        .order_by("pk")
    )


@transaction.atomic
def _store(user: User, candidates: list[sources.Candidate], now: dt.datetime) -> int:
    keys = [c.dedup_key for c in candidates]
    known = set(
        Notification.objects.filter(recipient=user, dedup_key__in=keys).values_list(
            "dedup_key", flat=True
        )
    )
    new = [
        Notification(
            recipient=user,
            trajectory=c.trajectory,
            kind=c.kind,
            title=c.title[:200],
            text=c.text[:500],
            link=c.link,
            dedup_key=c.dedup_key,
            created_at=now,
        )
        for c in candidates
        if c.dedup_key not in known
    ]
    if not new:
        return 0
    # ignore_conflicts: a scheduler running at the same moment may have stored the same key
    # after the check above; its row stays and ours is skipped. Count only the rows this run
    # created: each new object carries its own uuid (made here, in Python), so the rows with
    # those uuids are exactly ours, whatever the other scheduler did.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return Notification.objects.filter(uuid__in=[n.uuid for n in new]).count()


def notifications_derive(*, today: dt.date, users: QuerySet[User] | None = None) -> tuple[int, int]:
    """Store new notifications for every case user; returns (users looked at, new rows)."""
    now = timezone.now()
    people = list(users if users is not None else recipients())
    created = 0
    # Texts are stored in Dutch, whatever language the command runs in.
    with translation.override("nl"):
        for user in people:
            candidates = sources.candidates_for(user, today)
            if candidates:
                created += _store(user, candidates, now)
    return len(people), created


def wants_digest(user: User) -> bool:
    if not user.email:
        return False
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.digest == DigestFrequency.DAILY


@transaction.atomic
def _digest_for(user: User, today: dt.date, now: dt.datetime) -> bool:
    key = f"digest:{user.pk}:{today.isoformat()}"
    if OutboxMessage.objects.filter(dedup_key=key).exists():
        return False  # today's digest is queued; what is new since waits for tomorrow's
    pending = selectors.notifications_for(user).filter(
        read_at__isnull=True, digested_at__isnull=True
    )
    counts = Counter(pending.values_list("kind", flat=True))
    if not counts:
        return False
    with translation.override("nl"):
        subject, text, html = outbox.digest_content(user, counts)
    _message, created = outbox.outbox_queue(
        to=user.email, subject=subject, body_text=text, body_html=html, dedup_key=key
    )
    if created:
        Notification.objects.filter(pk__in=list(pending.values_list("pk", flat=True))).update(
            digested_at=now
        )
    return created


def digests_queue(*, today: dt.date, users: QuerySet[User] | None = None) -> int:
    """Queue today's digest e-mail for every user who has something new and wants it."""
    now = timezone.now()
    queued = 0
    for user in users if users is not None else recipients():
        if wants_digest(user) and _digest_for(user, today, now):
            queued += 1
    return queued


def scheduler_run(*, today: dt.date, derive: bool = True, deliver: bool = True) -> RunSummary:
    """One scheduler tick: derive, queue digests, deliver. Safe to run any number of times."""
    summary = RunSummary()
    if derive:
        summary.users, summary.notifications = notifications_derive(today=today)
        summary.digests = digests_queue(today=today)
    if deliver:
        summary.delivery = outbox.outbox_deliver(limit=settings.NOTIFY_OUTBOX_BATCH)
    return summary


@transaction.atomic
def notification_mark_read(*, actor: User, notification_uuid: UUID | str) -> Notification:
    """Mark one of the user's own (visible) notifications as read. Reading twice is fine."""
    try:
        key = UUID(str(notification_uuid))
    except ValueError as exc:
        raise NotificationNotFound(_("Dit bericht bestaat niet (meer)."), field="bericht") from exc
    notification = selectors.notifications_for(actor).filter(uuid=key).first()
    if notification is None:
        raise NotificationNotFound(_("Dit bericht bestaat niet (meer)."), field="bericht")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every visible unread notification of the user as read; returns how many."""
    unread = selectors.notifications_for(actor).filter(read_at__isnull=True)
    return Notification.objects.filter(pk__in=list(unread.values_list("pk", flat=True))).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preference_set(*, actor: User, digest: str) -> NotificationPreference:
    if digest not in DigestFrequency.values:
        raise ServiceError(_("Kies of u een e-mail wilt ontvangen."), field="digest")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"digest": digest}
    )
    return preference
