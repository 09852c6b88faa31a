"""The work lists with the real deadlines app cost the same number of queries for one
trajectory or many, also when every trajectory has a screening with assessed conditions: the
stored open deadlines are read in one query once current, and recomputing the stale ones costs
a fixed number of queries whatever their number."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.services import trajectory_assign
from nieuwestart.worklists import selectors

BSNS = ["999900171", "999900183", "999900195", "999900201", "999900213", "999900225"]
DOMAINS = ("identiteit", "huisvesting", "inkomen", "financien", "zorg")


def _screen(trajectory, user, status):
    screening, _ = Screening.objects.get_or_create(trajectory=trajectory)
    when = timezone.make_aware(dt.datetime(2026, 11, 12, 10))
    DomainAssessment.objects.bulk_create(
        DomainAssessment(
            screening=screening, domain=d, status=status, updated_at=when, updated_by=user
        )
        for d in DOMAINS
    )


def _queries(alice, today):
    with CaptureQueriesContext(connection) as queries:
        items = selectors.due_for_organisation(alice, today)
        rows = [(i.trajectory.pk, i.deadline.code, i.deadline.label) for i in items]
    return len(queries.captured_queries), rows


def test_many_screened_trajectories_cost_no_more_queries_than_one(
    alice, carol, trajectory, new_trajectory
):
    today = dt.date(2026, 11, 23)
    _screen(trajectory, carol, "in-orde")
    one_cold, rows = _queries(alice, today)  # the first read computes and stores
    one, again = _queries(alice, today)
    assert again == rows
    assert rows, "the PI has open deadlines on the trajectory"
    # Care in order is met: the PI no longer sees "Zorg loopt door na vrijlating" as due.
    assert "voor-vrijlating-zorg" not in {code for _, code, _ in rows}

    for index, bsn in enumerate(BSNS):
        t = new_trajectory(bsn, f"Naam{index}")
        trajectory_assign(actor=alice, trajectory=t, role="casemanager", user=alice)
        _screen(t, carol, "aandacht")
    many_cold, rows = _queries(alice, today)  # six to compute, one stored
    many, again = _queries(alice, today)
    assert again == rows
    assert len({pk for pk, _, _ in rows}) == 1 + len(BSNS)
    assert many == one, (one, many)
    assert many_cold <= one_cold + 1, (one_cold, many_cold)  # plus reading the stored one
    zorg = [text for _, code, text in rows if code == "voor-vrijlating-zorg"]
    assert len(zorg) == len(BSNS)  # not in order yet: due
    assert set(zorg) == {"Zorg loopt door na vrijlating"}
