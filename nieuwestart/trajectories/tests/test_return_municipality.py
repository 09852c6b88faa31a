"""The casemanager confirms or changes the return municipality (issue 2, item 2; report §3.1)."""

from __future__ import annotations

import pytest

from nieuwestart.trajectories.models import EventKind, TrajectoryEvent

BODY = {"terugkeergemeente": "GM0363", "toelichting": "Gaat bij zijn zus in Amsterdam wonen."}


@pytest.mark.django_db
def test_change_moves_the_trajectory_to_the_new_municipality(api, trajectory, alice, carol, dave):
    url = f"/api/v1/trajecten/{trajectory.uuid}"

    response = api(alice).patch(url, BODY, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["terugkeergemeente"] == "GM0363"
    assert body["terugkeergemeenteBevestigd"] is True
    assert body["procesregie"]["organisatie"]["code"] == "GM0363"
    assert api(dave).get(url).status_code == 200  # Amsterdam sees it now
    assert api(carol).get(url).status_code == 404  # Enschede no longer does
    # Enschede's coordinator is no longer listed as involved.
    assert "carol" not in [b["naam"].lower() for b in body["betrokkenen"]]
    event = TrajectoryEvent.objects.get(trajectory=trajectory, kind=EventKind.RETURN_MUNICIPALITY)
    assert (event.from_value, event.to_value, event.actor) == ("Enschede", "Amsterdam", alice)
    assert event.reason == BODY["toelichting"]


@pytest.mark.django_db
def test_unknown_code_and_missing_reason_are_named(api, trajectory, alice):
    response = api(alice).patch(
        f"/api/v1/trajecten/{trajectory.uuid}", {"terugkeergemeente": "GM9999"}, format="json"
    )
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalidParams"]} == {
        "terugkeergemeente",
        "toelichting",
    }
    trajectory.refresh_from_db()
    assert trajectory.return_municipality.code == "GM0153"


@pytest.mark.django_db
def test_stale_etag_is_refused_with_412(api, trajectory, alice):
    url = f"/api/v1/trajecten/{trajectory.uuid}"
    client = api(alice)
    etag = client.get(url)["ETag"]
    client.patch(url, BODY, format="json", HTTP_IF_MATCH=etag)

    again = client.patch(
        url,
        {"terugkeergemeente": "GM0183", "toelichting": "Toch Tubbergen."},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert again.status_code == 412
    trajectory.refresh_from_db()
    assert trajectory.return_municipality.code == "GM0363"


@pytest.mark.django_db
def test_concurrent_edit_in_the_ui_shows_a_conflict_and_keeps_the_input(
    client, settings, trajectory, alice
):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    url = f"/trajecten/{trajectory.uuid}/terugkeergemeente"
    amsterdam = trajectory.return_municipality.__class__.objects.get(code="GM0363")
    tubbergen = trajectory.return_municipality.__class__.objects.get(code="GM0183")
    stale_version = trajectory.version
    client.post(
        url, {"terugkeergemeente": amsterdam.pk, "toelichting": "Eerste", "versie": stale_version}
    )

    response = client.post(
        url,
        {
            "terugkeergemeente": tubbergen.pk,
            "toelichting": "Mijn toelichting",
            "versie": stale_version,
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Iemand anders heeft dit traject net gewijzigd" in page
    assert "Mijn toelichting" in page  # nothing the user typed is lost
    trajectory.refresh_from_db()
    assert trajectory.return_municipality.code == "GM0363"


@pytest.mark.django_db
def test_ui_form_shows_field_errors_in_dutch(client, settings, trajectory, alice):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    response = client.post(
        f"/trajecten/{trajectory.uuid}/terugkeergemeente",
        {"terugkeergemeente": "", "versie": trajectory.version},
    )
    page = response.content.decode()
    assert "Kies een gemeente." in page
    assert "Schrijf kort op waarom dit de terugkeergemeente is." in page
