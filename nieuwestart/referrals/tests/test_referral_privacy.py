"""Care referrals reveal care content: per persona, who sees what (docs/referrals.md).

Bob (probation) sees care content in full. Alice (PI casemanager) and Carol (municipality) see a
care referral only as a signal: that it runs, its status and dates, never the kind, provider or
note, on the trajectory page, in the API and in the waiting lists. Housing and supervision
referrals are basic-condition data: everyone involved sees them in full.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.audit.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db

PROVIDER = "Mediant GGZ Enschede"
NOTE = "Behandeling van depressie, intake gepland"


@pytest.fixture
def referrals(bob, alice, refer):
    care = refer(bob, "zorg", provider=PROVIDER, note=NOTE, expected_start=dt.date(2027, 4, 1))
    housing = refer(
        alice,
        "beschermd-wonen",
        provider="Stichting Domus Twente",
        provider_city="Enschede",
        status="op-wachtlijst",
        expected_start=dt.date(2027, 9, 1),
    )
    return care, housing


def page_for(client, settings, user, trajectory):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(user)
    response = client.get(f"/trajecten/{trajectory.uuid}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_signal_readers_see_care_referral_without_provider_and_note(
    request, client, settings, trajectory, referrals, persona
):
    html = page_for(client, settings, request.getfixturevalue(persona), trajectory)
    assert "Zorg of behandeling" in html
    assert "1 april 2027" in html
    assert PROVIDER not in html
    assert NOTE not in html
    assert "GGZ of verslavingszorg" not in html
    # Housing is basic-condition data: in full.
    assert "Stichting Domus Twente" in html


def test_probation_sees_care_referral_in_full_and_the_read_is_logged(
    client, settings, bob, trajectory, referrals
):
    html = page_for(client, settings, bob, trajectory)
    assert PROVIDER in html
    assert NOTE in html
    reads = ProcessingLogEntry.objects.filter(
        user=bob, action="raadplegen", purpose="verwijzingen", categories__contains="zorginhoud"
    )
    assert reads.count() == 1


def test_signal_reader_page_read_is_not_logged_as_care_content(
    client, settings, carol, trajectory, referrals
):
    page_for(client, settings, carol, trajectory)
    assert not ProcessingLogEntry.objects.filter(
        user=carol, categories__contains="zorginhoud"
    ).exists()


@pytest.mark.parametrize(
    ("persona", "sees_content"), [("alice", False), ("bob", True), ("carol", False)]
)
def test_api_hides_care_content_per_persona(
    request, api, trajectory, referrals, persona, sees_content
):
    user = request.getfixturevalue(persona)
    response = api(user).get(f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen")
    assert response.status_code == 200
    care = next(r for r in response.json()["results"] if r["basisvoorwaarde"] == "zorg")
    housing = next(r for r in response.json()["results"] if r["basisvoorwaarde"] == "huisvesting")
    assert care["verborgen"] is not sees_content
    assert (care["aanbieder"] == PROVIDER) is sees_content
    assert (care["toelichting"] == NOTE) is sees_content
    assert (care["soort"] == "zorg") is sees_content
    assert care["verwachteStart"] == "2027-04-01"
    assert housing["aanbieder"] == "Stichting Domus Twente"
    entry = ProcessingLogEntry.objects.filter(user=user, purpose="verwijzingen").latest("pk")
    assert ("zorginhoud" in entry.categories) is sees_content


@pytest.mark.parametrize(
    ("persona", "sees_content"), [("alice", False), ("bob", True), ("carol", False)]
)
def test_waiting_list_hides_care_content_per_persona(
    request, api, client, settings, trajectory, referrals, persona, sees_content
):
    user = request.getfixturevalue(persona)
    results = api(user).get("/api/v1/werklijst/wachtlijsten").json()["results"]
    care = next(r["verwijzing"] for r in results if r["verwijzing"]["basisvoorwaarde"] == "zorg")
    assert (care["aanbieder"] == PROVIDER) is sees_content
    assert (care["toelichting"] == NOTE) is sees_content
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(user)
    html = client.get("/werk/", {"lijst": "wachtlijsten"}).content.decode()
    assert (PROVIDER in html) is sees_content
    assert "Stichting Domus Twente" in html


def test_municipality_cannot_read_back_care_details_on_the_edit_page(
    client, settings, carol, trajectory, referrals
):
    care, _ = referrals
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(carol)
    response = client.get(f"/trajecten/{trajectory.uuid}/verwijzingen/{care.uuid}")
    html = response.content.decode()
    assert response.status_code == 200
    assert PROVIDER not in html
    assert NOTE not in html
    assert 'name="aanbieder"' not in html
    assert 'name="status"' in html


def test_municipality_registers_housing_and_reads_it_back(api, carol, trajectory):
    response = api(carol).post(
        f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen",
        {
            "soort": "begeleid-wonen",
            "aanbieder": "Leger des Heils Oost Nederland",
            "aangemeldOp": "2026-11-16",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["aanbieder"] == "Leger des Heils Oost Nederland"


def test_municipality_cannot_write_care_provider_through_the_api(api, carol, trajectory):
    response = api(carol).post(
        f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen",
        {"soort": "zorg", "aanbieder": PROVIDER, "aangemeldOp": "2026-11-16"},
        format="json",
    )
    assert response.status_code == 400
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert names == ["aanbieder"]


# --- Every page that shows personal data is logged, also after a failed POST -------------------


def _reads(user, trajectory):
    return list(
        ProcessingLogEntry.objects.filter(
            user=user,
            action="raadplegen",
            purpose="verwijzingen",
            trajectory_uuid=trajectory.uuid,
        ).order_by("pk")
    )


def test_create_form_with_errors_is_logged_as_a_read(client, settings, bob, trajectory):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(bob)
    before = len(_reads(bob, trajectory))
    response = client.post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw", {"soort": "begeleid-wonen"}
    )
    assert response.status_code == 200
    assert trajectory.person.full_name in response.content.decode()
    reads = _reads(bob, trajectory)
    assert len(reads) == before + 1
    assert set(reads[-1].category_list) == {"identiteit", "basisvoorwaarden"}


def test_edit_form_with_errors_is_logged_with_care_content_for_probation(
    client, settings, bob, trajectory, referrals
):
    care, _housing = referrals
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(bob)
    before = len(_reads(bob, trajectory))
    response = client.post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/{care.uuid}",
        {"status": "aangemeld", "aangemeldOp": "geen datum", "versie": "1"},
    )
    assert response.status_code == 200
    assert PROVIDER in response.content.decode()
    reads = _reads(bob, trajectory)
    assert len(reads) == before + 1
    assert "zorginhoud" in reads[-1].category_list


def _conflict(client, settings, user, trajectory, care):
    from nieuwestart.referrals.services import referral_update

    referral_update(
        actor=user,
        trajectory=trajectory,
        referral_id=care.uuid,
        expected_version=1,
        changes={"expected_start": dt.date(2027, 5, 1)},
    )
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(user)
    return client.post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/{care.uuid}",
        {"status": "aangemeld", "aangemeldOp": "2026-11-09", "versie": "1"},
    )


def test_conflict_page_showing_care_content_is_logged_as_care_read(
    client, settings, bob, trajectory, referrals
):
    care, _housing = referrals
    before = len(_reads(bob, trajectory))
    response = _conflict(client, settings, bob, trajectory, care)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Uw wijziging is niet opgeslagen" in html
    assert PROVIDER in html
    reads = _reads(bob, trajectory)
    assert len(reads) == before + 1
    assert set(reads[-1].category_list) == {"identiteit", "basisvoorwaarden", "zorginhoud"}


def test_conflict_page_for_a_signal_reader_is_logged_without_care_content(
    client, settings, carol, trajectory, referrals
):
    care, _housing = referrals
    before = len(_reads(carol, trajectory))
    response = _conflict(client, settings, carol, trajectory, care)
    html = response.content.decode()
    assert "Uw wijziging is niet opgeslagen" in html
    assert PROVIDER not in html
    reads = _reads(carol, trajectory)
    assert len(reads) == before + 1
    assert "zorginhoud" not in reads[-1].category_list
