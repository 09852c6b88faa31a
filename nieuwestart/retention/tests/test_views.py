"""The privacy officer's retention page: only the privacy officer, a hold by trajectory number,
lifting it; every step is logged. No case content on the page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.retention.models import LegalHold
from nieuwestart.retention.services import legal_hold_place

pytestmark = pytest.mark.django_db

PAGE = "/privacy/bewaartermijnen/"
OTHERS = ("alice", "mia", "bob", "carol", "dave", "justid", "admin_user")


def test_the_page_shows_terms_and_no_case_content(web: Any, priya: Any, trajectory: Any) -> None:
    legal_hold_place(actor=priya, trajectory=trajectory, reason="bezwaar", reference="B-1")
    page = web(priya).get(PAGE).content.decode()
    assert "zorginhoud" in page and "verwerkingenlog" in page
    assert str(trajectory.uuid) in page and "B-1" in page
    assert "Vries" not in page and "999993653" not in page


def test_privacy_officer_places_a_hold_by_trajectory_number(
    web: Any, priya: Any, trajectory: Any
) -> None:
    response = web(priya).post(
        PAGE, {"traject": str(trajectory.uuid), "reden": "klacht", "kenmerk": "K-7"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(trajectory=trajectory)
    assert (hold.reason, hold.reference, hold.placed_by) == ("klacht", "K-7", priya)
    entry = ProcessingLogEntry.objects.filter(
        trajectory_uuid=trajectory.uuid, username="priya", action="wijzigen"
    ).get()
    assert entry.purpose == "bewaren wegens bezwaar, klacht of procedure"


def test_an_unknown_number_or_a_second_hold_is_refused(
    web: Any, priya: Any, trajectory: Any
) -> None:
    client = web(priya)
    unknown = client.post(PAGE, {"traject": str(uuid.uuid4()), "reden": "klacht"})
    assert unknown.status_code == 400
    assert "Er is geen traject met dit nummer." in unknown.content.decode()
    client.post(PAGE, {"traject": str(trajectory.uuid), "reden": "klacht"})
    second = client.post(PAGE, {"traject": str(trajectory.uuid), "reden": "procedure"})
    assert second.status_code == 400
    assert LegalHold.objects.filter(trajectory=trajectory).count() == 1


@pytest.mark.parametrize("persona", OTHERS)
def test_only_the_privacy_officer_places_or_lifts_a_hold(
    request: Any, web: Any, priya: Any, trajectory: Any, persona: str
) -> None:
    hold = legal_hold_place(actor=priya, trajectory=trajectory, reason="klacht")
    client = web(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 403
    assert (
        client.post(PAGE, {"traject": str(trajectory.uuid), "reden": "anders"}).status_code == 403
    )
    assert client.post(f"{PAGE}bewaarplicht/{hold.uuid}/opheffen").status_code == 403
    assert LegalHold.objects.get(pk=hold.pk).active


def test_anonymous_is_sent_to_sign_in(client: Any, priya: Any, trajectory: Any) -> None:
    hold = legal_hold_place(actor=priya, trajectory=trajectory, reason="klacht")
    assert client.get(PAGE).status_code == 302
    assert client.post(f"{PAGE}bewaarplicht/{hold.uuid}/opheffen").status_code == 302
    assert LegalHold.objects.get(pk=hold.pk).active


def test_privacy_officer_lifts_a_hold(web: Any, priya: Any, trajectory: Any) -> None:
    hold = legal_hold_place(actor=priya, trajectory=trajectory, reason="klacht")
    response = web(priya).post(f"{PAGE}bewaarplicht/{hold.uuid}/opheffen")
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by == priya
    assert web(priya).post(f"{PAGE}bewaarplicht/{uuid.uuid4()}/opheffen").status_code == 404
