"""The trajectory page's referral block and the pages to register and change a referral."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, settings):
    settings.REQUIRE_SECOND_FACTOR = False

    def login(user):
        client.force_login(user)
        return client

    return login


def test_block_shows_dates_waiting_days_and_the_release_signal(logged_in, alice, trajectory, refer):
    refer(
        alice,
        "beschermd-wonen",
        provider="RIBW Overijssel",
        referred_on=dt.date(2026, 11, 9),
        status="op-wachtlijst",
        expected_start=dt.date(2027, 6, 1),
    )
    html = logged_in(alice).get(f"/trajecten/{trajectory.uuid}").content.decode()
    assert "Verwijzingen en wachtlijsten" in html
    assert "RIBW Overijssel" in html
    assert "wacht 14 dagen" in html
    assert "Dreigt vrijlating zonder plek" in html
    assert "1 verwijzing is niet op tijd klaar voor de vrijlating." in html
    assert "Verwijzing registreren" in html


def test_register_through_the_form(logged_in, bob, trajectory):
    client = logged_in(bob)
    form = client.get(f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw")
    assert form.status_code == 200
    assert 'value="2026-11-23"' in form.content.decode()  # today as the referral date
    response = client.post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw",
        {
            "soort": "reclasseringstoezicht",
            "aanbieder": "Reclassering Nederland, unit Almelo",
            "aangemeldOp": "2026-11-20",
            "status": "aangemeld",
            "verwachteStart": "2027-03-15",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/trajecten/{trajectory.uuid}#verwijzingen")
    referral = Referral.objects.get()
    assert (referral.kind, referral.expected_start) == (
        "reclasseringstoezicht",
        dt.date(2027, 3, 15),
    )


def test_form_errors_are_dutch_and_keep_the_input(logged_in, alice, trajectory):
    response = logged_in(alice).post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw",
        {
            "soort": "begeleid-wonen",
            "aanbieder": "Stichting Domus",
            "aangemeldOp": "2026-12-24",
            "status": "aangemeld",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Er is iets niet goed ingevuld" in html
    assert "Deze datum ligt in de toekomst." in html
    assert 'value="Stichting Domus"' in html
    assert not Referral.objects.exists()


def test_edit_sets_the_actual_start(logged_in, alice, trajectory, refer):
    referral = refer(alice, status="op-wachtlijst")
    client = logged_in(alice)
    page = client.get(f"/trajecten/{trajectory.uuid}/verwijzingen/{referral.uuid}")
    assert page.status_code == 200
    response = client.post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/{referral.uuid}",
        {
            "aanbieder": "Stichting Domus Twente",
            "status": "gestart",
            "aangemeldOp": "2026-11-09",
            "werkelijkeStart": "2026-11-23",
            "versie": "1",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.actual_start) == ("gestart", dt.date(2026, 11, 23))


def test_conflict_keeps_the_input_and_shows_the_referral_as_it_is_now(
    logged_in, alice, bob, trajectory, refer
):
    from nieuwestart.referrals.services import referral_update

    referral = refer(alice)
    referral_update(
        actor=bob,
        trajectory=trajectory,
        referral_id=referral.uuid,
        expected_version=1,
        changes={"status": "op-wachtlijst", "expected_start": dt.date(2027, 2, 1)},
    )
    response = logged_in(alice).post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/{referral.uuid}",
        {
            "aanbieder": "Stichting Domus Twente",
            "status": "aangemeld",
            "aangemeldOp": "2026-11-09",
            "verwachteStart": "2027-05-05",
            "toelichting": "Mijn eigen aantekening",
            "versie": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Uw wijziging is niet opgeslagen" in html
    assert "Mijn eigen aantekening" in html
    assert 'value="2027-05-05"' in html
    assert "1 februari 2027" in html  # as it is saved now
    assert 'name="versie" value="2"' in html
    referral.refresh_from_db()
    assert referral.note == ""


def test_closed_trajectory_shows_no_register_button(logged_in, alice, trajectory):
    from nieuwestart.trajectories.models import Phase

    trajectory.phase = Phase.CLOSED
    trajectory.save()
    html = logged_in(alice).get(f"/trajecten/{trajectory.uuid}").content.decode()
    assert "Verwijzingen en wachtlijsten" in html
    assert "/verwijzingen/nieuw" not in html


def test_casemanager_registers_care_as_a_signal_without_provider(logged_in, alice, trajectory):
    client = logged_in(alice)
    form = client.get(f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw").content.decode()
    assert "Vul dan geen aanbieder, plaats of toelichting in" in form
    response = client.post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw",
        {"soort": "zorg", "aangemeldOp": "2026-11-20", "status": "aangemeld"},
    )
    assert response.status_code == 302
    assert Referral.objects.get().condition == "zorg"
    refused = client.post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw",
        {
            "soort": "behandeling",
            "aanbieder": "FPK Assen",
            "aangemeldOp": "2026-11-20",
            "status": "aangemeld",
        },
    )
    assert "zorginhoud" in refused.content.decode()
    assert Referral.objects.count() == 1


def test_housing_without_provider_is_refused_by_the_form(logged_in, alice, trajectory):
    response = logged_in(alice).post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw",
        {"soort": "begeleid-wonen", "aangemeldOp": "2026-11-20", "status": "aangemeld"},
    )
    assert "Vul in naar welke aanbieder of organisatie u verwijst." in response.content.decode()
    assert not Referral.objects.exists()


def test_impossible_dates_show_a_dutch_error_at_each_field(logged_in, alice, trajectory):
    response = logged_in(alice).post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw",
        {
            "soort": "begeleid-wonen",
            "aanbieder": "Stichting Domus",
            "aangemeldOp": "0001-01-01",
            "status": "aangemeld",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "meer dan een jaar vóór het begin van de detentie" in form.errors["aangemeldOp"][0]

    response = logged_in(alice).post(
        f"/trajecten/{trajectory.uuid}/verwijzingen/nieuw",
        {
            "soort": "begeleid-wonen",
            "aanbieder": "Stichting Domus",
            "aangemeldOp": "2026-11-10",
            "status": "aangemeld",
            "verwachteStart": "9999-12-31",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "meer dan 3 jaar na de aanmelding" in form.errors["verwachteStart"][0]
    assert not Referral.objects.exists()
