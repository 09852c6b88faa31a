"""The meeting screens: the block on the trajectory page, planning with the agenda proposal,
the meeting pack (HTML and PDF), recording once, a conflict that keeps the input, and what a
municipality sees of care."""

from __future__ import annotations

import io

import pytest
import time_machine

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.meetings.models import Meeting
from nieuwestart.meetings.tests.case import BEFORE, ON_THE_DAY, care_task, plan_meeting
from nieuwestart.plans.models import PlanTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, settings):
    settings.REQUIRE_SECOND_FACTOR = False

    def login(user):
        client.force_login(user)
        return client

    return login


def _task(trajectory, actor, what, domain="identiteit", organisation=None):
    from nieuwestart.plans.services import plan_task_add

    return plan_task_add(
        actor=actor,
        trajectory=trajectory,
        expected_version=None,
        domain=domain,
        what=what,
        organisation=organisation or actor.organisation,
    )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_trajectory_page_offers_to_plan_and_shows_the_next_meeting(web, trajectory, alice):
    page = web(alice).get(f"/trajecten/{trajectory.uuid}").content.decode()
    assert "Overleggen" in page and "Overleg plannen" in page
    assert "Er is geen overleg gepland." in page
    with time_machine.travel(BEFORE, tick=False):
        plan_meeting(trajectory, alice, users=[alice])
        page = web(alice).get(f"/trajecten/{trajectory.uuid}").content.decode()
    assert "MDO (multidisciplinair overleg)" in page and "PI Almelo, spreekkamer 2" in page


def test_the_plan_form_proposes_open_tasks_and_deadlines(web, trajectory, alice, bob, carol):
    task = _task(trajectory, alice, "Nieuwe ID-kaart aanvragen")
    with time_machine.travel(BEFORE, tick=False):
        client = web(alice)
        form = client.get(f"/trajecten/{trajectory.uuid}/overleggen/nieuw").content.decode()
        assert "Nieuwe ID-kaart aanvragen" in form
        assert "Screening basisvoorwaarden afgerond" in form  # due within six weeks
        assert f'value="taak:{task.uuid}"' in form and "checked" in form
        response = client.post(
            f"/trajecten/{trajectory.uuid}/overleggen/nieuw",
            {
                "soort": "mdo",
                "datum": "2026-11-19",
                "tijd": "10:00",
                "locatie": "PI Almelo, spreekkamer 2",
                "link": "https://meet.example/mdo",
                "deelnemers": [f"user:{alice.uuid}", f"user:{bob.uuid}", f"user:{carol.uuid}"],
                "gedetineerde": "on",
                "anderen": "Sanne Jansen, Domijn",
                "agenda": [f"taak:{task.uuid}", "vrij:rondvraag"],
                "extra": "Verlof bespreken",
            },
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}"
    assert [i.title for i in meeting.agenda_items.all()] == [
        "Nieuwe ID-kaart aanvragen",
        "Verlof bespreken",
        "Rondvraag",
    ]
    assert meeting.agenda_items.first().source_ref == str(task.uuid)
    assert [p.name for p in meeting.participants.all()][-2:] == ["Jan de Vries", "Sanne Jansen"]


def test_an_http_link_is_refused_and_the_input_is_kept(web, trajectory, alice):
    response = web(alice).post(
        f"/trajecten/{trajectory.uuid}/overleggen/nieuw",
        {
            "soort": "trajectoverleg",
            "datum": "2026-11-19",
            "tijd": "10:00",
            "link": "http://meet.example/open",
            "gedetineerde": "on",
            "extra": "Woning",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vul een link in die begint met https://." in page
    assert 'value="http://meet.example/open"' in page
    assert not Meeting.objects.exists()


def _record_data(meeting, minutes="Plan besproken.", **extra):
    data = {"datum": "2026-11-19", "tijd": "10:00", "versie": str(meeting.version)}
    for p in meeting.participants.all():
        data[f"aanwezig-{p.uuid}"] = "aanwezig"
    for item in meeting.agenda_items.all():
        data[f"verslag-{item.uuid}"] = minutes
    data.update(extra)
    return data


def test_recording_turns_a_decision_into_a_plan_task(web, trajectory, alice, bob, carol):
    meeting = plan_meeting(trajectory, alice, users=[alice, bob, carol])
    with time_machine.travel(ON_THE_DAY, tick=False):
        client = web(bob)
        assert (
            client.get(
                f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag"
            ).status_code
            == 200
        )
        response = client.post(
            f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag",
            _record_data(
                meeting,
                **{
                    "besluit-1-tekst": "Intake bij de schuldhulpverlening plannen",
                    "besluit-1-domein": "financien",
                    "besluit-1-wie": f"org:{carol.organisation.uuid}",
                    "besluit-1-uiterlijk": "2026-12-10",
                },
            ),
        )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    task = PlanTask.objects.get(what="Intake bij de schuldhulpverlening plannen")
    assert (task.organisation, task.domain) == (carol.organisation, "financien")
    assert "Intake bij de schuldhulpverlening plannen" in page and "Plan besproken." in page
    assert "Verslag vastleggen" not in page  # written once
    plan = web(alice).get(f"/trajecten/{trajectory.uuid}/plan").content.decode()
    assert "Intake bij de schuldhulpverlening plannen" in plan


def test_a_second_recorder_gets_a_conflict_and_keeps_the_input(web, trajectory, alice, bob):
    meeting = plan_meeting(trajectory, alice, users=[alice, bob])
    stale = _record_data(meeting, minutes="Mijn eigen aantekeningen van Bob")
    with time_machine.travel(ON_THE_DAY, tick=False):
        first = web(alice).post(
            f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag",
            _record_data(meeting, minutes="Verslag van Alice"),
        )
        assert first.status_code == 302
        response = web(bob).post(
            f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag", stale
        )
    page = response.content.decode()
    assert response.status_code == 409
    assert "al vastgelegd" in page
    assert "Mijn eigen aantekeningen van Bob" in page
    assert meeting.agenda_items.first().minutes == "Verslag van Alice"


def test_the_pack_has_the_agenda_the_plan_and_room_for_notes(web, trajectory, alice, bob):
    _task(trajectory, alice, "Nieuwe ID-kaart aanvragen")
    meeting = plan_meeting(trajectory, alice, users=[alice, bob])
    client = web(alice)
    html = client.get(
        f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/pakket"
    ).content.decode()
    for text in (
        "Voortgang van het plan",
        "Rondvraag",
        "Nieuwe ID-kaart aanvragen",
        "Volgende stap:",
        "Jan de Vries",
    ):
        assert text in html
    assert html.count("ns-pack__notes") >= 3  # one per agenda item and for decisions
    response = client.get(f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/pakket.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "OVERLEGPAKKET" in text  # the kicker is set in capitals
    for expected in (
        "Voortgang van het plan",
        "Rondvraag",
        "Nieuwe ID-kaart aanvragen",
    ):
        assert expected in text
    entry = ProcessingLogEntry.objects.filter(purpose="overleg").latest("pk")
    assert (entry.action, entry.detail) == ("exporteren", "overlegpakket als PDF")


def test_a_municipality_does_not_see_the_care_content_of_another_organisation(
    web, trajectory, alice, bob, carol
):
    from nieuwestart.meetings.services import AgendaInput

    task = care_task(trajectory, bob, bob.organisation)
    meeting = plan_meeting(
        trajectory,
        alice,
        users=[alice, bob, carol],
        agenda=[
            AgendaInput(
                title=task.what,
                source="taak",
                source_ref=str(task.uuid),
                domain="zorg",
                organisation_id=bob.organisation.pk,
            ),
            AgendaInput(title="Woning"),
        ],
    )
    care_item = meeting.agenda_items.first()
    data = _record_data(meeting, minutes="Huur wordt doorbetaald.")
    data[f"verslag-{care_item.uuid}"] = "Behandeling loopt, medicatie aangepast"
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = web(bob).post(
            f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag", data
        )
    assert response.status_code == 302
    base = f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}"
    for page in (
        web(carol).get(base).content.decode(),
        web(carol).get(f"{base}/pakket").content.decode(),
        pdf_text(web(carol).get(f"{base}/pakket.pdf").content),
    ):
        assert "GGZ-behandeling" not in page
        assert "medicatie" not in page
        assert "Vervolg van zorg na detentie" in page
    assert "inhoud alleen voor wie zorginhoud mag zien" in web(carol).get(base).content.decode()
    # The PI sees the plan in full, so the task's title, but care content only as a signal.
    alice_page = web(alice).get(base).content.decode()
    assert "GGZ-behandeling bij Mediant loopt door" in alice_page
    assert "medicatie aangepast" not in alice_page
    assert "inhoud alleen voor wie zorginhoud mag zien" in alice_page
    assert "medicatie aangepast" in web(bob).get(base).content.decode()
    care_item.refresh_from_db()
    assert care_item.title == "GGZ-behandeling bij Mediant loopt door"  # stored as written
    assert "Huur wordt doorbetaald." in web(carol).get(base).content.decode()


def test_reads_are_logged_with_their_purpose(web, trajectory, alice, carol):
    meeting = plan_meeting(trajectory, alice, users=[alice])
    web(carol).get(f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}")
    entry = ProcessingLogEntry.objects.filter(purpose="overleg", user_id=carol.pk).latest("pk")
    assert (entry.action, entry.result, entry.trajectory_uuid) == (
        "raadplegen",
        "toegestaan",
        trajectory.uuid,
    )
    assert "plan" in entry.categories and "contacten" in entry.categories


def test_cancelling_says_why(web, trajectory, alice, carol):
    meeting = plan_meeting(trajectory, alice, users=[alice, carol])
    response = web(carol).post(
        f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/afgelasten",
        {"reden": "Gedetineerde is overgeplaatst.", "versie": "1"},
    )
    assert response.status_code == 302
    page = web(alice).get(response["Location"]).content.decode()
    assert "Afgelast" in page and "Gedetineerde is overgeplaatst." in page
