"""Two schedulers at once: each counts only the notifications it created itself.

Both check which keys are stored, then insert. When the other one commits the same keys in
between, `bulk_create(ignore_conflicts=True)` skips them; the run summary must not count them
as new (it did: it counted the rows it attempted)."""

from __future__ import annotations

from typing import Any

import pytest

from nieuwestart.accounts.models import User
from nieuwestart.notify.models import Notification
from nieuwestart.notify.services import notifications_derive
from nieuwestart.notify.tests.case import LATE

pytestmark = pytest.mark.django_db


def _other_scheduler_first(monkeypatch: pytest.MonkeyPatch, take: int | None = None) -> None:
    """Let another scheduler store (the first `take` of) the same rows just before ours."""
    manager = Notification.objects
    real = manager.bulk_create
    raced = False

    def racing(objs: list[Notification], **kwargs: Any) -> list[Notification]:
        nonlocal raced
        if not raced:
            raced = True
            theirs = [
                Notification(
                    recipient=n.recipient,
                    trajectory=n.trajectory,
                    kind=n.kind,
                    title=n.title,
                    text=n.text,
                    link=n.link,
                    dedup_key=n.dedup_key,
                    created_at=n.created_at,
                )
                for n in objs[:take]
            ]
            real(theirs)
        return real(objs, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", racing)


def test_a_run_that_loses_the_race_counts_nothing_new(monkeypatch, trajectory, alice):
    _other_scheduler_first(monkeypatch)
    users, created = notifications_derive(today=LATE, users=User.objects.filter(pk=alice.pk))
    assert users == 1
    assert Notification.objects.filter(recipient=alice).count() == 2  # stored once each
    assert created == 0


def test_a_run_that_partly_loses_counts_only_its_own_rows(monkeypatch, trajectory, alice):
    _other_scheduler_first(monkeypatch, take=1)
    _users, created = notifications_derive(today=LATE, users=User.objects.filter(pk=alice.pk))
    assert Notification.objects.filter(recipient=alice).count() == 2
    assert created == 1


def test_two_runs_one_after_the_other(trajectory, alice):
    only_alice = User.objects.filter(pk=alice.pk)
    assert notifications_derive(today=LATE, users=only_alice) == (1, 2)
    assert notifications_derive(today=LATE, users=only_alice) == (1, 0)
