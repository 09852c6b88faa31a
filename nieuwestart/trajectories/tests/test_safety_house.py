"""A municipality that lets its safety house coordinate aftercare: the ZVH is involved and leads
the process (DOMAIN.md: the ZVH may coordinate instead of the municipality)."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.organisations.models import Organisation
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive


@pytest.mark.django_db
def test_safety_house_sees_and_leads_the_process_for_its_municipality(
    api, justid, make_user, payload
):
    Organisation.objects.filter(code="GM0307").update(aftercare_via_safety_house=True)
    director = make_user("zvh", "ZVH-UTRECHT", "procesregisseur")
    amersfoort = make_user("amf", "GM0307", "nazorgcoordinator")
    notification = validate_notification(
        payload(gemeenteVanInschrijving="GM0307"), today=dt.date(2026, 11, 22)
    )

    trajectory, _ = notification_receive(actor=justid, notification=notification)

    assert trajectory.process_lead.code == "ZVH-UTRECHT"
    for user in (director, amersfoort):
        assert api(user).get(f"/api/v1/trajecten/{trajectory.uuid}").status_code == 200


@pytest.mark.django_db
def test_safety_house_of_a_municipality_that_coordinates_itself_sees_nothing(
    api, justid, make_user, payload
):
    director = make_user("zvh", "ZVH-UTRECHT", "procesregisseur")
    notification = validate_notification(
        payload(gemeenteVanInschrijving="GM0307"), today=dt.date(2026, 11, 22)
    )
    trajectory, _ = notification_receive(actor=justid, notification=notification)

    assert trajectory.process_lead.code == "GM0307"
    assert api(director).get(f"/api/v1/trajecten/{trajectory.uuid}").status_code == 404
