"""Dates out of bounds, a closed trajectory and decision errors: a clear Dutch message on the
right field, never a server error, and nothing stored.

Bounds: a meeting is planned on or after the trajectory's start (2 November 2026) and at most
two years ahead; it was held on or after the start and not in the future."""

from __future__ import annotations

import pytest
import time_machine

from nieuwestart.deadlines.selectors import deadlines_for
from nieuwestart.meetings.models import Meeting
from nieuwestart.meetings.services import meeting_record
from nieuwestart.meetings.tests.case import BEFORE, ON_THE_DAY, plan_meeting
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    client.raise_request_exception = False

    def login(user):
        client.force_login(user)
        return client

    return login


def _plan_post(client, trajectory, datum, tijd="10:00"):
    with time_machine.travel(BEFORE, tick=False):
        return client.post(
            f"/trajecten/{trajectory.uuid}/overleggen/nieuw",
            {
                "soort": "mdo",
                "datum": datum,
                "tijd": tijd,
                "locatie": "PI Almelo",
                "gedetineerde": "on",
                "extra": "Voortgang",
            },
        )


def _errors(response):
    return response.context["form"].errors


@pytest.mark.parametrize(
    ("datum", "tijd", "message"),
    [
        ("0001-01-01", "00:00", "voor het begin van het traject (02-11-2026)"),
        ("2026-10-30", "10:00", "voor het begin van het traject (02-11-2026)"),
        ("2028-11-13", "10:00", "te ver vooruit"),
    ],
)
def test_the_plan_form_refuses_a_date_out_of_bounds(web, trajectory, alice, datum, tijd, message):
    response = _plan_post(web(alice), trajectory, datum, tijd)
    assert response.status_code == 200
    assert any(message in e for e in _errors(response)["datum"])
    assert not Meeting.objects.exists()


def test_the_plan_form_takes_the_first_day_and_two_years_ahead(web, trajectory, alice):
    assert _plan_post(web(alice), trajectory, "2026-11-02").status_code == 302
    assert _plan_post(web(alice), trajectory, "2028-11-11").status_code == 302  # BEFORE + 730


def _record_post(client, trajectory, meeting, datum, tijd="10:00"):
    data = {
        "datum": datum,
        "tijd": tijd,
        "versie": str(meeting.version),
        **{f"aanwezig-{p.uuid}": "aanwezig" for p in meeting.participants.all()},
    }
    with time_machine.travel(ON_THE_DAY, tick=False):
        return client.post(f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag", data)


@pytest.mark.parametrize(
    ("datum", "tijd", "message"),
    [
        ("0001-01-01", "00:00", "voor het begin van het traject"),
        ("1900-01-01", "10:00", "voor het begin van het traject"),
        ("2026-11-20", "10:00", "nog niet geweest"),
    ],
)
def test_the_record_form_refuses_a_date_out_of_bounds(web, trajectory, alice, datum, tijd, message):
    with time_machine.travel(BEFORE, tick=False):
        meeting = plan_meeting(trajectory, alice, users=[alice])
    response = _record_post(web(alice), trajectory, meeting, datum, tijd)
    assert response.status_code == 200
    assert any(message in e for e in _errors(response)["datum"])
    meeting.refresh_from_db()
    assert meeting.status == "gepland"


def _api_plan(api, trajectory, user, aanvang):
    with time_machine.travel(BEFORE, tick=False):
        return api(user).post(
            f"/api/v1/trajecten/{trajectory.uuid}/overleggen",
            {
                "soort": "mdo",
                "aanvang": aanvang,
                "locatie": "PI Almelo",
                "deelnemers": [{"soort": "gedetineerde"}],
                "agenda": [{"onderwerp": "Voortgang"}],
            },
            format="json",
        )


@pytest.mark.parametrize(
    ("aanvang", "message"),
    [
        ("0001-01-01T00:00:00+05:00", "Deze datum kan niet."),
        ("0001-01-02T10:00:00Z", "voor het begin van het traject"),
        ("2026-11-01T10:00:00+01:00", "voor het begin van het traject"),
        ("2030-01-01T10:00:00+01:00", "te ver vooruit"),
        ("morgen", "Vul een datum en tijd in"),
    ],
)
def test_the_api_refuses_a_planned_date_out_of_bounds_in_dutch(
    api, trajectory, alice, aanvang, message
):
    response = _api_plan(api, trajectory, alice, aanvang)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [problem] = response.json()["invalidParams"]
    assert problem["name"] == "aanvang"
    assert message in problem["reason"]
    assert "out of range" not in problem["reason"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("held", "message"),
    [
        ("1900-01-01T10:00:00Z", "voor het begin van het traject"),
        ("0001-01-01T00:00:00Z", "voor het begin van het traject"),
        ("2026-11-25T10:00:00Z", "nog niet geweest"),
    ],
)
def test_the_api_refuses_a_held_date_out_of_bounds(api, trajectory, alice, held, message):
    with time_machine.travel(BEFORE, tick=False):
        meeting = plan_meeting(trajectory, alice, users=[alice])
    mdo_before = [d for d in deadlines_for(trajectory) if d.code == "mdo"]
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = api(alice).post(
            f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag",
            {"versie": 1, "gehoudenOp": held},
            format="json",
        )
    assert response.status_code == 400
    [problem] = response.json()["invalidParams"]
    assert problem["name"] == "gehoudenOp" and message in problem["reason"]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at.year) == ("gepland", 2026)
    assert [d for d in deadlines_for(trajectory) if d.code == "mdo"] == mdo_before


def _close(trajectory):
    Trajectory.objects.filter(pk=trajectory.pk).update(phase="afgesloten")
    trajectory.refresh_from_db()


def test_a_closed_trajectory_takes_no_minutes(api, web, trajectory, alice):
    with time_machine.travel(BEFORE, tick=False):
        meeting = plan_meeting(trajectory, alice, users=[alice])
    _close(trajectory)
    with time_machine.travel(ON_THE_DAY, tick=False):
        with pytest.raises(ServiceError) as caught:
            meeting_record(
                actor=alice,
                meeting=meeting,
                expected_version=1,
                attendance={},
                minutes={},
            )
        assert (caught.value.field, caught.value.code) == ("traject", "closed")
        assert "afgesloten" in caught.value.message
        base = f"/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}"
        page = web(alice).get(f"{base}/verslag", follow=True).content.decode()
        assert "U kunt geen verslag meer vastleggen." in page
        assert f'href="{base}/verslag"' not in web(alice).get(base).content.decode()
        response = _record_post(web(alice), trajectory, meeting, "2026-11-19")
        assert response.status_code == 200
        assert "U kunt geen verslag meer vastleggen." in response.content.decode()
        response = api(alice).post(
            f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag",
            {"versie": 1},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "traject"
    meeting.refresh_from_db()
    assert meeting.status == "gepland"


def test_a_closed_trajectory_takes_no_new_meetings(api, web, trajectory, alice):
    _close(trajectory)
    page = web(alice).get(f"/trajecten/{trajectory.uuid}/overleggen/nieuw", follow=True)
    assert "U kunt geen overleg meer plannen." in page.content.decode()
    assert _plan_post(web(alice), trajectory, "2026-11-19").status_code == 302
    response = _api_plan(api, trajectory, alice, "2026-11-19T10:00:00+01:00")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "traject"
    assert not Meeting.objects.exists()


def test_an_unknown_or_uninvolved_assignee_is_reported_under_uitvoerder(
    api, web, trajectory, alice, dave
):
    with time_machine.travel(BEFORE, tick=False):
        meeting = plan_meeting(trajectory, alice, users=[alice])
    url = f"/api/v1/trajecten/{trajectory.uuid}/overleggen/{meeting.uuid}/verslag"
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = api(alice).post(
            url,
            {"versie": 1, "besluiten": [{"tekst": "Iets", "uitvoerder": str(dave.uuid)}]},
            format="json",
        )
    assert response.status_code == 400
    [problem] = response.json()["invalidParams"]
    assert problem["name"] == "besluiten.0.uitvoerder"
    assert "betrokken" in problem["reason"]
    meeting.refresh_from_db()
    assert meeting.status == "gepland"
