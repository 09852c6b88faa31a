"""A work list costs a bounded number of queries, however many trajectories it shows."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.trajectories.services import trajectory_assign
from nieuwestart.worklists import selectors

BSNS = ["999900171", "999900183", "999900195", "999900201", "999900213", "999900225"]


@pytest.fixture
def many(new_trajectory, alice, deadlines, trajectory):
    rows = [trajectory]
    for index, bsn in enumerate(BSNS):
        t = new_trajectory(bsn, f"Naam{index}")
        trajectory_assign(actor=alice, trajectory=t, role="casemanager", user=alice)
        rows.append(t)
    for t in rows:
        deadlines.add(t, "screening", "inrichting", dt.date(2026, 11, 20))
        deadlines.add(t, "mdo", "inrichting", dt.date(2026, 12, 20))
    return rows


def test_due_lists_use_few_queries_and_ask_deadlines_once(
    alice, many, deadlines, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        items = selectors.due_for_user(alice, dt.date(2026, 11, 23))
    assert len(items) == 2 * len(many)
    assert deadlines.calls == 1
    with django_assert_max_num_queries(4):
        assert len(selectors.due_for_organisation(alice, dt.date(2026, 11, 23))) == 14


def test_the_page_stays_bounded(client, settings, alice, many, django_assert_max_num_queries):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    with django_assert_max_num_queries(15):
        response = client.get("/werk/", {"lijst": "organisatie"})
    assert response.status_code == 200


def test_inbox_is_one_query(carol, new_trajectory, django_assert_max_num_queries):
    for index, bsn in enumerate(BSNS[:3]):
        new_trajectory(bsn, f"Inbox{index}")
    with django_assert_max_num_queries(1):
        assert len(selectors.municipality_inbox(carol)) == 3
