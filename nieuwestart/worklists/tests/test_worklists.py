"""Work lists through HTTP: what is due for me and my organisation, late marked, the
municipality's inbox with "Oppakken", escalation after the grace period, and the log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.trajectories.models import Assignment

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def due(deadlines: Any, trajectory: Any) -> Any:
    """Jan de Vries: a PI screening (late), a municipal contact and a probation meeting."""
    deadlines.add(
        trajectory,
        "screening",
        "inrichting",
        dt.date(2026, 11, 16),
        label="Screening afgerond",
        status="te-laat",
        days_left=-5,
    )
    deadlines.add(
        trajectory, "gemeente-contact", "gemeente", dt.date(2026, 11, 27), label="Gemeente belt"
    )
    deadlines.add(
        trajectory,
        "reclassering-kennismaking",
        "reclassering",
        dt.date(2026, 12, 4),
        label="Kennismaking reclassering",
    )
    deadlines.add(
        trajectory,
        "plan",
        "inrichting",
        dt.date(2026, 12, 1),
        label="Plan vastgesteld",
        status="gehaald",
    )
    return deadlines


def _page(client: Any, user: Any, lijst: str = "mij") -> str:
    client.force_login(user)
    response = client.get("/werk/", {"lijst": lijst})
    assert response.status_code == 200
    return response.content.decode()


def test_casemanager_sees_her_pi_items_not_the_municipalitys(client, alice, due):
    page = _page(client, alice)
    assert "Screening afgerond" in page
    assert "Vries, Jan de" in page
    assert "Gemeente belt" not in page
    assert "Kennismaking reclassering" not in page
    assert "Plan vastgesteld" not in page  # met deadlines are not work


def test_municipality_and_probation_see_their_own_items(client, carol, bob, due):
    carol_page = _page(client, carol)
    assert "Gemeente belt" in carol_page and "Screening afgerond" not in carol_page
    bob_page = _page(client, bob)
    assert "Kennismaking reclassering" in bob_page and "Gemeente belt" not in bob_page


def test_a_late_item_is_marked_late_in_words(client, alice, due):
    page = _page(client, alice)
    assert "Te laat" in page
    assert "5 werkdagen te laat" in page
    assert "maandag 16 november 2026" in page  # the date written out


def test_mentor_sees_nothing_for_her_but_the_organisations_items_with_who(client, mia, due):
    assert "Screening afgerond" not in _page(client, mia, "mij")
    organisation = _page(client, mia, "organisatie")
    assert "Screening afgerond" in organisation
    assert "Alice Test" in organisation  # who has it: the casemanager


def test_items_are_sorted_by_due_date(client, alice, deadlines, trajectory):
    deadlines.add(trajectory, "later", "inrichting", dt.date(2027, 1, 5), label="Later ding")
    deadlines.add(trajectory, "eerst", "inrichting", dt.date(2026, 11, 25), label="Eerst ding")
    page = _page(client, alice)
    assert page.index("Eerst ding") < page.index("Later ding")


def test_inbox_shows_a_new_trajectory_until_somebody_picks_it_up(
    client, carol, trajectory, new_trajectory, deadlines
):
    fresh = new_trajectory("999900109", "Bakker")
    page = _page(client, carol, "nieuw")
    assert "Bakker, Piet" in page
    assert "Vries, Jan de" not in page  # Carol already coordinates Jan's trajectory
    assert "nog niet ontvangen" in page  # no information sheet yet

    response = client.post(f"/werk/nieuw/{fresh.uuid}/oppakken")
    assert response.status_code == 302
    assignment = Assignment.objects.get(trajectory=fresh, role="nazorgcoordinator", active=True)
    assert assignment.user == carol
    assert ProcessingLogEntry.objects.filter(
        trajectory_uuid=fresh.uuid, username="carol", purpose="betrokkenen toewijzen"
    ).exists()
    after = client.get(response["Location"]).content.decode()
    assert "Bakker, Piet" not in after
    assert "U bent nu nazorgcoördinator van Piet de Bakker." in after
    assert "Alle nieuwe trajecten zijn opgepakt." in after


def test_picking_up_twice_keeps_the_first_coordinator(
    client, carol, make_user, new_trajectory, deadlines
):
    colleague = make_user("chris", "GM0153", "nazorgcoordinator")
    fresh = new_trajectory("999900110", "Smit")
    client.force_login(carol)
    client.post(f"/werk/nieuw/{fresh.uuid}/oppakken")
    client.force_login(colleague)
    response = client.post(f"/werk/nieuw/{fresh.uuid}/oppakken", follow=True)
    assert "heeft dit traject al opgepakt" in response.content.decode()
    active = Assignment.objects.get(trajectory=fresh, role="nazorgcoordinator", active=True)
    assert active.user == carol


def test_only_the_municipality_may_pick_up(client, alice, dave, new_trajectory):
    fresh = new_trajectory("999900122", "Jansen")
    client.force_login(alice)
    assert client.post(f"/werk/nieuw/{fresh.uuid}/oppakken").status_code == 403
    client.force_login(dave)
    assert client.post(f"/werk/nieuw/{fresh.uuid}/oppakken").status_code == 404
    assert not Assignment.objects.filter(trajectory=fresh, role="nazorgcoordinator").exists()


def test_inbox_tab_is_only_for_municipalities(client, alice, carol):
    assert "Nieuw binnen" not in _page(client, alice)
    assert "Nieuw binnen" in _page(client, carol)


def test_uninvolved_municipality_sees_nothing_and_counts_nothing(
    client, api, dave, due, new_trajectory
):
    new_trajectory("999900134", "Visser")
    for lijst in ("mij", "organisatie", "nieuw", "escalaties"):
        page = _page(client, dave, lijst)
        assert "Vries" not in page and "Visser" not in page
        assert "Te laat" not in page and "werkdagen te laat" not in page
    for voor in ("mij", "organisatie"):
        assert api(dave).get("/api/v1/werklijst", {"voor": voor}).json()["count"] == 0
    assert api(dave).get("/api/v1/werklijst/nieuw").json()["count"] == 0
    assert not ProcessingLogEntry.objects.filter(username="dave", purpose="werklijst").exists()


def test_escalation_reaches_the_staffunctionaris_only_after_the_grace_period(
    client, sven, alice, deadlines, trajectory
):
    from nieuwestart.deadlines.models import DeadlineConfig
    from nieuwestart.worklists import selectors

    grace = DeadlineConfig.load().escalation_grace_working_days
    deadlines.add(
        trajectory,
        "screening",
        "inrichting",
        dt.date(2026, 11, 10),
        label="Screening afgerond",
        status="te-laat",
        days_left=-grace,
    )
    assert list(selectors.escalations(sven, TODAY)) == []  # late, but still within the grace period
    assert "Screening afgerond" not in _page(client, sven, "escalaties")

    deadlines.by_trajectory.clear()
    deadlines.add(
        trajectory,
        "screening",
        "inrichting",
        dt.date(2026, 11, 10),
        label="Screening afgerond",
        status="te-laat",
        days_left=-(grace + 1),
    )
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0), tick=False):
        page = _page(client, sven, "escalaties")
    assert "Screening afgerond" in page and "Vries, Jan de" in page
    assert [i.deadline.code for i in selectors.escalations(sven, TODAY)] == ["screening"]
    # The casemanager has no escalation list; she sees the item as late in her own list.
    assert "Escalaties" not in _page(client, alice)
    assert list(selectors.escalations(alice, TODAY)) == []


def test_municipal_escalation_goes_to_the_municipality_not_the_pi(
    sven, carol, deadlines, trajectory
):
    from nieuwestart.worklists import selectors

    deadlines.add(
        trajectory,
        "gemeente-contact",
        "gemeente",
        dt.date(2026, 11, 2),
        status="te-laat",
        days_left=-30,
    )
    assert [i.deadline.code for i in selectors.escalations(carol, TODAY)] == ["gemeente-contact"]
    assert list(selectors.escalations(sven, TODAY)) == []


def test_every_list_read_is_logged_once_per_trajectory(client, alice, carol, due, new_trajectory):
    _page(client, alice)
    rows = ProcessingLogEntry.objects.filter(username="alice", purpose="werklijst")
    assert [r.trajectory_uuid for r in rows] == [due_trajectory_uuid(due, alice)]
    fresh = new_trajectory("999900146", "Mulder")
    _page(client, carol, "nieuw")
    assert (
        ProcessingLogEntry.objects.filter(
            username="carol", purpose="werklijst", trajectory_uuid=fresh.uuid, channel="web"
        ).count()
        == 1
    )


def due_trajectory_uuid(deadlines: Any, user: Any) -> Any:
    from nieuwestart.trajectories.models import Trajectory

    (pk,) = deadlines.by_trajectory
    return Trajectory.objects.get(pk=pk).uuid


def test_roles_without_case_files_get_no_work_list(client, priya, admin_user):
    for user in (priya, admin_user):
        client.force_login(user)
        assert client.get("/werk/").status_code == 403
