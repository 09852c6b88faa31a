"""The work lists in the API: shape, the `voor` parameter, the inbox, and the log."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone
from django.utils.translation import gettext_lazy

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.worklists import selectors
from nieuwestart.worklists.api import WerklijstItemSerializer, due_item_representation


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


def _serialized(items):
    """The answer's rows as DRF's serializer writes them (the schema's source)."""
    return json.loads(json.dumps(WerklijstItemSerializer(items, many=True).data))


def test_the_rows_are_what_the_schemas_serializer_writes(api, alice, deadlines, trajectory):
    """The rows are written in plain Python (`due_item_representation`); the OpenAPI schema
    comes from the serializer. Both must give the same JSON, also for a label that is a lazy
    translation and a deadline without working days left."""
    deadlines.add(trajectory, "screening", "inrichting", dt.date(2026, 11, 16), status="te-laat")
    deadlines.add(
        trajectory,
        "plan",
        "inrichting",
        dt.date(2026, 12, 16),
        label=gettext_lazy("D&R-plan vastgesteld"),
        days_left=None,
    )
    items = list(selectors.due_for_user(alice, dt.date(2026, 11, 22)))
    assert len(items) == 2

    assert [due_item_representation(i) for i in items] == _serialized(items)
    assert api(alice).get("/api/v1/werklijst").json()["results"] == _serialized(items)


def test_the_rows_match_the_serializer_with_the_real_deadlines(api, alice, carol, trajectory):
    soon = trajectory.start_date + dt.timedelta(days=1)
    for user in (alice, carol):
        items = list(selectors.due_for_organisation(user, soon))
        assert items, "a fresh trajectory has deadlines for the PI and the municipality"
        assert [due_item_representation(i) for i in items] == _serialized(items)
    body = api(alice).get("/api/v1/werklijst", {"voor": "organisatie"}).json()
    today = timezone.localdate()
    assert body["results"] == _serialized(list(selectors.due_for_organisation(alice, today)))
