"""Closing: only the organisation that holds casusregie, after release, with a reason; in the
history and the processing log."""

from __future__ import annotations

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.handover.models import Closure
from nieuwestart.handover.services import NotCaseLead, trajectory_close
from nieuwestart.handover.tests.case import end_notification
from nieuwestart.trajectories.models import EventKind, Phase
from nieuwestart.trajectories.services import (
    Conflict,
    ServiceError,
    trajectory_close_phase,
    trajectory_transition,
)


@pytest.fixture
def released(trajectory, justid, payload):
    """Released through the `einde` notification without a judicial title: Enschede leads."""
    return end_notification(justid, payload)


@pytest.mark.django_db
def test_the_case_lead_closes_with_a_reason(released, carol):
    closed = trajectory_close(
        actor=carol,
        trajectory=released,
        reason="nazorg-afgerond",
        note="Woont zelfstandig, heeft werk.",
        expected_version=released.version,
    )

    assert closed.phase == Phase.CLOSED
    closure = Closure.objects.get(trajectory=closed)
    assert (closure.reason, closure.closed_by) == ("nazorg-afgerond", carol)
    assert closure.note == "Woont zelfstandig, heeft werk."
    event = closed.events.filter(kind=EventKind.PHASE).first()
    assert event.to_value == "Afgesloten"
    # Every partner reads the history: it gets the reason, the note stays on the Closure.
    assert event.reason == "Nazorg afgerond"
    assert not closed.events.filter(reason__contains="zelfstandig").exists()
    assert ProcessingLogEntry.objects.filter(
        trajectory_uuid=closed.uuid, purpose="traject afsluiten", user=carol
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_others_get_a_clear_refusal(released, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotCaseLead) as exc:
        trajectory_close(actor=user, trajectory=released, reason="nazorg-afgerond")
    assert "Alleen Enschede kan dit traject afsluiten" in exc.value.message
    released.refresh_from_db()
    assert released.phase == Phase.AFTER_RELEASE


@pytest.mark.django_db
def test_other_reason_needs_a_note(released, carol):
    with pytest.raises(ServiceError) as exc:
        trajectory_close(actor=carol, trajectory=released, reason="anders")
    assert exc.value.field == "toelichting"


@pytest.mark.django_db
def test_closing_before_release_only_for_death_or_transfer(trajectory, alice):
    with pytest.raises(ServiceError) as exc:
        trajectory_close(actor=alice, trajectory=trajectory, reason="nazorg-afgerond")
    assert exc.value.code == "not_released"

    closed = trajectory_close(actor=alice, trajectory=trajectory, reason="overleden")
    assert closed.phase == Phase.CLOSED


@pytest.mark.django_db
def test_closing_twice_or_with_a_stale_version_is_refused(released, carol):
    with pytest.raises(Conflict):
        trajectory_close(
            actor=carol,
            trajectory=released,
            reason="nazorg-afgerond",
            expected_version=released.version - 1,
        )
    trajectory_close(actor=carol, trajectory=released, reason="nazorg-afgerond")
    with pytest.raises(ServiceError) as exc:
        trajectory_close(actor=carol, trajectory=released, reason="nazorg-afgerond")
    assert exc.value.code == "already_closed"


@pytest.mark.django_db
def test_closing_is_not_a_phase_move(released, carol):
    """Only `trajectory_close` closes: it checks the reason and writes the Closure."""
    with pytest.raises(ServiceError) as exc:
        trajectory_transition(actor=carol, trajectory=released, to_phase=Phase.CLOSED)
    assert exc.value.code == "use_close"
    released.refresh_from_db()
    assert released.phase == Phase.AFTER_RELEASE


@pytest.mark.django_db
def test_the_phase_part_of_closing_checks_casusregie_itself(released, alice):
    with pytest.raises(ServiceError) as exc:
        trajectory_close_phase(actor=alice, trajectory=released, reason_label="Overleden")
    assert exc.value.code == "not_case_lead"
    released.refresh_from_db()
    assert released.phase == Phase.AFTER_RELEASE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "reads_note"), [("carol", True), ("alice", False), ("bob", False)]
)
def test_only_the_closing_organisation_reads_the_closing_note(
    client, api, released, carol, persona, reads_note, request
):
    trajectory_close(
        actor=carol,
        trajectory=released,
        reason="anders",
        note="Verhuisd naar familie in Duitsland.",
    )
    user = request.getfixturevalue(persona)
    client.force_login(user)

    page = client.get(f"/trajecten/{released.uuid}/overdracht").content.decode()
    closing = api(user).get(f"/api/v1/trajecten/{released.uuid}/overdracht").json()["afsluiting"]

    assert "Anders" in page and closing["reden"] == "anders"
    assert ("Verhuisd naar familie" in page) is reads_note
    assert (closing["toelichting"] == "Verhuisd naar familie in Duitsland.") is reads_note
    assert closing["toelichtingVerborgen"] is not reads_note
    if not reads_note:
        assert closing["toelichting"] == ""
        assert "Die ziet alleen de organisatie die het traject afsloot." in page


@pytest.mark.django_db
def test_close_form_warns_not_to_write_care_content(client, released, carol):
    client.force_login(carol)
    page = client.get(f"/trajecten/{released.uuid}/afsluiten").content.decode()
    assert "Schrijf hier geen zorginhoud" in page


# --- Web --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_close_page_for_a_partner_without_the_lead_explains_who_closes(client, released, bob):
    client.force_login(bob)
    page = client.get(f"/trajecten/{released.uuid}/afsluiten").content.decode()
    assert "Alleen Enschede kan dit traject afsluiten" in page
    assert 'name="reden"' not in page


@pytest.mark.django_db
def test_close_form_closes_and_shows_it_on_the_trajectory_page(client, released, carol):
    client.force_login(carol)
    url = f"/trajecten/{released.uuid}/afsluiten"
    invalid = client.post(url, {"reden": "anders", "versie": released.version})
    assert "Schrijf kort op waarom het traject stopt." in invalid.content.decode()

    response = client.post(url, {"reden": "overgeplaatst", "versie": released.version})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Afgesloten" in page and "Overgeplaatst of uitgezet" in page
