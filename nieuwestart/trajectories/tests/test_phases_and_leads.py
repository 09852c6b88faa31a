"""Phases move only along the allowed transitions; the lead is never empty (issue 2, item 4)."""

from __future__ import annotations

import pytest

from nieuwestart.trajectories.models import EventKind, JudicialTitle, Phase, Trajectory
from nieuwestart.trajectories.phases import ALLOWED_TRANSITIONS, can_transition, case_lead_kind
from nieuwestart.trajectories.services import ServiceError, trajectory_transition


def test_closed_is_final_and_every_phase_can_reach_closed():
    assert ALLOWED_TRANSITIONS[Phase.CLOSED] == frozenset()
    for phase in (Phase.INTAKE, Phase.PLAN, Phase.DETENTION, Phase.AFTER_RELEASE):
        assert can_transition(phase, Phase.CLOSED)
    assert not can_transition(Phase.AFTER_RELEASE, Phase.DETENTION)
    assert not can_transition(Phase.DETENTION, Phase.INTAKE)


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

    released = trajectory_transition(
        actor=alice, trajectory=trajectory, to_phase=Phase.AFTER_RELEASE
    )

    assert released.case_lead.code == "RN"
    kinds = list(released.events.values_list("kind", flat=True))
    assert EventKind.PHASE in kinds and EventKind.CASE_LEAD in kinds


@pytest.mark.django_db
def test_a_forbidden_transition_changes_nothing(trajectory, alice):
    trajectory_transition(actor=alice, trajectory=trajectory, to_phase=Phase.CLOSED)
    with pytest.raises(ServiceError):
        trajectory_transition(actor=alice, trajectory=trajectory, to_phase=Phase.PLAN)
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.CLOSED
    assert trajectory.events.filter(kind=EventKind.PHASE).count() == 1


@pytest.mark.django_db
def test_every_trajectory_has_both_leads(trajectory):
    assert trajectory.case_lead_id is not None
    assert trajectory.process_lead_id is not None
    field = Trajectory._meta.get_field("case_lead")
    assert field.null is False


@pytest.mark.django_db
def test_casemanager_releases_by_hand_with_judicial_title_and_probation_takes_the_lead(
    client, settings, trajectory, alice
):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    url = f"/trajecten/{trajectory.uuid}/fase"
    page = client.get(url).content.decode()
    assert (
        'value="plan"' in page and 'value="afgesloten"' in page and 'value="detentie"' not in page
    )

    response = client.post(
        url,
        {
            "fase": "na-detentie",
            "justitiele_titel": "vi",
            "toelichting": "Vrij met v.i.",
            "versie": trajectory.version,
        },
    )

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert (trajectory.phase, trajectory.judicial_title, trajectory.case_lead.code) == (
        "na-detentie",
        "vi",
        "RN",
    )
    assert trajectory.events.filter(kind=EventKind.JUDICIAL_TITLE).exists()


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
