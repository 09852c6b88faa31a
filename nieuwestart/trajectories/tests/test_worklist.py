"""The work list puts first who leaves soonest; released people and unknown dates come later."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.trajectories import selectors
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive, trajectory_assign

TODAY = dt.date(2026, 11, 22)


def _start(justid, payload, bsn, expected, message):
    notification = validate_notification(
        payload(
            meldingId=message,
            persoon={"bsn": bsn, "geslachtsnaam": message},
            verwachteEinddatum=expected,
        ),
        today=TODAY,
    )
    return notification_receive(actor=justid, notification=notification)[0]


@pytest.mark.django_db
def test_soonest_release_first_unknown_dates_and_released_people_last(alice, justid, payload):
    later = _start(justid, payload, "999990007", "2027-06-01", "Later")
    unknown = _start(justid, payload, "999990019", None, "Onbekend")
    soon = _start(justid, payload, "999990020", "2026-12-01", "Binnenkort")
    released = _start(justid, payload, "999990032", "2026-12-15", "Vrij")
    end = validate_notification(
        payload(
            meldingId="E",
            soort="einde",
            einddatum="2026-11-20",
            persoon={"bsn": "999990032", "geslachtsnaam": "Vrij"},
        ),
        today=TODAY,
    )
    notification_receive(actor=justid, notification=end)

    order = [t.pk for t in selectors.worklist(alice)]

    assert order == [soon.pk, later.pk, unknown.pk, released.pk]


def _worklist_row(html: str, name: str) -> str:
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_the_row_names_who_is_assigned_now(web, trajectory, alice, carol, make_user):
    row = _worklist_row(web(alice).get("/").content.decode(), "Vries, Jan")
    assert "Alice Test" in row
    assert "Carol Test" in row

    # Alice hands the case to a colleague whose account has no names: the username shows.
    colleague = make_user("cm.zonder.naam", "PI-ALMELO", "casemanager", first_name="", last_name="")
    trajectory_assign(actor=alice, trajectory=trajectory, role="casemanager", user=colleague)

    row = _worklist_row(web(alice).get("/").content.decode(), "Vries, Jan")
    assert "cm.zonder.naam" in row
    assert "Alice Test" not in row
    assert "Carol Test" in row


@pytest.mark.django_db
def test_pages_of_the_work_list_count_every_open_trajectory(
    web, alice, justid, payload, monkeypatch
):
    from nieuwestart.trajectories import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for bsn, name, expected in (
        ("999990007", "Eerste", "2027-01-01"),
        ("999990019", "Tweede", "2027-02-01"),
        ("999990020", "Derde", "2027-03-01"),
    ):
        _start(justid, payload, bsn, expected, name)
    client = web(alice)

    first = client.get("/").content.decode()
    last = client.get("/?pagina=2").content.decode()
    past_the_end = client.get("/?pagina=9").content.decode()

    assert "3 open trajecten" in first and "3 open trajecten" in last
    assert "Eerste" in first and "Tweede" in first and "Derde" not in first
    assert "Pagina 2 van 2" in last and "Derde" in last and "Eerste" not in last
    # A page number past the end (an old link) shows the last page, as before.
    assert "Pagina 2 van 2" in past_the_end and "Derde" in past_the_end


@pytest.mark.django_db
def test_the_kept_pages_are_the_pages_of_the_work_list(alice, bob, justid, payload, monkeypatch):
    """`worklist_page` (kept SQL, LIMIT and OFFSET as parameters) gives every page of every
    filter exactly as the work list read through Django, and builds its SQL only once."""
    from django.core.paginator import Paginator
    from django.db.models.sql.compiler import SQLCompiler

    from nieuwestart.trajectories.models import Phase

    started = [
        _start(justid, payload, bsn, expected, name)
        for bsn, name, expected in (
            ("999990007", "Eerste", "2027-01-01"),
            ("999990019", "Tweede", None),
            ("999990020", "Derde", "2027-03-01"),
            ("999990032", "Vierde", "2026-12-15"),
            ("999990044", "Vijfde", "2027-02-01"),
        )
    ]
    for trajectory in started[1::2]:
        trajectory_assign(actor=alice, trajectory=trajectory, role="casemanager", user=alice)

    def same(user, number, **filters):
        ours = selectors.worklist_page(user, number, 2, **filters)
        django = Paginator(selectors.worklist(user, **filters), 2).get_page(number)
        assert [t.pk for t in ours] == [t.pk for t in django], (number, filters)
        assert (ours.number, ours.paginator.count, ours.paginator.num_pages) == (
            django.number,
            django.paginator.count,
            django.paginator.num_pages,
        ), (number, filters)
        assert all(t.return_municipality.name and t.prison.name for t in ours)

    filters = [{}, {"phase": Phase.INTAKE}, {"phase": Phase.PLAN}, {"mine": True}]
    for each in filters:
        for number in (None, 1, "2", 3, 4, 0, "x"):
            same(alice, number, **each)
    # Bob's organisation (probation) is not involved in any of them: an empty list.
    same(bob, None)

    built: list[str] = []
    real = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        sql, params = real(self, *args, **kwargs)
        built.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    page = selectors.worklist_page(alice, "3", 2)
    assert len(page) == 1 and page.paginator.count == 5
    assert not [sql for sql in built if "trajectories_trajectory" in sql and "OVER" in sql]
