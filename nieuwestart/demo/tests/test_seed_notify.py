"""Demo notifications: present for most case workers, nothing twice, no mail sent yet."""

from __future__ import annotations

import pytest
from django.core import mail

from nieuwestart.demo.seed_notify import seed_notifications
from nieuwestart.demo.services import demo_data_load
from nieuwestart.notify.models import Notification, OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db


def test_seeding_notifications_is_idempotent_and_shows_the_feature():
    demo_data_load(trajectories=25)  # ends with seed_notifications()
    rows = Notification.objects.count()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    recipients = Notification.objects.values("recipient").distinct().count()
    assert rows > 0
    assert len(kinds) >= 3  # late deadlines, escalations, new trajectories, assignments, ...
    assert recipients >= 5
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() > 0
    assert mail.outbox == []  # queued for `make tick`, not sent during `make demo`

    again = seed_notifications()
    assert again["notifications"] == 0 and again["digests"] == 0
    assert Notification.objects.count() == rows
