"""Demo notifications: present for most case workers, nothing twice, no mail sent yet."""

from __future__ import annotations

import pytest
from django.core import mail

from nieuwestart.demo.seed_notify import seed_notifications
from nieuwestart.demo.services import demo_data_load
from nieuwestart.notify.models import Notification, OutboxMessage, OutboxStatus
from nieuwestart.trajectories.models import Phase, Trajectory

pytestmark = pytest.mark.django_db


def test_seeding_notifications_is_idempotent_and_shows_the_feature():
    demo_data_load(trajectories=25)  # ends with seed_notifications()
    # A small demo still shows every phase, in the mix of the full one (a released trajectory
    # is closed only where the demo has an account at the organisation with casusregie).
    phases = list(Trajectory.objects.values_list("phase", flat=True))
    counts = {phase: phases.count(phase) for phase in Phase.values}
    assert (counts[Phase.INTAKE], counts[Phase.PLAN], counts[Phase.DETENTION]) == (5, 4, 9)
    assert counts[Phase.AFTER_RELEASE] + counts[Phase.CLOSED] == 7
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
