"""Demo notifications: run the notification scheduler once for today, without sending.

Idempotent, like the scheduler itself: running it again adds nothing. The digests are queued in
the outbox but not delivered, so `make demo` stays quiet; `make tick` (or
`manage.py process_notifications`) then prints them with the console mail backend.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nieuwestart.notify.services import scheduler_run


def seed_notifications(*, today: dt.date | None = None) -> dict[str, int]:
    summary = scheduler_run(today=today or timezone.localdate(), deliver=False)
    return {
        "users": summary.users,
        "notifications": summary.notifications,
        "digests": summary.digests,
    }
