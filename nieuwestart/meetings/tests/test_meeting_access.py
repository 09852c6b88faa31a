"""Every persona on the routes of one meeting (they need a meeting, so they are not in the
shared access matrix). Involved case roles may read and record; everyone else gets 404, the
same as for a trajectory that does not exist; anonymous users 401 or the login page."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from nieuwestart.meetings.tests.case import ON_THE_DAY, plan_meeting

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user"]
INVOLVED = {"alice", "mia", "bob", "carol"}


def _expect(persona: str, involved: int, anonymous: int) -> int:
    if persona == "anonymous":
        return anonymous
    return involved if persona in INVOLVED else 404


WEB = [
    ("get", "", 200),
    ("get", "/pakket", 200),
    ("get", "/pakket.pdf", 200),
    ("get", "/verslag", 200),
    ("post", "/verslag", 200),  # the form comes back with its errors
    ("post", "/afgelasten", 302),  # back to the meeting, with a message
]
API = [
    ("get", "", 200),
    ("post", "/verslag", 428),  # passed the access check; the version is missing
    ("post", "/afgelasten", 428),
]


@pytest.fixture
def meeting(trajectory, alice, bob, carol):
    return plan_meeting(trajectory, alice, users=[alice, bob, carol])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "suffix", "status"), WEB)
def test_web_routes_of_one_meeting(
    request, client, settings, trajectory, meeting, persona, method, suffix, status
):
    settings.REQUIRE_SECOND_FACTOR = False
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}{suffix}"
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = getattr(client, method)(url, {})
    assert response.status_code == _expect(persona, status, 302)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "suffix", "status"), API)
def test_api_routes_of_one_meeting(
    request, api, trajectory, meeting, persona, method, suffix, status
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    url = f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}{suffix}"
    body = {"reden": "Gaat niet door"} if suffix == "/afgelasten" else {}
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = getattr(api(user), method)(url, body, format="json")
    assert response.status_code == _expect(persona, status, 401), response.content[:300]
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"


def test_a_meeting_of_another_trajectory_or_an_unknown_one_is_not_found(
    api, client, settings, trajectory, meeting, alice, payload, justid
):
    import datetime as dt

    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    other, _ = notification_receive(
        actor=justid,
        notification=validate_notification(
            payload(meldingId="ANDER-1", persoon={"bsn": "999990019"}), today=dt.date(2026, 11, 22)
        ),
    )
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    assert client.get(f"/trajecten/{other.uuid}/overleggen/{meeting.uuid}").status_code == 404
    assert client.get(f"/trajecten/{trajectory.uuid}/overleggen/{uuid.uuid4()}").status_code == 404
    response = api(alice).get(f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{uuid.uuid4()}")
    assert response.status_code == 404


def test_dave_cannot_tell_a_meeting_from_nothing(api, trajectory, meeting, dave):
    client = api(dave)
    hidden = client.get(f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}")
    missing = client.get(f"/api/v1/trajecten/{uuid.uuid4()}/overleggen/{uuid.uuid4()}")
    strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert hidden.status_code == missing.status_code == 404
    assert strip(hidden) == strip(missing)
