"""A detention notification from JustID becomes a shared trajectory at once (issue 2, item 1)."""

from __future__ import annotations

import json

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.trajectories.models import Involvement, Person, Phase, Trajectory

URL = "/api/v1/detentiemeldingen"


@pytest.mark.django_db
def test_start_notification_creates_trajectory_visible_to_pi_and_municipality(
    api, justid, alice, carol, dave, payload
):
    response = api(justid).post(URL, payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    traject = body["traject"]
    assert traject["persoon"]["bsn"] == "999993653"
    assert traject["inrichting"] == "PI-ALMELO"
    assert traject["terugkeergemeente"] == "GM0153"
    assert traject["fase"] == "instroom"
    assert traject["casusregie"]["organisatie"]["code"] == "PI-ALMELO"
    assert traject["procesregie"]["organisatie"]["code"] == "GM0153"
    # The PI and the municipality see it in their work lists; Amsterdam does not.
    ids_for = lambda user: [t["id"] for t in api(user).get("/api/v1/trajecten").json()["results"]]  # noqa: E731
    assert ids_for(alice) == [traject["id"]]
    assert ids_for(carol) == [traject["id"]]
    assert ids_for(dave) == []


@pytest.mark.django_db
def test_same_message_again_returns_same_trajectory_and_changes_nothing(api, justid, payload):
    client = api(justid)
    first = client.post(URL, payload(), format="json")
    again = client.post(URL, payload(persoon={"voornamen": "Piet"}), format="json")

    assert again.status_code == 200
    assert again.json()["traject"]["id"] == first.json()["traject"]["id"]
    assert Trajectory.objects.count() == 1
    assert Person.objects.get().given_names == "Jan"


@pytest.mark.django_db
def test_invalid_notification_names_every_invalid_field_and_stores_nothing(api, justid, payload):
    bad = payload(
        persoon={"bsn": "123456789", "geslachtsnaam": ""},
        inrichting="PI-ONBEKEND",
        gemeenteVanInschrijving="GM9999",
        startdatum="2026-11-02",
        verwachteEinddatum="2026-10-01",
    )
    response = api(justid).post(URL, bad, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] and body["detail"]
    names = {p["name"] for p in body["invalidParams"]}
    assert names == {
        "persoon.bsn",
        "persoon.geslachtsnaam",
        "inrichting",
        "gemeenteVanInschrijving",
        "verwachteEinddatum",
    }
    assert all(p["reason"] and p["code"] for p in body["invalidParams"])
    assert Trajectory.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bsn", "code"), [("12345678", "invalid"), ("99999365A", "invalid"), ("999993654", "elfproef")]
)
def test_bsn_must_have_nine_digits_and_pass_elfproef(api, justid, payload, bsn, code):
    response = api(justid).post(URL, payload(persoon={"bsn": bsn}), format="json")

    assert response.status_code == 400
    assert {"name": "persoon.bsn", "code": code} == {
        k: v for k, v in response.json()["invalidParams"][0].items() if k != "reason"
    }


@pytest.mark.django_db
def test_missing_fields_and_malformed_json_are_400(api, justid):
    client = api(justid)
    empty = client.post(URL, {}, format="json")
    assert empty.status_code == 400
    names = {p["name"] for p in empty.json()["invalidParams"]}
    assert {
        "meldingId",
        "soort",
        "persoon",
        "inrichting",
        "startdatum",
        "gemeenteVanInschrijving",
    } <= names

    broken = client.post(URL, data='{"meldingId": ', content_type="application/json")
    assert broken.status_code == 400
    assert broken["Content-Type"] == "application/problem+json"
    assert broken.json()["invalidParams"][0]["name"] == "body"


@pytest.mark.django_db
def test_end_before_start_is_refused(api, justid, payload):
    client = api(justid)
    client.post(URL, payload(), format="json")
    response = client.post(
        URL, payload(meldingId="E-1", soort="einde", einddatum="2026-01-01"), format="json"
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["einddatum"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "carol", "priya"])
def test_only_the_system_account_may_post(api, payload, persona, request):
    user = request.getfixturevalue(persona)
    response = api(user).post(URL, payload(), format="json")
    assert response.status_code == 403
    assert Trajectory.objects.count() == 0


@pytest.mark.django_db
def test_change_notification_moves_the_pi_involvement_on_transfer(
    api, justid, alice, payload, make_user
):
    client = api(justid)
    client.post(URL, payload(), format="json")
    cm_rotterdam = make_user("ron", "PI-ROTTERDAM-HOOGVLIET", "casemanager")

    response = client.post(
        URL,
        payload(
            meldingId="W-1",
            soort="wijziging",
            inrichting="PI-ROTTERDAM-HOOGVLIET",
            verwachteEinddatum="2027-05-01",
        ),
        format="json",
    )

    assert response.status_code == 200
    traject = response.json()["traject"]
    assert traject["inrichting"] == "PI-ROTTERDAM-HOOGVLIET"
    assert traject["verwachteEinddatum"] == "2027-05-01"
    assert traject["casusregie"]["organisatie"]["code"] == "PI-ROTTERDAM-HOOGVLIET"
    assert api(alice).get(f"/api/v1/trajecten/{traject['id']}").status_code == 404
    assert api(cm_rotterdam).get(f"/api/v1/trajecten/{traject['id']}").status_code == 200


@pytest.mark.django_db
def test_end_notification_registers_release_and_gives_lead_to_municipality(api, justid, payload):
    client = api(justid)
    client.post(URL, payload(), format="json")
    response = client.post(
        URL, payload(meldingId="E-2", soort="einde", einddatum="2026-11-20"), format="json"
    )

    traject = response.json()["traject"]
    assert traject["fase"] == Phase.AFTER_RELEASE
    assert traject["einddatum"] == "2026-11-20"
    assert traject["casusregie"]["organisatie"]["code"] == "GM0153"


@pytest.mark.django_db
def test_second_start_while_detained_is_a_conflict(api, justid, payload):
    client = api(justid)
    client.post(URL, payload(), format="json")
    response = client.post(URL, payload(meldingId="X-2"), format="json")
    assert response.status_code == 409
    assert Trajectory.objects.count() == 1


@pytest.mark.django_db
def test_creation_is_logged_with_the_system_account(api, justid, payload):
    response = api(justid).post(URL, payload(), format="json")
    entry = ProcessingLogEntry.objects.get(
        trajectory_uuid=response.json()["traject"]["id"], action="aanmaken"
    )
    assert entry.username == "justid" and entry.channel == "api"
    assert set(entry.category_list) == {"identiteit", "detentie"}
    assert Involvement.objects.filter(active=True).count() == 2


def test_problem_body_is_json(client):
    # Unknown URL under /api: problem+json even without a database.
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404
