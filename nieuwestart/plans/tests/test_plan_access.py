"""Access to the plan URLs that need a task or a version, for every persona.

These are left out of the generic access matrix (tests/test_access_matrix.py) because the URL
needs setup: .../plan/taken/{taakId} (API), .../plan/versies/{nummer} (API and web).
Not involved or not in a case role: 404, as if nothing existed. Involved: the plan's rules.
"""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.django_db

HIDDEN = ["dave", "priya", "justid", "admin_user"]


@pytest.fixture
def established(trajectory, alice):
    """A plan with one task, established as version 1 and then 2."""
    from nieuwestart.plans.services import plan_establish, plan_task_add, plan_update

    plan_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        sections={"meeting_frequency_weeks": 6, "behaviour_goals": "Geen agressie."},
    )
    plan_establish(actor=alice, trajectory=trajectory, expected_version=1)
    task = plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=2,
        domain="identiteit",
        what="ID-kaart aanvragen",
        for_detainee=True,
    )
    plan_establish(actor=alice, trajectory=trajectory, expected_version=3)
    return task


def _persona(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("alice", 200), ("mia", 200), ("bob", 200), ("carol", 200)]
    + [(p, 404) for p in HIDDEN],
)
def test_api_task_change(request, api, trajectory, established, persona, expected):
    user = _persona(request, persona)
    url = f"/api/v1/trajecten/{trajectory.uuid}/plan/taken/{established.uuid}"
    response = api(user).patch(url, {"versie": 4, "status": "bezig"}, format="json")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("alice", 204), ("mia", 204), ("bob", 204), ("carol", 204)]
    + [(p, 404) for p in HIDDEN],
)
def test_api_task_remove(request, api, trajectory, established, persona, expected):
    user = _persona(request, persona)
    url = f"/api/v1/trajecten/{trajectory.uuid}/plan/taken/{established.uuid}"
    response = api(user).delete(url, HTTP_IF_MATCH=f'"{trajectory.uuid}-p4"')
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("alice", 200), ("mia", 200), ("bob", 200), ("carol", 200)]
    + [(p, 404) for p in HIDDEN],
)
def test_api_version(request, api, trajectory, established, persona, expected):
    user = _persona(request, persona)
    response = api(user).get(f"/api/v1/trajecten/{trajectory.uuid}/plan/versies/2")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("alice", 200), ("mia", 200), ("bob", 200), ("carol", 200)]
    + [(p, 404) for p in HIDDEN],
)
def test_web_version(request, client, settings, trajectory, established, persona, expected):
    settings.REQUIRE_SECOND_FACTOR = False
    user = _persona(request, persona)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/trajecten/{trajectory.uuid}/plan/versies/1")
    assert response.status_code == expected


def test_unknown_task_and_version_are_404(api, client, settings, trajectory, established, alice):
    settings.REQUIRE_SECOND_FACTOR = False
    base = f"/api/v1/trajecten/{trajectory.uuid}/plan"
    unknown = api(alice).patch(
        f"{base}/taken/{uuid.uuid4()}", {"versie": 4, "status": "klaar"}, format="json"
    )
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"
    assert api(alice).get(f"{base}/versies/9").status_code == 404
    client.force_login(alice)
    assert client.get(f"/trajecten/{trajectory.uuid}/plan/versies/9").status_code == 404


def test_a_task_of_another_trajectory_is_not_found(
    api, trajectory, established, alice, justid, payload
):
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    other, _ = notification_receive(
        actor=justid,
        notification=validate_notification(
            payload(meldingId="ANDER-1", persoon={"bsn": "999990019"}),
            today=trajectory.start_date,
        ),
    )
    url = f"/api/v1/trajecten/{other.uuid}/plan/taken/{established.uuid}"
    response = api(alice).patch(url, {"versie": 0, "status": "klaar"}, format="json")
    assert response.status_code == 404
    established.refresh_from_db()
    assert established.status == "open"


def test_municipality_version_view_keeps_behaviour_goals_summarised(
    api, client, settings, trajectory, established, carol
):
    body = api(carol).get(f"/api/v1/trajecten/{trajectory.uuid}/plan/versies/1").json()
    assert body["plan"]["gedragsdoelen"] == "Er zijn gedragsdoelen afgesproken."
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(carol)
    page = client.get(f"/trajecten/{trajectory.uuid}/plan/versies/1").content.decode()
    assert "agressie" not in page
    assert "Er zijn gedragsdoelen afgesproken." in page


def test_municipality_cannot_change_a_care_task_it_cannot_read(api, trajectory, alice, carol):
    from nieuwestart.plans.models import PlanTask
    from nieuwestart.plans.services import plan_task_add

    task = plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        domain="zorg",
        what="Intake verslavingszorg",
        organisation=trajectory.prison,
    )
    url = f"/api/v1/trajecten/{trajectory.uuid}/plan/taken/{task.uuid}"
    response = api(carol).patch(url, {"versie": 1, "wat": "Iets anders"}, format="json")
    assert response.status_code == 403
    assert api(carol).delete(url, HTTP_IF_MATCH=f'"{trajectory.uuid}-p1"').status_code == 403
    assert PlanTask.objects.get().what == "Intake verslavingszorg"
