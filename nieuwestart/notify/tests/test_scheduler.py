"""The scheduler: which notifications it derives for whom, and that running it twice is harmless.

Real deadlines, real services, real mail backends (locmem here; SMTP in test_outbox.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from nieuwestart.notify.models import Notification, NotificationKind, OutboxMessage
from nieuwestart.notify.services import notifications_derive, scheduler_run
from nieuwestart.notify.tests.case import LATE, SOON, kinds

pytestmark = pytest.mark.django_db


def test_running_twice_creates_and_sends_nothing_twice(trajectory, alice, sven, carol, capsys):
    call_command("process_notifications", "--datum", LATE.isoformat())
    first_out = capsys.readouterr().out
    notifications = list(Notification.objects.order_by("pk").values_list("recipient", "dedup_key"))
    outbox = list(OutboxMessage.objects.values_list("dedup_key", "status"))
    sent = len(mail.outbox)
    assert notifications and sent  # something to notify and to e-mail on the first run
    assert "nieuwe berichten" in first_out and "verstuurd" in first_out

    call_command("process_notifications", "--datum", LATE.isoformat())

    assert list(Notification.objects.order_by("pk").values_list("recipient", "dedup_key")) == (
        notifications
    )
    assert list(OutboxMessage.objects.values_list("dedup_key", "status")) == outbox
    assert len(mail.outbox) == sent
    assert "0 nieuwe berichten" in capsys.readouterr().out


def test_a_late_deadline_notifies_the_casemanager_and_escalates_to_the_staffunctionaris(
    trajectory, alice, mia, sven
):
    scheduler_run(today=LATE, deliver=False)
    assert kinds(alice) == {NotificationKind.DEADLINE_LATE: 2}  # screening, municipality contact
    assert kinds(sven) == {NotificationKind.ESCALATION: 2}
    assert kinds(mia) == {}  # the mentor is not named on the trajectory
    escalation = Notification.objects.filter(recipient=sven).order_by("dedup_key").first()
    assert escalation is not None and escalation.trajectory == trajectory
    assert escalation.link == f"/trajecten/{trajectory.uuid}"
    assert "4 werkdagen te laat" in escalation.text


def test_no_escalation_within_the_grace_period(trajectory, alice, sven):
    scheduler_run(today=dt.date(2026, 11, 18), deliver=False)  # 2 working days late
    assert kinds(alice) == {NotificationKind.DEADLINE_LATE: 2}
    assert kinds(sven) == {}


def test_a_deadline_due_soon_notifies_once_and_again_when_it_is_late(trajectory, alice):
    scheduler_run(today=SOON, deliver=False)
    assert kinds(alice) == {NotificationKind.DEADLINE_SOON: 2}
    scheduler_run(today=SOON + dt.timedelta(days=1), deliver=False)
    assert kinds(alice) == {NotificationKind.DEADLINE_SOON: 2}
    scheduler_run(today=LATE, deliver=False)
    assert kinds(alice) == {NotificationKind.DEADLINE_SOON: 2, NotificationKind.DEADLINE_LATE: 2}


def test_a_municipality_that_does_not_react_to_the_sheet_is_signalled_to_the_pi(
    trajectory, alice, sven, carol
):
    from nieuwestart.infosheet.services import infosheet_send

    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC), tick=False):
        infosheet_send(actor=alice, trajectory=trajectory)
    # Sent on 5 November, the reaction was due 5 working days later (12 November).
    scheduler_run(today=LATE, deliver=False)

    def no_reaction(user: Any) -> list[Notification]:
        return list(Notification.objects.filter(recipient=user, kind=NotificationKind.NO_REACTION))

    assert len(no_reaction(alice)) == 1
    assert len(no_reaction(sven)) == 1  # once, although it is also in his escalations
    assert "12-11-2026" in no_reaction(sven)[0].text
    # The municipality hears about its own late deadline as a late deadline.
    assert Notification.objects.filter(
        recipient=carol, kind=NotificationKind.DEADLINE_LATE, dedup_key__contains="gemeente-reactie"
    ).exists()


def test_the_reaction_in_time_gives_no_signal(trajectory, alice, sven, carol):
    from nieuwestart.infosheet.services import infosheet_acknowledge, infosheet_send

    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC), tick=False):
        infosheet_send(actor=alice, trajectory=trajectory)
    with time_machine.travel(dt.datetime(2026, 11, 9, 10, tzinfo=dt.UTC), tick=False):
        infosheet_acknowledge(actor=carol, trajectory=trajectory, number=1)
    scheduler_run(today=LATE, deliver=False)
    assert not Notification.objects.filter(kind=NotificationKind.NO_REACTION).exists()


def test_a_new_trajectory_reaches_the_municipal_inbox_of_that_municipality_only(
    trajectory, justid, carol, dave, payload
):
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    notification = validate_notification(
        payload(meldingId="NIEUW-1", persoon={"bsn": "999990019"}), today=dt.date(2026, 11, 22)
    )
    new, _created = notification_receive(actor=justid, notification=notification)
    scheduler_run(today=SOON, deliver=False)
    inbox = Notification.objects.filter(recipient=carol, kind=NotificationKind.NEW_TRAJECTORY)
    assert [n.trajectory for n in inbox] == [new]  # Jan has a coordinator (Carol) already
    assert kinds(dave) == {}


def test_being_assigned_by_someone_else_is_a_notification_picking_up_yourself_is_not(
    trajectory, alice, mia, bob, carol
):
    from django.utils import timezone

    from nieuwestart.trajectories.services import trajectory_assign

    trajectory_assign(actor=alice, trajectory=trajectory, role="mentor", user=mia)
    scheduler_run(today=timezone.localdate(), deliver=False)
    assigned = Notification.objects.filter(kind=NotificationKind.ASSIGNED)
    assert [n.recipient for n in assigned] == [mia]
    assert "mentor" in assigned[0].text


def test_an_uninvolved_municipality_is_never_notified_about_the_trajectory(
    trajectory, alice, sven, carol, dave, make_user
):
    dave_director = make_user("dirk", "GM0363", "procesregisseur")
    for day in (SOON, LATE, dt.date(2027, 3, 20)):
        scheduler_run(today=day, deliver=False)
    assert not Notification.objects.filter(recipient__in=[dave, dave_director]).exists()
    assert not [m for m in mail.outbox if dave.email in m.to]


def test_notification_texts_and_e_mail_hold_no_personal_data_of_the_detainee(
    trajectory, alice, sven
):
    scheduler_run(today=LATE)
    person = trajectory.person
    stored = " ".join(
        f"{n.title} {n.text} {n.link} {n.dedup_key}" for n in Notification.objects.all()
    )
    mails = " ".join(f"{m.subject} {m.body} {m.alternatives}" for m in mail.outbox)
    for secret in (person.surname, person.given_names, person.bsn, f"{person.birth_date:%d-%m-%Y}"):
        assert secret not in stored
        assert secret not in mails
    digest = next(m for m in mail.outbox if alice.email in m.to)
    assert "2 termijnen zijn te laat" in digest.body
    assert "http://127.0.0.1:8000/berichten/" in digest.body
    assert digest.subject == "Nieuwe Start: 2 nieuwe berichten"


def test_at_most_one_digest_per_user_per_day(trajectory, alice):
    scheduler_run(today=SOON)
    assert len([m for m in mail.outbox if alice.email in m.to]) == 1
    # New notifications the same day wait for the next day's digest.
    scheduler_run(today=SOON)  # nothing new
    Notification.objects.create(
        recipient=alice,
        kind=NotificationKind.ASSIGNED,
        title="t",
        dedup_key="extra",
        created_at=dt.datetime(2026, 11, 12, 12, tzinfo=dt.UTC),
    )
    scheduler_run(today=SOON)
    assert len([m for m in mail.outbox if alice.email in m.to]) == 1
    scheduler_run(today=SOON + dt.timedelta(days=1))
    tomorrow = [m for m in mail.outbox if alice.email in m.to]
    assert len(tomorrow) == 2
    assert "U bent aan 1 traject toegewezen" in tomorrow[1].body
    assert "termijn" not in tomorrow[1].body  # already in yesterday's digest


def test_no_digest_when_switched_off_read_already_or_without_address(
    trajectory, alice, carol, sven
):
    from nieuwestart.infosheet.services import infosheet_send
    from nieuwestart.notify.services import notification_preference_set, notifications_mark_all_read

    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC), tick=False):
        infosheet_send(actor=alice, trajectory=trajectory)  # Carol's reaction is late on LATE
    notification_preference_set(actor=alice, digest="uit")
    sven.email = ""
    sven.save()
    notifications_derive(today=LATE)
    notifications_mark_all_read(actor=carol)
    scheduler_run(today=LATE)
    assert kinds(alice) and kinds(carol) and kinds(sven)  # all three see them in the app
    assert [m.to for m in mail.outbox] == []


def test_a_late_municipal_deadline_escalates_to_the_municipal_contact_not_twice_to_carol(
    trajectory, alice, carol, make_user
):
    from nieuwestart.infosheet.services import infosheet_send

    colleague = make_user("erik", "GM0153", "procesregisseur")
    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC), tick=False):
        infosheet_send(actor=alice, trajectory=trajectory)
    scheduler_run(today=LATE, deliver=False)  # the reaction is 6 working days late
    assert kinds(colleague) == {NotificationKind.ESCALATION: 1}
    assert kinds(carol) == {NotificationKind.DEADLINE_LATE: 1}
