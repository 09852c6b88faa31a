"""Access to one referral (web and API), per persona: the routes the shared access matrix
cannot reach because they need a referral first."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user"]
INVOLVED = {"alice", "mia", "bob", "carol"}


def _user(request, persona):
    return None if persona == "anonymous" else request.getfixturevalue(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_one_referral(request, api, trajectory, alice, refer, persona):
    referral = refer(alice)
    client = api(_user(request, persona))
    url = f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen/{referral.uuid}"
    read = client.get(url)
    change = client.patch(url, {"status": "op-wachtlijst", "versie": 1}, format="json")
    if persona == "anonymous":
        expected = (401, 401)
    elif persona in INVOLVED:
        expected = (200, 200)
    else:
        expected = (404, 404)
    assert (read.status_code, change.status_code) == expected
    if expected[0] >= 400:
        assert read["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("persona", PERSONAS)
def test_web_one_referral(request, client, settings, trajectory, alice, refer, persona):
    settings.REQUIRE_SECOND_FACTOR = False
    referral = refer(alice)
    user = _user(request, persona)
    if user is not None:
        client.force_login(user)
    url = f"/trajecten/{trajectory.uuid}/verwijzingen/{referral.uuid}"
    response = client.get(url)
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in INVOLVED:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_uninvolved_attempt_is_logged_as_not_visible(api, trajectory, alice, dave, refer):
    from nieuwestart.audit.models import ProcessingLogEntry

    referral = refer(alice)
    api(dave).get(f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen/{referral.uuid}")
    entry = ProcessingLogEntry.objects.filter(user=dave).latest("pk")
    assert entry.result == "niet-zichtbaar"
