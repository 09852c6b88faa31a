"""The screening page: the whole intake on one page, saved at once (issue 3, items 1, 2, 4)."""

from __future__ import annotations

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.screening.models import Contribution, DomainAssessment, Screening
from nieuwestart.screening.tests.conftest import web_form

pytestmark = pytest.mark.django_db


def _url(trajectory, suffix=""):
    return f"/trajecten/{trajectory.uuid}/screening{suffix}"


FULL_SCREENING = web_form(
    lvb="ja",
    eersteDetentie="nee",
    taalbehoeften="tolk Arabisch",
    leesbehoeften="on",
    eigenWoorden="Ik wil terug naar mijn eigen huis en weer aan het werk.",
    **{
        "identiteit__geldigDocument": "nee",
        "identiteit__soortDocument": "paspoort",
        "identiteit__geldigTot": "2026-06-30",
        "identiteit__status": "hulp-nodig",
        "identiteit__hulpvraag": "Nieuwe ID-kaart aanvragen bij Enschede voor vrijlating.",
        "identiteit__actiePartner": "gemeente",
        "huisvesting__woonsituatie": "huurwoning",
        "huisvesting__woningBehouden": "ja",
        "huisvesting__ingeschrevenWoningzoekende": "on",
        "huisvesting__status": "aandacht",
        "huisvesting__hulpvraag": "Huur doorbetalen tot vrijlating, zodat hij de woning houdt.",
        "huisvesting__actiePartner": "gemeente",
        "huisvesting__toelichtingActie": "Team Nazorg Enschede",
        "inkomen__werkVoorDetentie": "on",
        "inkomen__werkOmschrijving": "Magazijnmedewerker via uitzendbureau",
        "inkomen__uitkeringAanvragen": "Bijstand vanaf de dag van vrijlating",
        "inkomen__digidNodig": "on",
        "inkomen__status": "hulp-nodig",
        "inkomen__hulpvraag": "Bijstand aanvragen en DigiD regelen voor vrijlating.",
        "inkomen__actiePartner": "inrichting",
        "financien__schuldenBekend": "ja",
        "financien__schuldenSchatting": "2.500",
        "financien__schuldeisers": "Belastingdienst, zorgverzekeraar",
        "financien__status": "hulp-nodig",
        "financien__hulpvraag": "Schulden op een rij en een betalingsregeling treffen.",
        "financien__actiePartner": "gemeente",
        "zorg__lopendeZorg": "on",
        "zorg__zorgcontinuiteitNodig": "on",
        "zorg__status": "aandacht",
        "zorg__hulpvraag": "Na vrijlating een afspraak bij de huisarts.",
        "zorg__actiePartner": "reclassering",
        "sociaal-netwerk__steunpersonen": "Zus Fatima, 06 1234 5678",
        "sociaal-netwerk__contactFamilie": "on",
        "sociaal-netwerk__status": "in-orde",
    },
)


def test_casemanager_does_the_whole_screening_in_one_save(web, trajectory, alice):
    client = web(alice)
    page = client.get(_url(trajectory))
    assert page.status_code == 200
    assert 'name="versie" value="0"' in page.content.decode()

    response = client.post(_url(trajectory), FULL_SCREENING, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "De screening is opgeslagen." in html
    screening = Screening.objects.get(trajectory=trajectory)
    assert screening.version == 1  # one save for everything
    assert (screening.lvb, screening.first_detention) == ("ja", "nee")
    assert screening.language_needs == "tolk Arabisch"
    assert screening.reading_needs is True
    by_domain = {a.domain: a for a in screening.assessments.all()}
    assert by_domain["huisvesting"].status == "aandacht"
    assert by_domain["huisvesting"].facts["woonsituatie"] == "huurwoning"
    assert by_domain["financien"].facts["schuldenSchatting"] == "2500.00"
    assert by_domain["identiteit"].facts["geldigTot"] == "2026-06-30"
    assert by_domain["huisvesting"].updated_by == alice
    # The page shows what was saved: status board, the help question, the derived short stay.
    assert "Huur doorbetalen tot vrijlating" in html
    assert "Hulp nodig" in html
    assert "Licht verstandelijke beperking (LVB)" in html
    assert 'value="2500"' in html or 'value="2.500"' in html


def test_short_stay_is_shown_not_asked(web, trajectory, alice):
    html = web(alice).get(_url(trajectory)).content.decode()
    # 2 November 2026 to 15 March 2027 is more than three months.
    assert "3 maanden of langer" in html
    assert "berekend uit de datums" in html
    assert 'name="kortVerblijf"' not in html


def test_help_question_is_required_for_attention_and_help_needed(web, trajectory, alice):
    response = web(alice).post(
        _url(trajectory),
        web_form(**{"huisvesting__status": "hulp-nodig", "zorg__status": "aandacht"}),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Er is iets niet goed ingevuld" in html
    assert html.count("Schrijf de hulpvraag op") >= 2
    assert "Huisvesting: Hulpvraag in woorden" in html  # the summary names the domain
    assert not Screening.objects.filter(trajectory=trajectory, version__gt=0).exists()


def test_concurrent_edit_is_refused_shows_what_changed_and_keeps_the_input(
    web, trajectory, alice, bob
):
    web(bob).post(
        _url(trajectory),
        web_form(
            **{
                "huisvesting__status": "hulp-nodig",
                "huisvesting__hulpvraag": "Opvang regelen: de woning is al opgezegd.",
            }
        ),
    )

    # Alice opened the form before Bob saved (version 0) and now saves her own input.
    response = web(alice).post(
        _url(trajectory),
        web_form(
            version=0,
            eigenWoorden="Mijn eigen woorden gaan niet verloren",
            **{"inkomen__status": "aandacht", "inkomen__hulpvraag": "DigiD aanvragen."},
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft de screening gewijzigd" in html
    assert "Huisvesting: status" in html and "Hulp nodig" in html
    assert "Opvang regelen: de woning is al opgezegd." in html
    assert "Bob Test" in html and "Reclassering Nederland" in html
    assert "Mijn eigen woorden gaan niet verloren" in html  # her input is still in the form
    assert "DigiD aanvragen." in html
    assert 'name="versie" value="1"' in html  # saving again now is a deliberate choice
    screening = Screening.objects.get(trajectory=trajectory)
    assert screening.version == 1
    assert screening.own_words == ""


def test_invalid_input_keeps_the_version_the_user_started_from(web, trajectory, alice, bob):
    web(bob).post(_url(trajectory), web_form(lvb="ja"))
    response = web(alice).post(
        _url(trajectory), web_form(version=0, **{"zorg__status": "aandacht"})
    )
    # Not a conflict message yet, but the form must still carry version 0, so the next save
    # is refused instead of silently overwriting Bob's change.
    assert 'name="versie" value="0"' in response.content.decode()


def test_municipality_sees_the_care_signal_but_not_the_care_content(web, trajectory, bob, carol):
    web(bob).post(
        _url(trajectory),
        web_form(
            **{
                "zorg__status": "hulp-nodig",
                "zorg__hulpvraag": "Behandeling moet doorlopen na vrijlating.",
                "zorg__verslaving": "Cocaïne, in behandeling bij Tactus",
                "zorg__zorgcontinuiteitNodig": "on",
            }
        ),
    )

    carol_page = web(carol).get(_url(trajectory)).content.decode()
    bob_page = web(bob).get(_url(trajectory)).content.decode()

    assert "Tactus" not in carol_page
    assert 'name="zorg__verslaving"' not in carol_page
    assert "Zorg nodig na vrijlating" in carol_page
    assert "ziet en schrijft alleen de reclassering" in carol_page
    assert "Tactus" in bob_page
    assert 'name="zorg__verslaving"' in bob_page


def test_prison_save_does_not_wipe_care_content_from_probation(web, trajectory, alice, bob):
    web(bob).post(
        _url(trajectory),
        web_form(
            **{
                "zorg__psychischeGezondheid": "PTSS, behandeling bij GGZ Oost",
                "zorg__lopendeZorg": "on",
            }
        ),
    )

    response = web(alice).post(
        _url(trajectory), web_form(version=1, **{"huisvesting__status": "in-orde"})
    )

    assert response.status_code == 302
    care = DomainAssessment.objects.get(screening__trajectory=trajectory, domain="zorg")
    assert care.facts["psychischeGezondheid"] == "PTSS, behandeling bij GGZ Oost"
    assert "lopendeZorg" not in care.facts or care.facts["lopendeZorg"] is False


def test_contribution_is_shown_with_name_organisation_and_date(web, trajectory, alice, carol):
    response = web(carol).post(
        _url(trajectory, "/bijdrage"),
        {"domein": "huisvesting", "tekst": "Huurachterstand van 3 maanden bij Domijn."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#domein-huisvesting")

    html = web(alice).get(_url(trajectory)).content.decode()

    assert "Huurachterstand van 3 maanden bij Domijn." in html
    assert "Carol Test, Enschede" in html
    contribution = Contribution.objects.get()
    assert (contribution.author, contribution.organisation.code) == (carol, "GM0153")


def test_contribution_on_care_is_not_shown_to_the_municipality(web, trajectory, bob, carol):
    web(bob).post(
        _url(trajectory, "/bijdrage"), {"domein": "zorg", "tekst": "Methadonprogramma loopt."}
    )
    assert "Methadonprogramma" not in web(carol).get(_url(trajectory)).content.decode()
    assert "Methadonprogramma" in web(bob).get(_url(trajectory)).content.decode()


def test_empty_contribution_is_refused_in_dutch(web, trajectory, carol):
    response = web(carol).post(_url(trajectory, "/bijdrage"), {"domein": "", "tekst": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kies een basisvoorwaarde." in html
    assert "Schrijf op wat u weet." in html
    assert not Contribution.objects.exists()


def test_save_and_complete(web, trajectory, alice):
    web(alice).post(_url(trajectory), {**web_form(lvb="nee"), "afronden": "1"})
    screening = Screening.objects.get(trajectory=trajectory)
    assert screening.completed_by == alice
    assert screening.completed_at is not None
    assert "Afgerond op" in web(alice).get(_url(trajectory)).content.decode()


def test_page_read_and_save_are_logged_with_their_categories(web, trajectory, alice, bob):
    before = ProcessingLogEntry.objects.count()
    web(alice).get(_url(trajectory))
    read = ProcessingLogEntry.objects.order_by("pk").last()
    assert (read.action, read.purpose, read.user) == ("raadplegen", "screening", alice)
    assert read.category_list == ["basisvoorwaarden", "identiteit"]

    web(bob).get(_url(trajectory))
    bob_read = ProcessingLogEntry.objects.order_by("pk").last()
    assert "zorginhoud" in bob_read.category_list  # probation sees care content

    web(bob).post(_url(trajectory), web_form(**{"zorg__verslaving": "Alcohol"}))
    write = ProcessingLogEntry.objects.filter(action__in=["aanmaken", "wijzigen"]).last()
    assert write.user == bob
    assert write.purpose == "screening"
    assert write.category_list == ["basisvoorwaarden", "zorginhoud"]
    assert "Alcohol" not in write.detail  # the log says what changed, not the content
    assert ProcessingLogEntry.objects.count() > before
