"""The referrals API: create, list, read, change; ETag/If-Match and problem+json in Dutch."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.referrals.models import Referral

pytestmark = pytest.mark.django_db


def url(trajectory, referral=None):
    base = f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen"
    return f"{base}/{referral.uuid}" if referral is not None else base


def test_create_answers_201_with_location_etag_and_signals(api, alice, trajectory):
    response = api(alice).post(
        url(trajectory),
        {
            "soort": "begeleid-wonen",
            "aanbieder": "RIBW Overijssel",
            "plaats": "Enschede",
            "aangemeldOp": "2026-10-01",
            "status": "op-wachtlijst",
            "verwachteStart": "2027-06-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"].endswith(f"/verwijzingen/{body['id']}")
    assert response["ETag"] == f'"{body["id"]}-v1"'
    assert body["basisvoorwaarde"] == "huisvesting"
    assert body["wachtdagen"] == 53
    assert body["vrijlating"] == "2027-03-15"
    assert [s["code"] for s in body["signalen"]] == ["dreigt-vrijlating-zonder-plek"]


def test_invalid_input_is_problem_json_with_every_field_in_dutch(api, alice, trajectory):
    response = api(alice).post(
        url(trajectory),
        {
            "soort": "paleis",
            "aangemeldOp": "morgen",
            "onbekend": 1,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    params = {p["name"]: p["reason"] for p in response.json()["invalidParams"]}
    assert set(params) == {"soort", "aangemeldOp", "onbekend"}
    assert params["soort"] == "Kies een bestaande soort verwijzing."
    assert params["onbekend"] == "Dit veld bestaat hier niet."


def test_service_rules_come_back_as_invalid_params(api, alice, trajectory):
    response = api(alice).post(
        url(trajectory),
        {
            "soort": "maatschappelijke-opvang",
            "aanbieder": "Het Kruispunt",
            "aangemeldOp": "2026-11-10",
            "verwachteStart": "2026-11-01",
            "werkelijkeStart": "2026-11-12",
        },
        format="json",
    )
    assert response.status_code == 400
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert names == ["verwachteStart", "werkelijkeStart"]


def test_read_one_and_change_with_if_match(api, alice, bob, trajectory, refer):
    referral = refer(alice)
    client = api(bob)
    read = client.get(url(trajectory, referral))
    assert read.status_code == 200
    etag = read["ETag"]
    changed = client.patch(
        url(trajectory, referral),
        {"status": "op-wachtlijst", "verwachteStart": "2027-01-10"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["versie"] == 2
    assert changed["ETag"] == f'"{referral.uuid}-v2"'
    stale = api(alice).patch(
        url(trajectory, referral), {"status": "ingetrokken"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["verwijzing"]["status"] == "op-wachtlijst"
    assert stale["ETag"] == f'"{referral.uuid}-v2"'


def test_change_with_version_in_body_and_without_any_version(api, alice, trajectory, refer):
    referral = refer(alice)
    client = api(alice)
    missing = client.patch(url(trajectory, referral), {"status": "ingetrokken"}, format="json")
    assert missing.status_code == 428
    stale = client.patch(
        url(trajectory, referral), {"status": "ingetrokken", "versie": 7}, format="json"
    )
    assert stale.status_code == 412
    ok = client.patch(
        url(trajectory, referral), {"status": "ingetrokken", "versie": 1}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["loopt"] is False


def test_etag_of_another_referral_is_refused(api, alice, trajectory, refer):
    first, second = refer(alice), refer(alice, "beschermd-wonen")
    response = api(alice).patch(
        url(trajectory, first),
        {"status": "op-wachtlijst"},
        format="json",
        HTTP_IF_MATCH=f'"{second.uuid}-v1"',
    )
    assert response.status_code == 412


def test_kind_cannot_be_patched(api, alice, trajectory, refer):
    referral = refer(alice)
    response = api(alice).patch(
        url(trajectory, referral), {"soort": "zorg", "versie": 1}, format="json"
    )
    assert response.status_code == 400
    assert "registreer een nieuwe" in response.json()["invalidParams"][0]["reason"]


def test_unknown_referral_is_404(api, alice, trajectory):
    import uuid

    response = api(alice).get(f"{url(trajectory)}/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_list_is_paginated_most_urgent_first(api, alice, trajectory, refer):
    refer(alice, "begeleid-wonen", expected_start=dt.date(2027, 1, 1))
    refer(alice, "beschermd-wonen", expected_start=dt.date(2027, 8, 1))
    refer(alice, "maatschappelijke-opvang", status="gestart", actual_start=dt.date(2026, 11, 20))
    body = api(alice).get(url(trajectory), {"paginaGrootte": 2}).json()
    assert body["count"] == 3
    assert body["next"] is not None
    assert [r["soort"] for r in body["results"]] == ["beschermd-wonen", "begeleid-wonen"]


def test_referral_of_another_trajectory_is_not_found(
    api, alice, trajectory, refer, payload, justid
):
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    other, _ = notification_receive(
        actor=justid,
        notification=validate_notification(
            payload(meldingId="ANDER-1", persoon={"bsn": "999990007"}),
            today=dt.date(2026, 11, 22),
        ),
    )
    referral = refer(alice, on=other)
    assert api(alice).get(url(trajectory, referral)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "name", "reason"),
    [
        (
            {"aangemeldOp": "0001-01-01"},
            "aangemeldOp",
            "meer dan een jaar vóór het begin van de detentie",
        ),
        (
            {"aangemeldOp": "2026-11-10", "verwachteStart": "9999-12-31"},
            "verwachteStart",
            "meer dan 3 jaar na de aanmelding",
        ),
    ],
)
def test_impossible_dates_are_refused_per_field(api, alice, trajectory, fields, name, reason):
    response = api(alice).post(
        url(trajectory),
        {"soort": "begeleid-wonen", "aanbieder": "Stichting Domus Twente", **fields},
        format="json",
    )
    assert response.status_code == 400, response.content
    params = {p["name"]: p["reason"] for p in response.json()["invalidParams"]}
    assert list(params) == [name]
    assert reason in params[name]
    assert not Referral.objects.exists()


def test_impossible_expected_start_is_refused_on_patch(api, alice, trajectory, refer):
    referral = refer(alice)
    response = api(alice).patch(
        url(trajectory, referral), {"versie": 1, "verwachteStart": "9999-12-31"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert [p["name"] for p in response.json()["invalidParams"]] == ["verwachteStart"]
    referral.refresh_from_db()
    assert referral.expected_start is None
