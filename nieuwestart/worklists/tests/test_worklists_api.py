"""The work lists in the API: shape, the `voor` parameter, the inbox, and the log."""

from __future__ import annotations

import datetime as dt

from nieuwestart.audit.models import ProcessingLogEntry


def test_werklijst_lists_what_is_due_for_me(api, alice, deadlines, trajectory):
    deadlines.add(
        trajectory,
        "screening",
        "inrichting",
        dt.date(2026, 11, 16),
        status="te-laat",
        days_left=-5,
    )
    deadlines.add(trajectory, "gemeente-contact", "gemeente", dt.date(2026, 11, 27))
    body = api(alice).get("/api/v1/werklijst", {"voor": "mij"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["results"][0]["traject"] == str(trajectory.uuid)
    assert body["results"][0]["persoon"] == {"naam": "Jan de Vries"}
    termijn = body["results"][0]["termijn"]
    assert termijn["soort"] == "screening"
    assert termijn["uiterlijk"] == "2026-11-16"
    assert termijn["status"] == "te-laat"
    assert termijn["verantwoordelijke"] == "inrichting"
    assert (
        ProcessingLogEntry.objects.filter(
            username="alice", purpose="werklijst", channel="api", trajectory_uuid=trajectory.uuid
        ).count()
        == 1
    )


def test_werklijst_for_the_organisation(api, mia, deadlines, trajectory):
    deadlines.add(trajectory, "screening", "inrichting", dt.date(2026, 11, 16))
    assert api(mia).get("/api/v1/werklijst").json()["count"] == 0  # default: voor=mij
    assert api(mia).get("/api/v1/werklijst", {"voor": "organisatie"}).json()["count"] == 1


def test_invalid_voor_is_a_400_naming_the_parameter(api, alice, deadlines):
    response = api(alice).get("/api/v1/werklijst", {"voor": "iedereen"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["voor"]


def test_inbox_in_the_api(api, carol, alice, new_trajectory):
    fresh = new_trajectory("999900158", "Dekker")
    body = api(carol).get("/api/v1/werklijst/nieuw").json()
    assert [r["traject"] for r in body["results"]] == [str(fresh.uuid)]
    assert body["results"][0]["informatieblad"] == {"ontvangen": False, "bevestigd": False}
    assert (
        ProcessingLogEntry.objects.filter(
            username="carol", purpose="werklijst", trajectory_uuid=fresh.uuid
        ).count()
        == 1
    )
    refused = api(alice).get("/api/v1/werklijst/nieuw")
    assert refused.status_code == 403


def test_schema_names_the_work_list_components(api, alice):
    schema = api(None).get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "WerklijstItem" in components and "WerklijstNieuwItem" in components
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {"werklijst_list", "werklijst_nieuw_list"} <= operations
