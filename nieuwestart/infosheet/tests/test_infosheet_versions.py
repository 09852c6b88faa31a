"""Sending, receiving and acknowledging the sheet, and new versions after a change (issue 3,
item 5): the PI sends, the municipality has it in its work list at once and acknowledges it;
when the plan or the screening changes, a new version is offered; versions stay as they were.

Also the per-persona checks of the routes with a version number, which the access matrix
cannot reach without a sent version.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.infosheet.selectors import new_version_available
from nieuwestart.infosheet.tests.case import HELP_HOUSING, screen

pytestmark = pytest.mark.django_db

SEND = "/api/v1/trajecten/{id}/informatieblad/versturen"
ACK = "/api/v1/trajecten/{id}/informatieblad/{n}/ontvangstbevestiging"


def _send(api, user, trajectory):
    return api(user).post(SEND.format(id=trajectory.uuid))


def test_sent_sheet_is_received_by_the_municipality_which_acknowledges_it(
    api, filled, alice, carol
):
    response = _send(api, alice, filled)
    assert response.status_code == 201
    sent = response.json()
    assert sent["nummer"] == 1
    assert sent["status"] == "ontvangen"  # delivered to the municipality's work list
    assert sent["ontvanger"] == {"code": "GM0153", "naam": "Enschede"}
    assert sent["ontvangenOp"] == sent["verstuurdOp"]
    assert sent["verstuurdDoor"]["naam"] == "Alice Test"
    assert sent["inhoud"]["vraagAanGemeente"]["hulpvragen"]
    assert response["Location"] == f"/api/v1/trajecten/{filled.uuid}/informatieblad/1"

    versions = api(carol).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad").json()["versies"]
    assert [(v["nummer"], v["status"]) for v in versions] == [(1, "ontvangen")]

    response = api(carol).post(ACK.format(id=filled.uuid, n=1))
    assert response.status_code == 200
    assert response.json()["status"] == "bevestigd"
    assert response.json()["bevestigdDoor"] == {
        "naam": "Carol Test",
        "organisatie": {"code": "GM0153", "naam": "Enschede"},
    }
    sheet = InfoSheet.objects.get(trajectory=filled, number=1)
    assert sheet.acknowledged_by == carol
    assert sheet.acknowledged_organisation.code == "GM0153"

    again = api(carol).post(ACK.format(id=filled.uuid, n=1))
    assert again.status_code == 409
    assert "al bevestigd" in again.json()["detail"]


def test_the_same_sheet_is_not_sent_twice(api, filled, alice):
    assert _send(api, alice, filled).status_code == 201
    response = _send(api, alice, filled)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert "Er is niets veranderd sinds versie 1" in response.json()["detail"]
    assert InfoSheet.objects.filter(trajectory=filled).count() == 1


def test_a_screening_change_offers_a_new_version_and_sending_makes_version_2(
    web, api, filled, alice, carol
):
    _send(api, alice, filled)
    assert new_version_available(filled) is False
    page = web(alice).get(f"/trajecten/{filled.uuid}/informatieblad").content.decode()
    assert "Nieuwe versie versturen" not in page

    new_question = "Huur doorbetalen en de huurachterstand regelen met Domijn."
    screen(
        carol,
        filled,
        huisvesting={
            "status": "hulp-nodig",
            "help_question": new_question,
            "acting_partner": "gemeente",
        },
    )
    assert new_version_available(filled) is True
    page = web(alice).get(f"/trajecten/{filled.uuid}/informatieblad").content.decode()
    assert "Er is een nieuwe versie." in page
    assert "basisvoorwaarden" in page  # what changed
    assert "Nieuwe versie versturen" in page

    response = web(alice).post(f"/trajecten/{filled.uuid}/informatieblad/versturen")
    assert response.status_code == 302
    assert list(InfoSheet.objects.filter(trajectory=filled).values_list("number", flat=True)) == [
        2,
        1,
    ]
    assert new_version_available(filled) is False
    # Version 1 stays as it was sent; version 2 has the new help question.
    old = web(carol).get(f"/trajecten/{filled.uuid}/informatieblad/1").content.decode()
    new = web(carol).get(f"/trajecten/{filled.uuid}/informatieblad/2").content.decode()
    assert HELP_HOUSING in old and new_question not in old
    assert new_question in new
    assert "Er is een nieuwere versie." in old


def test_a_plan_change_offers_a_new_version(api, filled, alice, carol):
    from nieuwestart.plans.services import plan_task_add

    _send(api, alice, filled)
    plan_task_add(
        actor=alice,
        trajectory=filled,
        expected_version=None,
        domain="huisvesting",
        what="Huurachterstand betalen uit de bijzondere bijstand",
        organisation=carol.organisation,
        due_date=dt.date(2027, 2, 1),
    )
    assert new_version_available(filled) is True
    data = api(carol).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad").json()
    assert data["nieuweVersieBeschikbaar"] is True
    assert _send(api, alice, filled).json()["nummer"] == 2


def test_only_the_pi_casemanager_sends(api, web, filled, mia, bob, carol):
    for user in (mia, bob, carol):
        assert _send(api, user, filled).status_code == 403
        assert (
            web(user).post(f"/trajecten/{filled.uuid}/informatieblad/versturen").status_code == 403
        )
    assert not InfoSheet.objects.filter(trajectory=filled).exists()


def test_the_sheet_page_offers_sending_only_to_the_pi(web, filled, alice, carol):
    assert (
        "Informatieblad versturen"
        in web(alice).get(f"/trajecten/{filled.uuid}/informatieblad").content.decode()
    )
    page = web(carol).get(f"/trajecten/{filled.uuid}/informatieblad").content.decode()
    assert "Informatieblad versturen" not in page
    assert "De casemanager van de inrichting verstuurt het informatieblad." in page


@pytest.mark.parametrize(
    ("persona", "api_status", "web_status"),
    [
        ("anonymous", 401, 302),
        ("alice", 403, 403),
        ("mia", 403, 403),
        ("bob", 403, 403),
        ("carol", 200, 302),
        ("dave", 404, 404),
        ("priya", 404, 404),
        ("justid", 404, 404),
        ("admin_user", 404, 404),
    ],
)
def test_only_the_municipality_acknowledges(
    request, api, web, filled, alice, persona, api_status, web_status
):
    from nieuwestart.infosheet.services import infosheet_send

    infosheet_send(actor=alice, trajectory=filled)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api(user).post(ACK.format(id=filled.uuid, n=1))
    assert response.status_code == api_status
    assert response["Content-Type"] == (
        "application/json" if api_status == 200 else "application/problem+json"
    )
    InfoSheet.objects.filter(trajectory=filled).update(acknowledged_at=None, acknowledged_by=None)
    response = web(user).post(f"/trajecten/{filled.uuid}/informatieblad/1/ontvangen")
    assert response.status_code == web_status
    acknowledged = InfoSheet.objects.get(trajectory=filled, number=1).acknowledged_at is not None
    assert acknowledged == (persona == "carol")


@pytest.mark.parametrize(
    ("persona", "api_status", "web_status"),
    [
        ("anonymous", 401, 302),
        ("alice", 200, 200),
        ("mia", 200, 200),
        ("bob", 200, 200),
        ("carol", 200, 200),
        ("dave", 404, 404),
        ("priya", 404, 404),
        ("justid", 404, 404),
        ("admin_user", 404, 404),
    ],
)
def test_a_sent_version_is_readable_by_everyone_involved(
    request, api, web, filled, alice, persona, api_status, web_status
):
    from nieuwestart.infosheet.services import infosheet_send

    infosheet_send(actor=alice, trajectory=filled)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api(user).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad/1")
    assert response.status_code == api_status
    if api_status == 200:
        assert response.json()["inhoud"]["persoon"]["naam"] == "Jan de Vries"
    client = web(user)
    assert client.get(f"/trajecten/{filled.uuid}/informatieblad/1").status_code == web_status
    assert client.get(f"/trajecten/{filled.uuid}/informatieblad/1.pdf").status_code == web_status


def test_an_unknown_version_is_not_found(api, web, filled, carol):
    assert api(carol).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad/7").status_code == 404
    assert api(carol).post(ACK.format(id=filled.uuid, n=7)).status_code == 404
    assert web(carol).get(f"/trajecten/{filled.uuid}/informatieblad/7").status_code == 404
    assert (
        web(carol).post(f"/trajecten/{filled.uuid}/informatieblad/7/ontvangen").status_code == 404
    )


def test_a_version_as_pdf_says_which_version_it_is(api, web, filled, alice, carol):
    from nieuwestart.infosheet.tests.case import pdf_text

    _send(api, alice, filled)
    response = api(carol).get(
        f"/api/v1/trajecten/{filled.uuid}/informatieblad/1", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert "Versie 1, verstuurd op" in pdf_text(response.content)
    text = pdf_text(web(carol).get(f"/trajecten/{filled.uuid}/informatieblad/1.pdf").content)
    assert "Versie 1, verstuurd op" in text


def test_a_new_return_municipality_cannot_acknowledge_what_went_to_the_old_one(
    api, filled, alice, dave
):
    from nieuwestart.organisations.models import Organisation
    from nieuwestart.trajectories.services import trajectory_change_return_municipality

    _send(api, alice, filled)
    trajectory_change_return_municipality(
        actor=alice,
        trajectory=filled,
        municipality=Organisation.objects.get(code="GM0363"),
        reason="Gaat bij zijn zus in Amsterdam wonen.",
        expected_version=filled.version,
    )
    response = api(dave).post(ACK.format(id=filled.uuid, n=1))
    assert response.status_code == 403
    assert "Enschede" in response.json()["detail"]
    # The sheet for Amsterdam is a new version, sent to Amsterdam.
    assert _send(api, alice, filled).json()["ontvanger"]["code"] == "GM0363"
    assert api(dave).post(ACK.format(id=filled.uuid, n=2)).status_code == 200


def test_the_trajectory_page_block_shows_the_last_version_and_the_offer(filled, alice, carol):
    from django.template.loader import render_to_string

    from nieuwestart.infosheet.selectors import sheet_summary
    from nieuwestart.infosheet.services import infosheet_send

    def block() -> str:
        return render_to_string(
            "infosheet/_trajectory_block.html",
            {"trajectory": filled, "infosheet": sheet_summary(filled)},
        )

    assert "nog niet naar de gemeente gestuurd" in block()
    infosheet_send(actor=alice, trajectory=filled)
    html = block()
    assert "Versie 1 is op" in html and "Ontvangst nog niet bevestigd" in html
    assert "Er is een nieuwe versie" not in html
    screen(carol, filled, huisvesting={"status": "in-orde"})
    assert "Er is een nieuwe versie van het informatieblad." in block()
    assert f"/trajecten/{filled.uuid}/mijn-plan" in block()
