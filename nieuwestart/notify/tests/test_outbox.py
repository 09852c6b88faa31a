"""The outbox: nothing is lost when the mail server is down, retries back off, one sender wins.

The failing server is real: Django's SMTP backend pointed at a loopback port nobody listens on
(connection refused). The working server is Django's in-memory backend.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from nieuwestart.notify.models import OutboxMessage, OutboxStatus
from nieuwestart.notify.outbox import _take, outbox_deliver, outbox_queue, retry_delay

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def queue(key: str = "digest:1:2026-11-20", to: str = "alice@test.example") -> OutboxMessage:
    message, _created = outbox_queue(
        to=to, subject="Nieuwe Start: 2 nieuwe berichten", body_text="2 termijnen", dedup_key=key
    )
    return message


def test_queueing_the_same_key_twice_stores_one_message():
    first, created = outbox_queue(to="a@test.example", subject="s", body_text="b", dedup_key="k")
    again, created_again = outbox_queue(
        to="a@test.example", subject="s", body_text="b", dedup_key="k"
    )
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and OutboxMessage.objects.count() == 1


def test_a_message_survives_a_mail_outage_and_is_delivered_afterwards(settings, closed_port):
    with time_machine.travel(NOON, tick=False):
        message = queue()
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 2},
            }
        }
        result = outbox_deliver()
    message.refresh_from_db()
    assert (result.sent, result.failed, result.waiting) == (0, 1, 1)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == NOON + dt.timedelta(minutes=5)
    assert message.locked_until is None

    # The server is back, but the retry is not due yet: nothing is sent.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with time_machine.travel(NOON + dt.timedelta(minutes=4), tick=False):
        assert outbox_deliver().sent == 0
    assert mail.outbox == []

    with time_machine.travel(NOON + dt.timedelta(minutes=6), tick=False):
        result = outbox_deliver()
    message.refresh_from_db()
    assert (result.sent, result.failed, result.waiting) == (1, 0, 0)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2 and message.last_error == ""
    assert [m.to for m in mail.outbox] == [["alice@test.example"]]
    assert mail.outbox[0].subject == "Nieuwe Start: 2 nieuwe berichten"

    # Delivering again sends nothing again.
    assert outbox_deliver().sent == 0
    assert len(mail.outbox) == 1


def test_when_the_server_is_down_the_rest_of_the_batch_waits_untouched(mail_server_down):
    first = queue("a")
    second = queue("b")
    outbox_deliver()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (1, 0)
    assert second.locked_until is None and second.status == OutboxStatus.PENDING


def test_the_wait_doubles_after_each_failure_up_to_six_hours(settings):
    settings.NOTIFY_OUTBOX_RETRY_MINUTES = 5
    waits = [retry_delay(n) for n in (1, 2, 3, 4, 8, 20)]
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes == [5, 10, 20, 40, 360, 360]


def test_after_the_last_attempt_the_message_is_failed_and_kept(settings, mail_server_down):
    settings.NOTIFY_OUTBOX_MAX_ATTEMPTS = 2
    message = queue()
    start = timezone.now()
    outbox_deliver()
    with time_machine.travel(start + dt.timedelta(minutes=6)):
        outbox_deliver()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 2)
    assert OutboxMessage.objects.filter(pk=message.pk).exists()
    with time_machine.travel(start + dt.timedelta(days=2)):
        assert outbox_deliver().failed == 0  # a failed message is not retried by itself


def test_two_schedulers_at_once_never_take_the_same_message():
    queue("a")
    queue("b")
    now = timezone.now()
    first = _take(now, 10)
    second = _take(now, 10)
    assert len(first) == 2 and second == []
    # A scheduler that died releases its messages when the lease ends.
    assert len(_take(now + dt.timedelta(minutes=11), 10)) == 2


def test_the_administrator_can_requeue_a_failed_message(admin_client_for_outbox):
    client, message = admin_client_for_outbox
    response = client.post(
        "/beheer/notify/outboxmessage/",
        {"action": "requeue", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)


@pytest.fixture
def admin_client_for_outbox(client, make_user, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    staff = make_user("superbeheer", "PI-ALMELO", "beheerder", is_staff=True, is_superuser=True)
    client.force_login(staff)
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED, attempts=12)
    return client, message
