"""The notifications page, the header count and the API, through HTTP.

A user only ever sees their own notifications, and only about trajectories they can still see:
when the trajectory moves to another municipality, Carol's notification about it disappears
from her list, her count and the API, and marking it is 404.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.notify.models import Notification
from nieuwestart.notify.services import scheduler_run
from nieuwestart.notify.tests.case import LATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, settings):
    settings.REQUIRE_SECOND_FACTOR = False

    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


@pytest.fixture
def notified(trajectory, alice, carol):
    """Alice: the screening is late and the municipality has not reacted to the sheet; Carol: her
    reaction to the sheet is late."""
    import datetime as dt

    import time_machine

    from nieuwestart.infosheet.services import infosheet_send

    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC), tick=False):
        infosheet_send(actor=alice, trajectory=trajectory)
    scheduler_run(today=LATE, deliver=False)
    return trajectory


def nav_link(html: str) -> str:
    match = re.search(r'<a [^>]*href="/berichten/"[^>]*>(.*?)</a>', html, re.S)
    assert match, "no Berichten link in the header"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_header_shows_the_unread_count_as_text(web, notified, alice):
    client = web(alice)
    unread = Notification.objects.filter(recipient=alice).count()
    assert unread == 2  # the late screening and the municipality's missing reaction
    assert " ".join(nav_link(client.get("/").content.decode()).split()) == "Berichten 2 ongelezen"
    Notification.objects.filter(recipient=alice).update(read_at="2026-11-20T12:00:00Z")
    assert nav_link(client.get("/").content.decode()) == "Berichten"


def test_no_notifications_link_outside_case_roles(web, priya):
    assert 'href="/berichten/"' not in web(priya).get("/privacy/").content.decode()


def test_the_list_shows_own_notifications_newest_first_and_logs_the_read(web, notified, alice):
    response = web(alice).get("/berichten/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Termijn te laat: Screening basisvoorwaarden afgerond" in html
    assert notified.person.sort_name in html
    assert f'href="/trajecten/{notified.uuid}"' in html
    assert ProcessingLogEntry.objects.filter(
        user=alice, purpose="berichten", trajectory_uuid=notified.uuid, channel="web"
    ).exists()


def test_mark_one_and_mark_all_as_read(web, notified, alice):
    client = web(alice)
    first = Notification.objects.filter(recipient=alice).first()
    assert first is not None
    response = client.post("/berichten/gelezen", {"bericht": str(first.uuid)})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert "Berichten 1 ongelezen" in " ".join(nav_link(client.get("/").content.decode()).split())
    client.post("/berichten/alles-gelezen")
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_marking_needs_the_csrf_token(notified, alice, settings):
    from django.test import Client

    settings.REQUIRE_SECOND_FACTOR = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/berichten/alles-gelezen").status_code == 403
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 2


def test_nobody_marks_someone_elses_notification(web, api, notified, alice, bob):
    alices = Notification.objects.filter(recipient=alice).first()
    assert alices is not None
    assert web(bob).post("/berichten/gelezen", {"bericht": str(alices.uuid)}).status_code == 404
    response = api(bob).post(f"/api/v1/berichten/{alices.uuid}/gelezen")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    alices.refresh_from_db()
    assert alices.read_at is None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("alice", 200),
        ("mia", 404),
        ("bob", 404),
        ("carol", 404),
        ("dave", 404),
        ("priya", 403),
        ("justid", 403),
        ("admin_user", 403),
    ],
)
def test_only_the_recipient_marks_a_notification_over_the_api(
    request, api, notified, alice, persona, expected
):
    alices = Notification.objects.filter(recipient=alice).first()
    assert alices is not None
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api(user).post(f"/api/v1/berichten/{alices.uuid}/gelezen")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["gelezenOp"] is not None
    else:
        assert response["Content-Type"] == "application/problem+json"


def test_a_notification_about_a_trajectory_no_longer_visible_is_hidden(
    web, api, notified, alice, carol
):
    from nieuwestart.organisations.models import Organisation
    from nieuwestart.trajectories.services import trajectory_change_return_municipality

    carols = Notification.objects.get(recipient=carol)
    client = web(carol)
    assert notified.person.sort_name in client.get("/berichten/").content.decode()

    trajectory_change_return_municipality(
        actor=alice,
        trajectory=notified,
        municipality=Organisation.objects.get(code="GM0363"),
        reason="Gaat in Amsterdam wonen.",
    )

    html = client.get("/berichten/").content.decode()
    assert notified.person.sort_name not in html
    assert carols.title not in html
    assert nav_link(client.get("/werk/").content.decode()) == "Berichten"
    assert api(carol).get("/api/v1/berichten").json()["count"] == 0
    assert client.post("/berichten/gelezen", {"bericht": str(carols.uuid)}).status_code == 404
    assert api(carol).post(f"/api/v1/berichten/{carols.uuid}/gelezen").status_code == 404


def test_the_api_lists_own_notifications_with_the_unread_filter(api, notified, alice, bob):
    client = api(alice)
    body = client.get("/api/v1/berichten").json()
    assert body["count"] == 2
    item = body["results"][0]
    assert set(item) == {
        "id",
        "soort",
        "titel",
        "tekst",
        "link",
        "traject",
        "persoon",
        "aangemaakt",
        "gelezenOp",
    }
    assert item["traject"] == str(notified.uuid)
    assert item["persoon"] == {"naam": notified.person.full_name}
    client.post(f"/api/v1/berichten/{item['id']}/gelezen")
    assert client.get("/api/v1/berichten?ongelezen=true").json()["count"] == 1
    assert client.get("/api/v1/berichten?ongelezen=false").json()["count"] == 1
    assert api(bob).get("/api/v1/berichten").json()["count"] == 0
    assert ProcessingLogEntry.objects.filter(
        user=alice, purpose="berichten", channel="api"
    ).exists()


def test_an_invalid_filter_is_a_problem_with_invalid_params(api, alice):
    response = api(alice).get("/api/v1/berichten?ongelezen=misschien")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == "ongelezen"


def test_the_e_mail_preference_is_saved(web, alice):
    from nieuwestart.notify.models import NotificationPreference

    client = web(alice)
    assert client.post("/berichten/instellingen", {"digest": "uit"}).status_code == 302
    assert NotificationPreference.objects.get(user=alice).digest == "uit"
    html = client.get("/berichten/").content.decode()
    assert re.search(r'<input[^>]*value="uit"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="dagelijks"[^>]*checked', html)


# --- Messages a user reads are translatable (Dutch msgids) --------------------------------------


def test_service_and_api_messages_are_translatable(marked_translation, api, alice, priya):
    import uuid

    from nieuwestart.notify import services
    from nieuwestart.trajectories.services import ServiceError

    with pytest.raises(services.NotificationNotFound) as missing:
        services.notification_mark_read(actor=alice, notification_uuid=uuid.uuid4())
    with pytest.raises(services.NotificationNotFound) as garbage:
        services.notification_mark_read(actor=alice, notification_uuid="geen-uuid")
    with pytest.raises(ServiceError) as preference:
        services.notification_preference_set(actor=alice, digest="elk-uur")
    for exc in (missing, garbage, preference):
        assert exc.value.message.startswith(marked_translation), exc.value.message

    response = api(alice).get("/api/v1/berichten?ongelezen=misschien")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["reason"].startswith(marked_translation)
    response = api(priya).get("/api/v1/berichten")
    assert response.status_code == 403
    assert response.json()["detail"].startswith(marked_translation)


def test_pages_of_the_list_one_notification_a_page(web, api, notified, alice, monkeypatch):
    """The list's pages (read through kept SQL, core.paging): each holds the next notification,
    newest first, with the total; past the end the API answers 400 naming `pagina`, the page
    shows the last page."""
    from nieuwestart.notify import views

    client = api(alice)
    everything = [item["id"] for item in client.get("/api/v1/berichten").json()["results"]]
    assert len(everything) == 2
    first = client.get("/api/v1/berichten?paginaGrootte=1").json()
    second = client.get("/api/v1/berichten?paginaGrootte=1&pagina=2").json()
    assert [first["count"], second["count"]] == [2, 2]
    assert [first["results"][0]["id"], second["results"][0]["id"]] == everything
    assert first["previous"] is None and "pagina=2" in first["next"]
    assert second["next"] is None and second["previous"]
    past = client.get("/api/v1/berichten?paginaGrootte=1&pagina=3")
    assert past.status_code == 400
    assert past.json()["invalidParams"][0]["name"] == "pagina"

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    page = web(alice)
    titles = [
        n.title for n in Notification.objects.filter(recipient=alice).order_by("-created_at", "-id")
    ]
    second_page = page.get("/berichten/?pagina=2").content.decode()
    assert "Pagina 2 van 2" in second_page
    assert titles[1] in second_page and titles[0] not in second_page
    assert "Pagina 2 van 2" in page.get("/berichten/?pagina=7").content.decode()
