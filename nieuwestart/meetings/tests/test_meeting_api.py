"""The meetings API: plan with the proposed agenda, read with an ETag, record with If-Match,
decisions that become plan tasks, problem+json errors, and the OpenAPI description."""

from __future__ import annotations

import pytest
import time_machine

from nieuwestart.meetings.tests.case import BEFORE, ON_THE_DAY, care_task

pytestmark = pytest.mark.django_db


def _base(trajectory):
    return f"/api/v1/trajecten/{trajectory.uuid}/overleggen"


def _plan(api, trajectory, user, **extra):
    body = {
        "soort": "mdo",
        "aanvang": "2026-11-19T10:00:00+01:00",
        "locatie": "PI Almelo, spreekkamer 2",
        "onlineLink": "https://meet.example/mdo",
        "deelnemers": [{"soort": "gedetineerde"}],
        **extra,
    }
    with time_machine.travel(BEFORE, tick=False):
        return api(user).post(_base(trajectory), body, format="json")


def test_planning_without_an_agenda_takes_the_proposal(api, trajectory, alice, bob, carol):
    from nieuwestart.plans.services import plan_task_add

    plan_task_add(
        actor=carol,
        trajectory=trajectory,
        expected_version=None,
        domain="huisvesting",
        what="Huur doorbetalen",
        organisation=carol.organisation,
    )
    response = _plan(
        api,
        trajectory,
        bob,
        deelnemers=[
            {"soort": "professional", "gebruiker": str(alice.uuid)},
            {"soort": "professional", "gebruiker": str(bob.uuid)},
            {"soort": "gedetineerde"},
            {"soort": "extern", "naam": "Sanne Jansen", "organisatie": "Domijn"},
        ],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == f'"{body["id"]}-o1"'
    topics = [i["onderwerp"] for i in body["agenda"]]
    assert "Huur doorbetalen" in topics and topics[-1] == "Rondvraag"
    assert any(i["bron"] == "termijn" and i["bronId"] == "screening" for i in body["agenda"])
    assert [d["soort"] for d in body["deelnemers"]] == [
        "professional",
        "professional",
        "gedetineerde",
        "extern",
    ]
    listed = api(carol).get(_base(trajectory)).json()
    assert listed["count"] == 1 and listed["results"][0]["aantalDeelnemers"] == 4


def test_an_explicit_agenda_refers_to_the_proposal(api, trajectory, alice):
    response = _plan(
        api,
        trajectory,
        alice,
        agenda=[{"bron": "termijn", "bronId": "bestaat-niet"}, {"onderwerp": "Verlof"}],
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert names == ["agenda.0.bronId"]


def test_an_http_link_is_a_problem(api, trajectory, alice):
    response = _plan(api, trajectory, alice, onlineLink="http://meet.example/x")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "onlineLink"


def test_recording_with_if_match_and_decisions_that_become_tasks(
    api, trajectory, alice, bob, carol
):
    created = _plan(
        api,
        trajectory,
        alice,
        deelnemers=[
            {"soort": "professional", "gebruiker": str(bob.uuid)},
            {"soort": "gedetineerde"},
        ],
        agenda=[{"onderwerp": "Voortgang"}],
    ).json()
    url = f"{_base(trajectory)}/{created['id']}"
    etag = api(alice).get(url)["ETag"]
    record = {
        "aanwezigheid": [
            {"deelnemer": d["id"], "aanwezigheid": "aanwezig"} for d in created["deelnemers"]
        ],
        "verslag": [{"agendapunt": created["agenda"][0]["id"], "tekst": "Goed gesprek."}],
        "besluiten": [
            {
                "tekst": "Schuldhulp aanvragen",
                "domein": "financien",
                "organisatie": "GM0153",
                "uiterlijk": "2026-12-01",
                "agendapunt": created["agenda"][0]["id"],
            }
        ],
    }
    with time_machine.travel(ON_THE_DAY, tick=False):
        missing = api(bob).post(f"{url}/verslag", record, format="json")
        response = api(bob).post(f"{url}/verslag", record, format="json", HTTP_IF_MATCH=etag)
        again = api(carol).post(f"{url}/verslag", record, format="json", HTTP_IF_MATCH=etag)
    assert missing.status_code == 428
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["versie"], response["ETag"]) == (
        "gehouden",
        2,
        f'"{created["id"]}-o2"',
    )
    assert body["agenda"][0]["verslag"] == "Goed gesprek."
    decision = body["besluiten"][0]
    tasks = api(carol).get(f"/api/v1/trajecten/{trajectory.uuid}/plan").json()["taken"]
    assert decision["taak"] in [t["id"] for t in tasks]
    assert again.status_code == 412
    assert again["Content-Type"] == "application/problem+json"
    assert "al vastgelegd" in again.json()["detail"]


def test_a_decision_for_an_uninvolved_organisation_is_an_invalid_param(api, trajectory, alice):
    created = _plan(api, trajectory, alice, agenda=[{"onderwerp": "Voortgang"}]).json()
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = api(alice).post(
            f"{_base(trajectory)}/{created['id']}/verslag",
            {"versie": 1, "besluiten": [{"tekst": "Iets", "organisatie": "GM0363"}]},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "besluiten.0.organisatie"
    assert api(alice).get(f"{_base(trajectory)}/{created['id']}").json()["status"] == "gepland"


def test_the_municipality_reads_a_care_item_as_hidden(api, trajectory, alice, bob, carol):
    task = care_task(trajectory, bob, bob.organisation)
    proposal = api(carol).get(f"{_base(trajectory)}/agendavoorstel").json()
    hidden = [p for p in proposal if p["verborgen"]]
    assert hidden and hidden[0]["onderwerp"] == "Vervolg van zorg na detentie"
    assert all("GGZ" not in p["onderwerp"] for p in proposal)
    created = _plan(api, trajectory, alice, agenda=[{"bron": "taak", "bronId": str(task.uuid)}])
    item = created.json()["agenda"][0]
    assert item["onderwerp"] == task.what  # alice (PI) sees it
    seen = api(carol).get(f"{_base(trajectory)}/{created.json()['id']}").json()["agenda"][0]
    assert (seen["onderwerp"], seen["verborgen"], seen["bronId"]) == (
        "Vervolg van zorg na detentie",
        True,
        "",
    )


def test_cancel_through_the_api(api, trajectory, alice, carol):
    created = _plan(api, trajectory, alice).json()
    url = f"{_base(trajectory)}/{created['id']}/afgelasten"
    stale = api(carol).post(url, {"reden": "Ziek", "versie": 0}, format="json")
    assert stale.status_code == 412
    response = api(carol).post(url, {"reden": "Ziek", "versie": 1}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "afgelast")


def test_openapi_describes_the_meeting_endpoints(api):
    schema = api(None).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    base = "/api/v1/trajecten/{traject_id}/overleggen"
    assert paths[base]["post"]["operationId"] == "overleg_create"
    assert paths[f"{base}/{{overleg_id}}/verslag"]["post"]["operationId"] == "overleg_verslag"
    assert {"Overleg", "OverlegInvoerRequest", "VerslagInvoerRequest"} <= set(
        schema["components"]["schemas"]
    )
