"""The meeting services: planning, recording once, decisions into the plan, cancelling,
conflicts and the processing log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.meetings.models import Decision, Meeting
from nieuwestart.meetings.services import (
    AgendaInput,
    DecisionInput,
    MeetingConflict,
    ParticipantInput,
    meeting_cancel,
    meeting_plan,
    meeting_record,
)
from nieuwestart.meetings.tests.case import BEFORE, ON_THE_DAY, STARTS, plan_meeting
from nieuwestart.plans.models import PlanTask
from nieuwestart.trajectories.services import ServiceError

pytestmark = pytest.mark.django_db


def test_alice_plans_an_mdo_with_bob_carol_and_the_detainee(trajectory, alice, bob, carol):
    meeting = plan_meeting(
        trajectory, alice, users=[alice, bob, carol], online_link="https://meet.example/mdo-42"
    )
    assert (meeting.status, meeting.version, meeting.kind) == ("gepland", 1, "mdo")
    people = [(p.kind, p.name, p.organisation_name) for p in meeting.participants.all()]
    assert people == [
        ("professional", alice.display_name, "PI Almelo"),
        ("professional", bob.display_name, bob.organisation.name),
        ("professional", carol.display_name, "Enschede"),
        ("gedetineerde", "Jan de Vries", ""),
    ]
    assert all(p.attendance == "onbekend" for p in meeting.participants.all())
    assert [i.title for i in meeting.agenda_items.all()] == ["Voortgang van het plan", "Rondvraag"]
    entry = ProcessingLogEntry.objects.filter(purpose="overleg").latest("pk")
    assert (entry.action, entry.user_id, entry.trajectory_uuid) == (
        "aanmaken",
        alice.pk,
        trajectory.uuid,
    )
    assert "plan" in entry.categories


@pytest.mark.parametrize(
    "link",
    [
        "http://meet.example/x",
        "javascript:alert(1)",
        "ftp://meet.example",
        "https://",
        "meet.example",
    ],
)
def test_the_online_link_must_be_https(trajectory, alice, link):
    with pytest.raises(ServiceError) as caught:
        plan_meeting(trajectory, alice, users=[alice], online_link=link)
    assert caught.value.field == "onlineLink"
    assert not Meeting.objects.exists()


def test_only_people_of_involved_organisations_can_be_invited(trajectory, alice, dave):
    with pytest.raises(ServiceError) as caught:
        plan_meeting(trajectory, alice, users=[dave])
    assert caught.value.field == "deelnemers.0"
    assert "niet bij een organisatie die bij het traject betrokken is" in caught.value.message


def test_an_external_person_is_named_with_their_organisation(trajectory, alice):
    meeting = meeting_plan(
        actor=alice,
        trajectory=trajectory,
        kind="voorbereiding-vrijlating",
        starts_at=STARTS,
        online_link="https://meet.example/warm",
        participants=[
            ParticipantInput(kind="extern", name="Sanne Jansen", organisation_name="Domijn")
        ],
        agenda=[AgendaInput(title="Woning na vrijlating")],
    )
    participant = meeting.participants.get()
    assert (participant.kind, participant.name, participant.organisation_name) == (
        "extern",
        "Sanne Jansen",
        "Domijn",
    )
    assert meeting.location == ""  # online only is fine


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "koffie"}, "soort"),
        ({"starts_at": None}, "aanvang"),
        ({"location": "", "online_link": ""}, "locatie"),
        ({"participants": []}, "deelnemers"),
        ({"agenda": [AgendaInput(title="  ")]}, "agenda"),
    ],
)
def test_a_meeting_needs_kind_time_place_people_and_agenda(trajectory, alice, changes, field):
    arguments = {
        "actor": alice,
        "trajectory": trajectory,
        "kind": "mdo",
        "starts_at": STARTS,
        "location": "PI Almelo",
        "online_link": "",
        "participants": [ParticipantInput(kind="gedetineerde")],
        "agenda": [AgendaInput(title="Plan")],
        **changes,
    }
    with pytest.raises(ServiceError) as caught:
        meeting_plan(**arguments)
    assert caught.value.field == field


def _record(meeting, actor, **extra):
    participants = {
        p.kind + (p.user.username if p.user else ""): p for p in meeting.participants.all()
    }
    items = list(meeting.agenda_items.all())
    arguments = {
        "actor": actor,
        "meeting": meeting,
        "expected_version": 1,
        "attendance": {
            str(p.uuid): "aanwezig" if p.kind != "professionalcarol" else "afgemeld"
            for k, p in participants.items()
        },
        "minutes": {str(items[0].uuid): "Plan besproken. ID-kaart is aangevraagd."},
    }
    arguments.update(extra)
    return meeting_record(**arguments)


def test_recording_stores_attendance_minutes_and_turns_decisions_into_plan_tasks(
    trajectory, alice, bob, carol
):
    with time_machine.travel(BEFORE, tick=False):
        meeting = plan_meeting(trajectory, alice, users=[alice, bob, carol])
    item = meeting.agenda_items.first()
    carol_row = meeting.participants.get(user=carol)
    with time_machine.travel(ON_THE_DAY, tick=False):
        recorded = meeting_record(
            actor=alice,
            meeting=meeting,
            expected_version=1,
            attendance={
                **{str(p.uuid): "aanwezig" for p in meeting.participants.all()},
                str(carol_row.uuid): "afgemeld",
            },
            minutes={str(item.uuid): "Plan besproken. ID-kaart is aangevraagd."},
            decisions=[
                DecisionInput(
                    text="Huurachterstand met de corporatie regelen",
                    domain="huisvesting",
                    assignee=carol,
                    due_date=dt.date(2026, 12, 15),
                    agenda_item=item.uuid,
                ),
                DecisionInput(
                    text="Zelf een pasfoto laten maken", domain="identiteit", for_detainee=True
                ),
            ],
        )
    assert (recorded.status, recorded.version, recorded.recorded_by) == ("gehouden", 2, alice)
    attendance = {p.name: p.attendance for p in recorded.participants.all()}
    assert attendance[carol.display_name] == "afgemeld"
    assert attendance["Jan de Vries"] == "aanwezig"
    item.refresh_from_db()
    assert item.minutes == "Plan besproken. ID-kaart is aangevraagd."
    first, second = Decision.objects.filter(meeting=meeting)
    task = PlanTask.objects.get(pk=first.plan_task_id)
    assert (task.what, task.domain, task.organisation, task.assignee, task.due_date) == (
        "Huurachterstand met de corporatie regelen",
        "huisvesting",
        carol.organisation,
        carol,
        dt.date(2026, 12, 15),
    )
    assert first.plan_task_uuid == task.uuid and first.agenda_item == item
    assert PlanTask.objects.get(pk=second.plan_task_id).for_detainee
    entry = ProcessingLogEntry.objects.filter(purpose="overleg").latest("pk")
    assert (entry.action, entry.detail) == (
        "wijzigen",
        "verslag mdo vastgelegd: 3 aanwezig, 2 besluit(en)",
    )


def test_minutes_are_written_once(trajectory, alice, bob):
    meeting = plan_meeting(trajectory, alice, users=[alice, bob])
    with time_machine.travel(ON_THE_DAY, tick=False):
        _record(meeting, alice)
        with pytest.raises(ServiceError) as caught:
            _record(meeting, bob, expected_version=None)
    assert caught.value.code == "transition"
    assert "kan niet meer veranderen" in caught.value.message


def test_a_stale_version_is_a_conflict_and_nothing_is_stored(trajectory, alice, bob):
    meeting = plan_meeting(trajectory, alice, users=[alice, bob])
    with time_machine.travel(ON_THE_DAY, tick=False):
        _record(meeting, alice)
        with pytest.raises(MeetingConflict) as caught:
            _record(
                meeting,
                bob,
                decisions=[DecisionInput(text="Iets anders", assignee=bob)],
            )
    assert "al vastgelegd" in caught.value.message
    assert not PlanTask.objects.filter(what="Iets anders").exists()


def test_a_wrong_decision_stores_nothing_at_all(trajectory, alice, bob, dave):
    meeting = plan_meeting(trajectory, alice, users=[alice, bob])
    with time_machine.travel(ON_THE_DAY, tick=False), pytest.raises(ServiceError) as caught:
        _record(
            meeting,
            alice,
            decisions=[
                DecisionInput(text="Goed besluit", assignee=bob),
                DecisionInput(text="Door een onbetrokken gemeente", assignee=dave),
            ],
        )
    assert caught.value.field == "besluiten.1.uitvoerder"
    meeting.refresh_from_db()
    assert meeting.status == "gepland"
    assert not PlanTask.objects.exists()
    assert not meeting.agenda_items.exclude(minutes="").exists()


def test_minutes_wait_until_the_day_of_the_meeting(trajectory, alice):
    meeting = plan_meeting(trajectory, alice, users=[alice])
    with time_machine.travel(BEFORE, tick=False), pytest.raises(ServiceError) as caught:
        _record(meeting, alice)
    assert caught.value.field == "gehoudenOp"


def test_cancel_needs_a_reason_and_ends_the_meeting(trajectory, alice, carol):
    meeting = plan_meeting(trajectory, alice, users=[alice, carol])
    with pytest.raises(ServiceError):
        meeting_cancel(actor=carol, meeting=meeting, expected_version=1, reason=" ")
    cancelled = meeting_cancel(
        actor=carol, meeting=meeting, expected_version=1, reason="Gedetineerde overgeplaatst."
    )
    assert (cancelled.status, cancelled.cancel_reason) == (
        "afgelast",
        "Gedetineerde overgeplaatst.",
    )
    with time_machine.travel(ON_THE_DAY, tick=False), pytest.raises(MeetingConflict):
        _record(meeting, alice)


def test_a_closed_trajectory_gets_no_new_meetings(trajectory, alice):
    from nieuwestart.trajectories.models import Trajectory

    Trajectory.objects.filter(pk=trajectory.pk).update(phase="afgesloten")
    trajectory.refresh_from_db()
    with pytest.raises(ServiceError) as caught:
        plan_meeting(trajectory, alice, users=[alice])
    assert caught.value.code == "closed"
