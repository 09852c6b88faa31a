"""Phases move only along the allowed transitions; the lead is never empty (issue 2, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nieuwestart.trajectories.models import EventKind, JudicialTitle, Phase, Trajectory
from nieuwestart.trajectories.phases import (
    ALLOWED_TRANSITIONS,
    can_transition,
    case_lead_kind,
    phase_screen_targets,
)
from nieuwestart.trajectories.services import (
    ServiceError,
    trajectory_release,
    trajectory_transition,
)

TODAY = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def test_closed_is_final_and_every_phase_can_reach_closed():
    assert ALLOWED_TRANSITIONS[Phase.CLOSED] == frozenset()
    for phase in (Phase.INTAKE, Phase.PLAN, Phase.DETENTION, Phase.AFTER_RELEASE):
        assert can_transition(phase, Phase.CLOSED)
    assert not can_transition(Phase.AFTER_RELEASE, Phase.DETENTION)
    assert not can_transition(Phase.DETENTION, Phase.INTAKE)


def test_the_phase_screen_never_offers_release_or_closing():
    assert phase_screen_targets(Phase.INTAKE) == {Phase.PLAN}
    assert phase_screen_targets(Phase.PLAN) == {Phase.DETENTION}
    assert phase_screen_targets(Phase.DETENTION) == frozenset()
    assert phase_screen_targets(Phase.AFTER_RELEASE) == frozenset()


@pytest.mark.parametrize(
    ("phase", "title", "probation", "lead"),
    [
        (Phase.INTAKE, JudicialTitle.CONDITIONAL_RELEASE, True, "inrichting"),
        (Phase.DETENTION, JudicialTitle.NONE, False, "inrichting"),
        (Phase.AFTER_RELEASE, JudicialTitle.CONDITIONAL_RELEASE, True, "reclassering"),
        (Phase.AFTER_RELEASE, JudicialTitle.CONDITIONAL_SENTENCE, True, "reclassering"),
        (Phase.AFTER_RELEASE, JudicialTitle.NONE, True, "gemeente"),
        (Phase.AFTER_RELEASE, JudicialTitle.UNKNOWN, True, "gemeente"),
        # A judicial title but no probation organisation yet: the municipality leads, never nobody.
        (Phase.AFTER_RELEASE, JudicialTitle.CONDITIONAL_RELEASE, False, "gemeente"),
    ],
)
def test_case_lead_follows_the_report_table(phase, title, probation, lead):
    assert case_lead_kind(phase=phase, judicial_title=title, probation_involved=probation) == lead


@pytest.mark.django_db
def test_release_with_conditional_release_gives_lead_to_probation(trajectory, alice):
    Trajectory.objects.filter(pk=trajectory.pk).update(
        judicial_title=JudicialTitle.CONDITIONAL_RELEASE
    )
    trajectory.refresh_from_db()

    with time_machine.travel(TODAY, tick=False):
        released = trajectory_release(
            actor=alice, trajectory=trajectory, end_date=dt.date(2026, 11, 20), judicial_title=None
        )

    assert released.case_lead.code == "RN"
    kinds = list(released.events.values_list("kind", flat=True))
    assert EventKind.PHASE in kinds and EventKind.CASE_LEAD in kinds


@pytest.mark.django_db
def test_a_forbidden_transition_changes_nothing(trajectory, alice):
    trajectory_transition(actor=alice, trajectory=trajectory, to_phase=Phase.PLAN)
    with pytest.raises(ServiceError):
        trajectory_transition(actor=alice, trajectory=trajectory, to_phase=Phase.INTAKE)
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.PLAN
    assert trajectory.events.filter(kind=EventKind.PHASE).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to_phase", "code", "points_to"),
    [
        (Phase.AFTER_RELEASE, "use_release", "Vrijlating vastleggen"),
        (Phase.CLOSED, "use_close", "Traject afsluiten"),
    ],
)
def test_release_and_closing_are_not_phase_moves(trajectory, alice, to_phase, code, points_to):
    """Release needs a date and a judicial title, closing casusregie and a reason: each has its
    own service. The phase service refuses them and says where to go."""
    with pytest.raises(ServiceError) as exc:
        trajectory_transition(actor=alice, trajectory=trajectory, to_phase=to_phase)

    assert exc.value.code == code and points_to in exc.value.message
    trajectory.refresh_from_db()
    assert (trajectory.phase, trajectory.end_date, trajectory.case_lead.code) == (
        Phase.INTAKE,
        None,
        "PI-ALMELO",
    )
    assert not trajectory.events.filter(kind=EventKind.PHASE).exists()


@pytest.mark.django_db
def test_every_trajectory_has_both_leads(trajectory):
    assert trajectory.case_lead_id is not None
    assert trajectory.process_lead_id is not None
    field = Trajectory._meta.get_field("case_lead")
    assert field.null is False


@pytest.mark.django_db
def test_phase_screen_offers_no_release_or_closing_but_links_to_them(
    client, settings, trajectory, alice
):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)

    page = client.get(f"/trajecten/{trajectory.uuid}/fase").content.decode()

    assert 'value="plan"' in page
    assert 'value="na-detentie"' not in page and 'value="afgesloten"' not in page
    assert 'name="justitiele_titel"' not in page
    assert f'href="/trajecten/{trajectory.uuid}/vrijlaten"' in page
    # Before release the PI holds casusregie: it may close for death or transfer.
    assert f'href="/trajecten/{trajectory.uuid}/afsluiten"' in page


@pytest.mark.django_db
def test_phase_screen_does_not_release_with_an_unknown_title(client, settings, trajectory, alice):
    """Review finding: `fase=na-detentie` released with title `onbekend`, the municipality as
    lead and today as the release date, without the release form's checks."""
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)

    response = client.post(
        f"/trajecten/{trajectory.uuid}/fase",
        {"fase": "na-detentie", "justitiele_titel": "", "versie": trajectory.version},
    )

    assert response.status_code == 200
    assert "Deze fase kan nu niet." in response.content.decode()
    trajectory.refresh_from_db()
    assert (trajectory.phase, trajectory.end_date, trajectory.case_lead.code) == (
        Phase.INTAKE,
        None,
        "PI-ALMELO",
    )


@pytest.mark.django_db
def test_phase_screen_does_not_close_a_released_trajectory(client, settings, trajectory, alice):
    """Review finding: after release Enschede holds casusregie, yet the PI closed the trajectory
    on the phase screen, without a reason and without a Closure."""
    from nieuwestart.handover.models import Closure

    settings.REQUIRE_SECOND_FACTOR = False
    with time_machine.travel(TODAY, tick=False):
        released = trajectory_release(
            actor=alice,
            trajectory=trajectory,
            end_date=dt.date(2026, 11, 20),
            judicial_title=JudicialTitle.NONE,
        )
    assert released.case_lead.code == "GM0153"
    client.force_login(alice)
    url = f"/trajecten/{released.uuid}/fase"

    page = client.get(url).content.decode()
    response = client.post(url, {"fase": "afgesloten", "versie": released.version})

    assert 'value="afgesloten"' not in page
    assert "/afsluiten" not in page  # Enschede closes, not the PI
    assert "Het traject afsluiten doet Enschede" in page
    assert response.status_code == 200
    released.refresh_from_db()
    assert released.phase == Phase.AFTER_RELEASE
    assert not Closure.objects.filter(trajectory=released).exists()


@pytest.mark.django_db
def test_phase_form_refuses_a_jump_that_is_not_allowed(client, settings, trajectory, alice):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    response = client.post(
        f"/trajecten/{trajectory.uuid}/fase", {"fase": "detentie", "versie": trajectory.version}
    )
    assert response.status_code == 200
    assert "Deze fase kan nu niet." in response.content.decode()
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.INTAKE
