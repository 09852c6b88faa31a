"""The handover API: conventions of the foundation (problem+json, invalidParams in Dutch,
versions with If-Match or in the body)."""

from __future__ import annotations

import pytest

from nieuwestart.handover.models import ReleaseOutcome
from nieuwestart.handover.tests.case import end_notification, screen
from nieuwestart.trajectories.models import Phase


def _url(trajectory, tail=""):
    return f"/api/v1/trajecten/{trajectory.uuid}/{tail}"


@pytest.mark.django_db
def test_get_gives_the_checklist_and_the_trajectory_etag(api, trajectory, alice, carol):
    screen(alice, trajectory, identiteit="in-orde")
    response = api(carol).get(_url(trajectory, "overdracht"))

    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == f'"{trajectory.uuid}-{trajectory.version}"'
    assert body["vrijgelaten"] is False and body["uitkomsten"] == []
    rows = {r["basisvoorwaarde"]: r for r in body["basisvoorwaarden"]}
    assert rows["identiteit"]["stand"] == "in-orde"
    assert rows["huisvesting"]["stand"] == "niet-in-orde"
    assert rows["identiteit"]["termijn"]["soort"] == "voor-vrijlating-id"


@pytest.mark.django_db
def test_put_confirms_a_condition_and_a_stale_list_version_is_409(api, trajectory, bob, carol):
    url = _url(trajectory, "overdracht/huisvesting")
    body = {"stand": "geregeld", "toelichting": "Kamer vanaf 1 december.", "gaatInOp": "2026-12-01"}

    ok = api(carol).put(url, {**body, "lijstVersie": 0}, format="json")
    stale = api(bob).put(url, {**body, "lijstVersie": 0}, format="json")

    assert ok.status_code == 200
    assert ok.json()["stand"] == "geregeld" and ok.json()["gaatInOp"] == "2026-12-01"
    assert ok["ETag"] == f'"{trajectory.uuid}-h1"'
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_put_without_a_version_is_428_and_a_stale_if_match_is_412(api, trajectory, carol):
    url = _url(trajectory, "overdracht/inkomen")
    client = api(carol)
    assert client.put(url, {"stand": "in-orde"}, format="json").status_code == 428
    response = client.put(
        url, {"stand": "in-orde"}, format="json", HTTP_IF_MATCH=f'"{trajectory.uuid}-h7"'
    )
    assert response.status_code == 412
    response = client.put(
        url, {"stand": "in-orde"}, format="json", HTTP_IF_MATCH=f'"{trajectory.uuid}-h0"'
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_put_names_every_invalid_field_in_dutch(api, trajectory, carol):
    response = api(carol).put(
        _url(trajectory, "overdracht/inkomen"),
        {"stand": "misschien", "gaatInOp": "morgen", "kleur": "rood", "lijstVersie": 0},
        format="json",
    )
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"stand", "gaatInOp", "kleur"}


@pytest.mark.django_db
def test_put_a_correction_without_note_is_400_with_the_field(api, trajectory, carol):
    response = api(carol).put(
        _url(trajectory, "overdracht/inkomen"),
        {"stand": "niet-in-orde", "lijstVersie": 0},
        format="json",
    )
    assert response.status_code == 400
    [param] = response.json()["invalidParams"]
    assert param["name"] == "toelichting"
    assert param["reason"] == "Schrijf kort op wat er nog niet in orde is."


@pytest.mark.django_db
def test_release_by_api_gives_the_lead_and_the_outcomes(api, trajectory, alice):
    response = api(alice).post(
        _url(trajectory, "vrijlating"),
        {"datum": "2026-11-20", "justitieleTitel": "vi", "versie": trajectory.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["fase"], body["casusregie"], body["einddatum"]) == (
        Phase.AFTER_RELEASE,
        "RN",
        "2026-11-20",
    )
    assert len(body["uitkomsten"]) == 6
    assert {u["bron"] for u in body["uitkomsten"]} == {"vrijlating-handmatig"}


@pytest.mark.django_db
def test_release_with_a_stale_version_409_and_stale_if_match_412(api, trajectory, alice):
    client = api(alice)
    body = {"datum": "2026-11-20", "justitieleTitel": "geen"}
    stale_body = client.post(
        _url(trajectory, "vrijlating"), {**body, "versie": trajectory.version - 1}, format="json"
    )
    stale_header = client.post(
        _url(trajectory, "vrijlating"),
        body,
        format="json",
        HTTP_IF_MATCH=f'"{trajectory.uuid}-{trajectory.version - 1}"',
    )
    assert (stale_body.status_code, stale_header.status_code) == (409, 412)
    assert not ReleaseOutcome.objects.exists()


@pytest.mark.django_db
def test_release_errors_are_problem_json_in_dutch(api, trajectory, alice):
    client = api(alice)
    missing = client.post(
        _url(trajectory, "vrijlating"), {"versie": trajectory.version}, format="json"
    )
    assert missing.status_code == 400
    assert {p["name"] for p in missing.json()["invalidParams"]} == {"datum"}

    untitled = client.post(
        _url(trajectory, "vrijlating"),
        {"datum": "2026-11-20", "versie": trajectory.version},
        format="json",
    )
    assert untitled.status_code == 400
    [param] = untitled.json()["invalidParams"]
    assert param["name"] == "justitieleTitel" and "justitiële titel" in param["reason"]

    future = client.post(
        _url(trajectory, "vrijlating"),
        {"datum": "2027-01-01", "justitieleTitel": "geen", "versie": trajectory.version},
        format="json",
    )
    assert future.json()["invalidParams"][0]["code"] == "future"


@pytest.mark.django_db
def test_release_of_a_released_trajectory_is_409(api, trajectory, alice, justid, payload):
    released = end_notification(justid, payload)
    response = api(alice).post(
        _url(released, "vrijlating"),
        {"datum": "2026-11-21", "justitieleTitel": "geen", "versie": released.version},
        format="json",
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_close_by_api_only_by_the_case_lead(api, trajectory, alice, bob, carol, justid, payload):
    released = end_notification(justid, payload)
    body = {"reden": "nazorg-afgerond", "versie": released.version}

    refused = api(bob).post(_url(released, "afsluiting"), body, format="json")
    closed = api(carol).post(_url(released, "afsluiting"), body, format="json")
    again = api(carol).post(_url(released, "afsluiting"), body, format="json")

    assert refused.status_code == 403
    assert "Alleen Enschede kan dit traject afsluiten" in refused.json()["detail"]
    assert closed.status_code == 200
    assert closed.json()["fase"] == "afgesloten"
    assert closed.json()["afsluiting"]["reden"] == "nazorg-afgerond"
    assert again.status_code == 409


@pytest.mark.django_db
def test_close_before_release_is_409(api, trajectory, alice):
    response = api(alice).post(
        _url(trajectory, "afsluiting"),
        {"reden": "nazorg-afgerond", "versie": trajectory.version},
        format="json",
    )
    assert response.status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reader", "reads_note"), [("bob", True), ("alice", False), ("carol", False)]
)
def test_a_care_note_in_the_api_is_for_probation_and_its_author(
    api, trajectory, bob, reader, reads_note, request
):
    api(bob).put(
        _url(trajectory, "overdracht/zorg"),
        {"stand": "geregeld", "toelichting": "Intake ggz op 2 december.", "lijstVersie": 0},
        format="json",
    )
    rows = {
        r["basisvoorwaarde"]: r
        for r in api(request.getfixturevalue(reader))
        .get(_url(trajectory, "overdracht"))
        .json()["basisvoorwaarden"]
    }
    assert rows["zorg"]["stand"] == "geregeld"
    assert rows["zorg"]["toelichting"] == ("Intake ggz op 2 december." if reads_note else "")
    assert rows["zorg"]["toelichtingVerborgen"] is not reads_note
