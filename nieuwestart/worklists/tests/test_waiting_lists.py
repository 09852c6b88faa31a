"""The waiting lists ("Wachtlijsten"): open referrals of the organisation's trajectories,
riskiest first, in a bounded number of queries, each trajectory shown logged once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.referrals.services import referral_register
from nieuwestart.trajectories.models import Phase
from nieuwestart.worklists import selectors

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC), tick=True):
        yield


def refer(actor, trajectory, kind="begeleid-wonen", **fields):
    fields.setdefault("referred_on", dt.date(2026, 11, 9))
    fields.setdefault("provider", "Stichting Domus Twente")
    return referral_register(actor=actor, trajectory=trajectory, kind=kind, **fields)


def released(trajectory, end):
    trajectory.end_date = end
    trajectory.phase = Phase.AFTER_RELEASE
    trajectory.save()
    return trajectory


@pytest.fixture
def lists(new_trajectory, alice, trajectory):
    """Four people: in time, threatened (late release), threatened (early release), released."""
    in_time = trajectory
    late = new_trajectory("999900171", "Laat")
    early = new_trajectory("999900183", "Vroeg")
    out = new_trajectory("999900195", "Buiten")
    early.expected_end_date = dt.date(2026, 12, 20)
    early.save()
    released(out, dt.date(2026, 11, 16))
    refer(alice, in_time, expected_start=dt.date(2027, 3, 1))
    refer(alice, late, expected_start=dt.date(2027, 9, 1))
    refer(alice, early, kind="maatschappelijke-opvang", provider="Het Kruispunt")
    refer(alice, out, expected_start=dt.date(2027, 1, 15))
    refer(alice, in_time, kind="beschermd-wonen", status="gestart", actual_start=TODAY)
    return {"in_time": in_time, "late": late, "early": early, "out": out}


def test_riskiest_first_and_only_open_referrals(alice, lists):
    items = selectors.waiting_lists(alice, TODAY)
    names = [i.trajectory.person.surname for i in items]
    # Released without a place; then threatened, soonest release first; then in time.
    assert names == ["Buiten", "Vroeg", "Laat", "Vries"]
    assert [i.referral.assessment.main_signal.code for i in items[:3]] == [
        "vrijgelaten-zonder-plek",
        "dreigt-vrijlating-zonder-plek",
        "dreigt-vrijlating-zonder-plek",
    ]
    assert items[3].referral.assessment.signals == []


def test_uninvolved_and_non_case_roles_see_nothing(dave, priya, lists):
    assert selectors.waiting_lists(dave, TODAY) == []
    assert selectors.waiting_lists(priya, TODAY) == []


def test_closed_trajectory_drops_off(alice, lists):
    lists["out"].phase = Phase.CLOSED
    lists["out"].save()
    names = [i.trajectory.person.surname for i in selectors.waiting_lists(alice, TODAY)]
    assert "Buiten" not in names


def test_list_is_one_query(alice, lists, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert len(selectors.waiting_lists(alice, TODAY)) == 4


def test_page_is_bounded_and_logs_each_trajectory_once(
    client, settings, alice, lists, django_assert_max_num_queries
):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    before = ProcessingLogEntry.objects.count()
    with django_assert_max_num_queries(15):
        response = client.get("/werk/", {"lijst": "wachtlijsten"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wachtlijsten" in html
    assert "Vrijgelaten zonder plek" in html
    assert "3 verwijzingen op deze pagina zijn niet op tijd klaar voor de vrijlating." in html
    assert html.index("Buiten") < html.index("Vroeg") < html.index("Laat")
    rows = ProcessingLogEntry.objects.filter(purpose="werklijst")
    assert ProcessingLogEntry.objects.count() - before == rows.count() == 4
    assert set(rows.values_list("categories", flat=True)) == {
        "basisvoorwaarden,detentie,identiteit"
    }


def test_every_case_role_has_the_tab(client, settings, carol, bob, alice):
    settings.REQUIRE_SECOND_FACTOR = False
    for user in (alice, bob, carol):
        client.force_login(user)
        assert "?lijst=wachtlijsten" in client.get("/werk/").content.decode()


def test_api_is_paginated_and_logged(api, carol, lists):
    response = api(carol).get("/api/v1/werklijst/wachtlijsten", {"paginaGrootte": 2})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 4
    assert body["next"] is not None
    first = body["results"][0]
    assert first["persoon"]["naam"].endswith("Buiten")
    assert first["verwijzing"]["signalen"][0]["code"] == "vrijgelaten-zonder-plek"
    assert ProcessingLogEntry.objects.filter(user=carol, purpose="werklijst").count() == 2


def test_api_refuses_non_case_roles(api, priya):
    response = api(priya).get("/api/v1/werklijst/wachtlijsten")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
