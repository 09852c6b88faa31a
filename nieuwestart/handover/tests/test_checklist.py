"""The handover checklist: derived from the screening and the plan, confirmed or corrected by
a partner before release, shown on the trajectory page when release is near."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.handover.checklist import CheckFacts, ConditionFacts, derive
from nieuwestart.handover.models import ReleaseOutcome
from nieuwestart.handover.selectors import checklist, release_near
from nieuwestart.handover.services import handover_check_record
from nieuwestart.handover.tests.case import end_notification, screen, task
from nieuwestart.screening.domains import SCHEMA
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import Conflict, ServiceError

NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _facts(**kwargs):
    base = {
        "code": "huisvesting",
        "screening_status": "hulp-nodig",
        "screening_status_label": "Hulp nodig",
        "screening_by": "",
        "screening_at": None,
    }
    return ConditionFacts(**{**base, **kwargs})


# --- The rule, without a database -------------------------------------------------------


def test_in_order_in_the_screening_is_in_order():
    derived = derive(_facts(screening_status="in-orde", screening_by="Alice Test, PI Almelo"))
    assert (derived.state, derived.arranged_by) == ("in-orde", "Alice Test, PI Almelo")


def test_all_plan_tasks_done_is_arranged_but_not_yet_in_order():
    derived = derive(_facts(tasks_total=2, tasks_done=2, task_organisations=("Enschede",)))
    assert derived.state == "geregeld"
    assert derived.arranged_by == "Enschede"


def test_open_tasks_leave_it_not_in_order_and_say_how_far_they_are():
    derived = derive(_facts(tasks_total=3, tasks_done=1))
    assert derived.state == "niet-in-orde"
    assert "1 van 3 taken" in derived.explanation


def test_never_screened_says_so():
    derived = derive(_facts(screening_status="onbekend", screening_status_label="Onbekend"))
    assert derived.state == "niet-in-orde"
    assert "Nog niet gescreend" in derived.explanation


def test_a_partner_check_wins_and_says_when_it_starts():
    check = CheckFacts(
        state="geregeld", in_place_on=dt.date(2026, 12, 1), by="Carol Test, Enschede", at=NOON
    )
    derived = derive(_facts(screening_status="in-orde", check=check))
    assert derived.state == "geregeld" and derived.confirmed
    assert "1 december 2026" in derived.explanation
    assert derived.arranged_by == "Carol Test, Enschede"


def test_a_later_screening_change_is_flagged_on_a_confirmation():
    check = CheckFacts(state="in-orde", in_place_on=None, by="x", at=NOON)
    later = derive(_facts(check=check, screening_at=NOON + dt.timedelta(hours=1)))
    earlier = derive(_facts(check=check, screening_at=NOON - dt.timedelta(hours=1)))
    assert later.screening_changed_since and not earlier.screening_changed_since


# --- With the database ------------------------------------------------------------------


@pytest.mark.django_db
def test_checklist_lists_every_basic_condition_of_the_screening(trajectory, alice):
    screen(alice, trajectory, identiteit="in-orde", huisvesting="aandacht")
    task(alice, trajectory, "inkomen", done=True)

    items = {i.code: i for i in checklist(trajectory, alice)}

    assert list(items) == list(SCHEMA)
    assert items["identiteit"].state == "in-orde"
    assert items["huisvesting"].state == "niet-in-orde"
    assert items["huisvesting"].help_question == "Hulpvraag huisvesting"
    assert items["inkomen"].state == "geregeld"
    assert items["identiteit"].deadline is not None
    assert items["identiteit"].deadline.code == "voor-vrijlating-id"


@pytest.mark.django_db
def test_a_partner_corrects_a_condition_with_a_note(trajectory, alice, carol):
    screen(alice, trajectory, huisvesting="hulp-nodig")

    handover_check_record(
        actor=carol,
        trajectory=trajectory,
        condition="huisvesting",
        state="geregeld",
        note="Kamer bij het Leger des Heils vanaf 1 december.",
        in_place_on=dt.date(2026, 12, 1),
        expected_version=0,
    )

    item = next(i for i in checklist(trajectory, alice) if i.code == "huisvesting")
    assert (item.state, item.confirmed, item.in_place_on) == (
        "geregeld",
        True,
        dt.date(2026, 12, 1),
    )
    assert item.note == "Kamer bij het Leger des Heils vanaf 1 december."
    assert item.arranged_by == "Carol Test, Enschede"
    assert ProcessingLogEntry.objects.filter(
        trajectory_uuid=trajectory.uuid, purpose="overdracht vastleggen", user=carol
    ).exists()


@pytest.mark.django_db
def test_a_correction_needs_a_note_unless_in_order(trajectory, carol):
    with pytest.raises(ServiceError) as exc:
        handover_check_record(
            actor=carol, trajectory=trajectory, condition="identiteit", state="niet-in-orde"
        )
    assert exc.value.field == "toelichting"
    handover_check_record(
        actor=carol, trajectory=trajectory, condition="identiteit", state="in-orde"
    )


@pytest.mark.django_db
def test_two_partners_at_once_the_second_gets_a_conflict(trajectory, alice, carol):
    handover_check_record(
        actor=carol,
        trajectory=trajectory,
        condition="identiteit",
        state="in-orde",
        expected_version=0,
    )
    with pytest.raises(Conflict):
        handover_check_record(
            actor=alice,
            trajectory=trajectory,
            condition="identiteit",
            state="niet-in-orde",
            note="Paspoort verlopen",
            expected_version=0,
        )


@pytest.mark.django_db
def test_a_confirmed_state_is_the_outcome_at_release(trajectory, alice, carol, justid, payload):
    handover_check_record(
        actor=carol,
        trajectory=trajectory,
        condition="inkomen",
        state="geregeld",
        note="Bijstand gaat in op de dag van vrijlating.",
    )
    end_notification(justid, payload)

    row = ReleaseOutcome.objects.get(trajectory=trajectory, condition="inkomen")
    assert (row.outcome, row.confirmed) == ("geregeld", True)
    assert row.note == "Bijstand gaat in op de dag van vrijlating."


@pytest.mark.django_db
def test_after_release_the_checklist_is_frozen(trajectory, carol, justid, payload):
    end_notification(justid, payload)
    with pytest.raises(ServiceError) as exc:
        handover_check_record(
            actor=carol, trajectory=trajectory, condition="identiteit", state="in-orde"
        )
    assert exc.value.code == "released"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("author", "reader", "reads_note"),
    [
        # Probation sees care content (zorginhoud) in full: it reads every care note.
        ("bob", "bob", True),
        ("carol", "bob", True),
        ("alice", "bob", True),
        # The PI casemanager and the municipality see care content only as a signal: they
        # read their own organisation's note, and of another's only that there is one.
        ("bob", "alice", False),
        ("carol", "alice", False),
        ("alice", "alice", True),
        ("bob", "carol", False),
        ("alice", "carol", False),
        ("carol", "carol", True),
    ],
)
def test_a_care_note_is_read_by_probation_and_its_author_only(
    trajectory, author, reader, reads_note, request
):
    note = "Wacht op intake verslavingszorg Tactus (alcohol)."
    handover_check_record(
        actor=request.getfixturevalue(author),
        trajectory=trajectory,
        condition="zorg",
        state="niet-in-orde",
        note=note,
    )

    item = next(
        i for i in checklist(trajectory, request.getfixturevalue(reader)) if i.code == "zorg"
    )

    assert item.state == "niet-in-orde"  # the state is a signal every partner sees
    assert item.note == (note if reads_note else "")
    assert item.note_hidden is not reads_note


@pytest.mark.django_db
def test_the_handover_page_shows_the_pi_that_there_is_a_care_note_but_not_what(
    client, trajectory, alice, bob
):
    handover_check_record(
        actor=bob,
        trajectory=trajectory,
        condition="zorg",
        state="geregeld",
        note="Intake bij Tactus op 2 december.",
    )
    client.force_login(alice)
    page = client.get(f"/trajecten/{trajectory.uuid}/overdracht").content.decode()
    assert "Tactus" not in page
    assert "De toelichting gaat over zorg. Die ziet alleen de reclassering" in page


@pytest.mark.django_db
def test_release_is_near_within_the_pre_release_window(trajectory):
    assert not release_near(trajectory, today=dt.date(2026, 11, 22))  # 15 March 2027
    Trajectory.objects.filter(pk=trajectory.pk).update(expected_end_date=dt.date(2026, 12, 31))
    trajectory.refresh_from_db()
    assert release_near(trajectory, today=dt.date(2026, 11, 22))


# --- Web --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_trajectory_page_shows_the_checklist_only_when_release_is_near(client, trajectory, mia):
    client.force_login(mia)
    url = f"/trajecten/{trajectory.uuid}"
    far = client.get(url).content.decode()
    assert "De overdrachtslijst verschijnt hier als de vrijlating dichtbij komt." in far
    assert "Stand per basisvoorwaarde bij vrijlating" not in far

    Trajectory.objects.filter(pk=trajectory.pk).update(expected_end_date=dt.date(2026, 12, 20))
    near = client.get(url).content.decode()
    assert "Stand per basisvoorwaarde bij vrijlating" in near
    assert "Vrijlating vastleggen" not in near  # the mentor may not release


@pytest.mark.django_db
def test_trajectory_page_shows_the_outcome_after_release(
    client, trajectory, carol, justid, payload
):
    end_notification(justid, payload)
    client.force_login(carol)
    page = client.get(f"/trajecten/{trajectory.uuid}").content.decode()
    assert "Uitkomst per basisvoorwaarde bij vrijlating" in page
    assert "einde-detentiemelding" in page
    assert "Traject afsluiten" in page  # Enschede now holds casusregie


@pytest.mark.django_db
def test_check_form_saves_and_goes_back_to_the_list(client, trajectory, bob):
    client.force_login(bob)
    url = f"/trajecten/{trajectory.uuid}/overdracht/inkomen"
    assert "Werk en inkomen bij vrijlating" in client.get(url).content.decode()

    response = client.post(
        url, {"stand": "geregeld", "toelichting": "Uitkering aangevraagd.", "versie": 0}
    )

    assert response.status_code == 302
    page = client.get(f"/trajecten/{trajectory.uuid}/overdracht").content.decode()
    assert "Uitkering aangevraagd." in page
    assert "Bob Test, Reclassering Nederland" in page


@pytest.mark.django_db
def test_check_form_conflict_keeps_the_input(client, trajectory, bob, carol):
    handover_check_record(actor=carol, trajectory=trajectory, condition="inkomen", state="in-orde")
    client.force_login(bob)
    response = client.post(
        f"/trajecten/{trajectory.uuid}/overdracht/inkomen",
        {"stand": "niet-in-orde", "toelichting": "Nog geen aanvraag gedaan.", "versie": 0},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft de overdrachtslijst net gewijzigd." in page
    assert "Nog geen aanvraag gedaan." in page
    assert 'name="versie" value="1"' in page


@pytest.mark.django_db
def test_check_form_for_an_unknown_condition_is_404(client, trajectory, bob):
    client.force_login(bob)
    assert client.get(f"/trajecten/{trajectory.uuid}/overdracht/fietsen").status_code == 404
