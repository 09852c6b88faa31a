"""Care content in meetings (docs/meetings.md, "Who sees what"): the minutes of an agenda item
about care and the text of a decision about care are read only by who sees care content in
full (probation, bob) or the organisation that wrote them. The PI casemanager (alice) and the
municipality (carol) see care content only as a signal, on the page, in the pack (HTML and
PDF) and in the API; and they cannot write such minutes either."""

from __future__ import annotations

import pytest
import time_machine

from nieuwestart.meetings.models import AgendaItem, Meeting
from nieuwestart.meetings.selectors import meeting_view
from nieuwestart.meetings.services import AgendaInput, DecisionInput, meeting_record
from nieuwestart.meetings.tests.case import BEFORE, ON_THE_DAY, care_task, plan_meeting
from nieuwestart.meetings.tests.test_meeting_web import pdf_text
from nieuwestart.trajectories.services import ServiceError

pytestmark = pytest.mark.django_db

CARE = "Diagnose PTSS; EMDR-behandeling bij Mediant"
NEUTRAL = "Vervolg van zorg na detentie (inhoud alleen voor wie zorginhoud mag zien)"


@pytest.fixture
def web(client, settings):
    settings.REQUIRE_SECOND_FACTOR = False

    def login(user):
        client.force_login(user)
        return client

    return login


def _record(meeting, actor, minutes, decisions=()):
    items = {str(i.uuid): minutes for i in meeting.agenda_items.all()}
    with time_machine.travel(ON_THE_DAY, tick=False):
        return meeting_record(
            actor=actor,
            meeting=meeting,
            expected_version=meeting.version,
            attendance={},
            minutes=items,
            decisions=list(decisions),
        )


def _task_item_meeting(trajectory, alice, bob, carol):
    """An MDO with one agenda item: probation's own care task."""
    with time_machine.travel(BEFORE, tick=False):
        task = care_task(trajectory, bob, bob.organisation)
        return plan_meeting(
            trajectory,
            bob,
            users=[alice, bob, carol],
            agenda=[
                AgendaInput(
                    title=task.what,
                    source="taak",
                    source_ref=str(task.uuid),
                    domain="zorg",
                    organisation_id=bob.organisation_id,
                )
            ],
        )


def _deadline_item_meeting(trajectory, alice, bob, carol):
    """An MDO with one agenda item: the deadline 'care continues after release'."""
    with time_machine.travel(BEFORE, tick=False):
        return plan_meeting(
            trajectory,
            alice,
            users=[alice, bob, carol],
            agenda=[
                AgendaInput(
                    title="Zorg loopt door na vrijlating",
                    source="termijn",
                    source_ref="voor-vrijlating-zorg",
                    domain="zorg",
                )
            ],
        )


@pytest.mark.parametrize("make", [_task_item_meeting, _deadline_item_meeting])
@pytest.mark.parametrize(
    ("persona", "reads"), [("alice", False), ("mia", False), ("bob", True), ("carol", False)]
)
def test_care_minutes_per_persona_whatever_the_source(
    request, trajectory, alice, bob, carol, make, persona, reads
):
    meeting = make(trajectory, alice, bob, carol)
    _record(meeting, bob, CARE)
    item = meeting_view(meeting, request.getfixturevalue(persona)).agenda[0]
    if reads:
        assert (item.minutes, item.minutes_hidden) == (CARE, False)
    else:
        assert (item.minutes, item.minutes_hidden) == (None, True)


@pytest.mark.parametrize(("persona", "reads"), [("alice", False), ("bob", True), ("carol", False)])
def test_care_minutes_on_the_page_in_the_pack_and_in_the_pdf(
    request, web, trajectory, alice, bob, carol, persona, reads
):
    meeting = _deadline_item_meeting(trajectory, alice, bob, carol)
    _record(meeting, bob, CARE)
    client = web(request.getfixturevalue(persona))
    base = f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}"
    for text in (
        client.get(base).content.decode(),
        client.get(f"{base}/pakket").content.decode(),
        pdf_text(client.get(f"{base}/pakket.pdf").content),
    ):
        assert "Zorg loopt door na vrijlating" in text  # the title is no care content
        assert ("PTSS" in text) is reads
        assert ("inhoud alleen voor wie zorginhoud mag zien" in " ".join(text.split())) is (
            not reads
        )


@pytest.mark.parametrize(("persona", "reads"), [("alice", False), ("bob", True), ("carol", False)])
def test_care_minutes_in_the_api(api, request, trajectory, alice, bob, carol, persona, reads):
    meeting = _task_item_meeting(trajectory, alice, bob, carol)
    _record(meeting, bob, CARE)
    url = f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}"
    item = api(request.getfixturevalue(persona)).get(url).json()["agenda"][0]
    assert item["verslag"] == (CARE if reads else None)
    assert item["verslagVerborgen"] is (not reads)


@pytest.mark.parametrize(("persona", "reads"), [("alice", False), ("bob", True), ("carol", False)])
def test_care_decisions_per_persona(api, request, trajectory, alice, bob, carol, persona, reads):
    meeting = _task_item_meeting(trajectory, alice, bob, carol)
    _record(
        meeting,
        bob,
        "",
        decisions=[
            DecisionInput(text="EMDR bij Mediant starten", domain="zorg", assignee=bob),
            DecisionInput(text="Woning aanvragen", domain="huisvesting", assignee=carol),
        ],
    )
    user = request.getfixturevalue(persona)
    care, housing = meeting_view(meeting, user).decisions
    assert (care.text == "EMDR bij Mediant starten") is reads
    assert care.hidden is (not reads)
    if not reads:
        assert care.text == NEUTRAL
    assert (housing.text, housing.hidden) == ("Woning aanvragen", False)
    url = f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}"
    assert ("EMDR" in api(user).get(url).content.decode()) is reads


def test_a_care_decision_for_the_pi_is_read_by_the_pi(trajectory, alice, bob, carol):
    meeting = _task_item_meeting(trajectory, alice, bob, carol)
    _record(
        meeting,
        bob,
        "",
        decisions=[
            DecisionInput(text="Medicatie meegeven bij ontslag", domain="zorg", assignee=alice)
        ],
    )
    assert meeting_view(meeting, alice).decisions[0].text == "Medicatie meegeven bij ontslag"
    assert meeting_view(meeting, carol).decisions[0].hidden


def test_care_minutes_written_by_the_readers_own_organisation_stay_readable(
    trajectory, alice, bob, carol
):
    # Written before care minutes were limited: the PI recorded them, so the PI reads them.
    meeting = _deadline_item_meeting(trajectory, alice, bob, carol)
    AgendaItem.objects.filter(meeting=meeting).update(minutes="Medicatie via de huisarts")
    Meeting.objects.filter(pk=meeting.pk).update(
        status="gehouden", recorded_by=alice, recorded_by_organisation=alice.organisation
    )
    assert meeting_view(meeting, alice).agenda[0].minutes == "Medicatie via de huisarts"
    assert meeting_view(meeting, carol).agenda[0].minutes is None


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_who_cannot_read_care_minutes_cannot_write_them(
    request, trajectory, alice, bob, carol, persona
):
    meeting = _deadline_item_meeting(trajectory, alice, bob, carol)
    with pytest.raises(ServiceError) as caught:
        _record(meeting, request.getfixturevalue(persona), CARE)
    item = meeting.agenda_items.get()
    assert caught.value.field == f"verslag.{item.uuid}"
    assert "Alleen wie zorginhoud mag zien" in caught.value.message
    meeting.refresh_from_db()
    assert meeting.status == "gepland"
    _record(meeting, bob, CARE)  # probation may
    item.refresh_from_db()
    assert item.minutes == CARE


def test_the_record_form_has_no_minutes_field_for_care_for_the_pi(
    web, trajectory, alice, bob, carol
):
    with time_machine.travel(BEFORE, tick=False):
        meeting = plan_meeting(
            trajectory,
            alice,
            users=[alice, bob],
            agenda=[
                AgendaInput(
                    title="Zorg loopt door na vrijlating",
                    source="termijn",
                    source_ref="voor-vrijlating-zorg",
                    domain="zorg",
                ),
                AgendaInput(title="Woning"),
            ],
        )
    care, housing = meeting.agenda_items.all()
    url = f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag"
    with time_machine.travel(ON_THE_DAY, tick=False):
        form = web(alice).get(url).content.decode()
        assert f'name="verslag-{housing.uuid}"' in form
        assert f'name="verslag-{care.uuid}"' not in form
        assert "Alleen wie zorginhoud mag zien, schrijft hier een verslag." in form
        response = web(alice).post(
            url,
            {
                "datum": "2026-11-19",
                "tijd": "10:00",
                "versie": "1",
                **{f"aanwezig-{p.uuid}": "aanwezig" for p in meeting.participants.all()},
                f"verslag-{care.uuid}": CARE,  # posted anyway: ignored
                f"verslag-{housing.uuid}": "Huur loopt door.",
            },
        )
        assert response.status_code == 302
    care.refresh_from_db()
    housing.refresh_from_db()
    assert (care.minutes, housing.minutes) == ("", "Huur loopt door.")


def test_the_api_refuses_care_minutes_from_the_pi(api, trajectory, alice, bob, carol):
    meeting = _task_item_meeting(trajectory, alice, bob, carol)
    item = meeting.agenda_items.get()
    url = f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag"
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = api(alice).post(
            url,
            {"versie": 1, "verslag": [{"agendapunt": str(item.uuid), "tekst": CARE}]},
            format="json",
        )
    assert response.status_code == 400
    problem = response.json()["invalidParams"][0]
    assert problem["name"] == "verslag.0.tekst"
    assert "zorginhoud" in problem["reason"]
    item.refresh_from_db()
    assert item.minutes == ""
    meeting.refresh_from_db()
    assert meeting.status == "gepland"


def test_the_pi_records_a_meeting_with_a_care_item_left_empty(trajectory, alice, bob, carol):
    meeting = _task_item_meeting(trajectory, alice, bob, carol)
    _record(meeting, alice, "")
    meeting.refresh_from_db()
    assert meeting.status == "gehouden"
    assert meeting_view(meeting, alice).agenda[0].minutes_writable is False
    assert meeting_view(meeting, bob).agenda[0].minutes_writable is True
