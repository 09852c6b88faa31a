"""The screening over the API: one PUT for the whole screening, ETag/If-Match, the sharing
policy on care content, contributions and the processing log (issue 3, items 1, 2, 4, 7)."""

from __future__ import annotations

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.screening.models import DomainAssessment, Screening

pytestmark = pytest.mark.django_db


def _url(trajectory, suffix=""):
    return f"/api/v1/trajecten/{trajectory.uuid}/screening{suffix}"


FULL = {
    "kenmerken": {
        "lvb": "ja",
        "eersteDetentie": "ja",
        "taalbehoeften": "tolk Arabisch",
        "leesbehoeften": True,
    },
    "eigenWoorden": "Ik wil mijn dochter weer zien.",
    "domeinen": {
        "identiteit": {
            "status": "hulp-nodig",
            "hulpvraag": "Nieuwe ID-kaart aanvragen voor vrijlating.",
            "actiePartner": "gemeente",
            "feiten": {"geldigDocument": "nee", "soortDocument": "id-kaart"},
        },
        "huisvesting": {
            "status": "aandacht",
            "hulpvraag": "Huur doorbetalen zodat hij de woning houdt.",
            "actiePartner": "gemeente",
            "toelichtingActie": "Team Nazorg Enschede",
            "feiten": {"woonsituatie": "huurwoning", "woningBehouden": "onbekend"},
        },
        "inkomen": {
            "status": "hulp-nodig",
            "hulpvraag": "Bijstand aanvragen voor de dag van vrijlating.",
            "actiePartner": "inrichting",
            "feiten": {"werkVoorDetentie": False, "digidNodig": True, "bankrekeningNodig": True},
        },
        "financien": {
            "status": "aandacht",
            "hulpvraag": "Schulden op een rij zetten.",
            "feiten": {"schuldenBekend": "ja", "schuldenSchatting": 4200, "bewindvoering": False},
        },
        "zorg": {
            "status": "aandacht",
            "hulpvraag": "Huisarts regelen na vrijlating.",
            "feiten": {"lopendeZorg": True, "zorgcontinuiteitNodig": True},
        },
        "sociaal-netwerk": {
            "status": "in-orde",
            "feiten": {"steunpersonen": "Moeder", "contactFamilie": True},
        },
    },
}


def test_whole_screening_in_one_put(api, trajectory, alice):
    client = api(alice)
    first = client.get(_url(trajectory))
    assert first.status_code == 200
    assert first["ETag"] == f'"{trajectory.uuid}-s0"'
    assert first.json()["domeinen"]["huisvesting"]["status"] == "onbekend"

    response = client.put(_url(trajectory), FULL, format="json", HTTP_IF_MATCH=first["ETag"])

    assert response.status_code == 200, response.json()
    assert response["ETag"] == f'"{trajectory.uuid}-s1"'
    body = response.json()
    assert body["versie"] == 1
    assert body["kenmerken"]["lvb"] == "ja"
    assert body["kenmerken"]["kortVerblijf"] is False  # derived, not sent
    assert body["eigenWoorden"] == "Ik wil mijn dochter weer zien."
    housing = body["domeinen"]["huisvesting"]
    assert housing["hulpvraag"] == "Huur doorbetalen zodat hij de woning houdt."
    assert housing["gewijzigdDoor"] == "Alice Test"
    assert housing["gewijzigdDoorOrganisatie"] == "PI Almelo"
    assert body["domeinen"]["financien"]["feiten"]["schuldenSchatting"] == "4200.00"
    assert body["domeinen"]["zorg"]["zorgNodigNaVrijlating"] is True
    # A GET, changed and sent back as it is, is accepted (read-only fields are ignored).
    body["domeinen"]["huisvesting"]["status"] = "in-orde"
    again = client.put(_url(trajectory), body, format="json", HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200, again.json()
    assert again.json()["domeinen"]["huisvesting"]["status"] == "in-orde"
    assert again.json()["domeinen"]["inkomen"]["status"] == "hulp-nodig"


def test_every_invalid_field_is_named(api, trajectory, alice):
    body = {
        "versie": 0,
        "kenmerken": {"lvb": "misschien"},
        "domeinen": {
            "huisvesting": {"status": "hulp-nodig", "hulpvraag": ""},
            "zorg": {"status": "aandacht"},
            "identiteit": {"feiten": {"geldigTot": "31-12-2027", "kleur": "blauw"}},
            "financien": {"feiten": {"schuldenSchatting": "veel"}},
            "werk": {"status": "in-orde"},
        },
        "onbekendVeld": 1,
    }

    response = api(alice).put(_url(trajectory), body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    params = {p["name"]: p["reason"] for p in response.json()["invalidParams"]}
    assert set(params) == {
        "kenmerken.lvb",
        "domeinen.huisvesting.hulpvraag",
        "domeinen.zorg.hulpvraag",
        "domeinen.identiteit.feiten.geldigTot",
        "domeinen.identiteit.feiten.kleur",
        "domeinen.financien.feiten.schuldenSchatting",
        "domeinen.werk",
        "onbekendVeld",
    }
    assert "Schrijf de hulpvraag op" in params["domeinen.huisvesting.hulpvraag"]
    assert not Screening.objects.filter(version__gt=0).exists()


def test_stale_if_match_is_412_and_says_what_changed(api, trajectory, alice, carol):
    etag = api(alice).get(_url(trajectory))["ETag"]
    carol_body = {
        "versie": 0,
        "domeinen": {"huisvesting": {"status": "hulp-nodig", "hulpvraag": "Opvang regelen."}},
    }
    assert api(carol).put(_url(trajectory), carol_body, format="json").status_code == 200

    response = api(alice).put(_url(trajectory), FULL, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert "Huisvesting: status: Hulp nodig" in problem["detail"]
    assert {"veld": "Huisvesting: hulpvraag", "waarde": "Opvang regelen."} in [
        {"veld": c["veld"], "waarde": c["waarde"]} for c in problem["wijzigingen"]
    ]
    assert problem["wijzigingen"][0]["organisatie"] == "Enschede"
    assert Screening.objects.get().lvb == "onbekend"  # Alice's body was not saved


def test_stale_version_field_is_409(api, trajectory, alice, bob):
    api(bob).put(_url(trajectory), {"versie": 0, "kenmerken": {"lvb": "ja"}}, format="json")
    response = api(alice).put(_url(trajectory), {**FULL, "versie": 0}, format="json")
    assert response.status_code == 409
    assert "LVB" in response.json()["detail"]


def test_missing_version_is_428(api, trajectory, alice):
    response = api(alice).put(_url(trajectory), FULL, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert "If-Match" in response.json()["detail"]
    assert not Screening.objects.exists()


def test_etag_of_another_trajectory_is_412(api, trajectory, alice):
    other = '"00000000-0000-4000-8000-000000000000-s0"'
    response = api(alice).put(_url(trajectory), FULL, format="json", HTTP_IF_MATCH=other)
    assert response.status_code == 412


CARE_BY_PROBATION = {
    "versie": 0,
    "domeinen": {
        "zorg": {
            "status": "hulp-nodig",
            "hulpvraag": "Behandeling moet doorlopen.",
            "feiten": {
                "verslaving": "Alcohol, in behandeling bij Tactus",
                "psychischeGezondheid": "Depressie",
                "zorgaanbieder": "Tactus Enschede",
                "zorgcontinuiteitNodig": True,
            },
        }
    },
}


def test_care_content_only_for_full_care_visibility(api, trajectory, alice, bob, carol):
    assert api(bob).put(_url(trajectory), CARE_BY_PROBATION, format="json").status_code == 200

    as_bob = api(bob).get(_url(trajectory)).json()["domeinen"]["zorg"]
    as_carol = api(carol).get(_url(trajectory)).json()["domeinen"]["zorg"]
    as_alice = api(alice).get(_url(trajectory)).json()["domeinen"]["zorg"]

    assert as_bob["feiten"]["verslaving"] == "Alcohol, in behandeling bij Tactus"
    for hidden in (as_carol, as_alice):
        assert "verslaving" not in hidden["feiten"]
        assert "psychischeGezondheid" not in hidden["feiten"]
        assert "zorgaanbieder" not in hidden["feiten"]
        assert "Tactus" not in str(hidden)
        assert hidden["zorgNodigNaVrijlating"] is True  # the signal everyone sees
        assert hidden["feiten"]["zorgcontinuiteitNodig"] is True


def test_municipality_cannot_write_care_content(api, trajectory, carol):
    body = {"versie": 0, "domeinen": {"zorg": {"feiten": {"verslaving": "Heroïne"}}}}
    response = api(carol).put(_url(trajectory), body, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "domeinen.zorg.feiten.verslaving"


def test_prison_save_keeps_care_content_it_cannot_see(api, trajectory, alice, bob):
    api(bob).put(_url(trajectory), CARE_BY_PROBATION, format="json")
    client = api(alice)
    read = client.get(_url(trajectory))
    body = read.json()
    body["domeinen"]["zorg"]["feiten"]["lopendeZorg"] = True

    response = client.put(_url(trajectory), body, format="json", HTTP_IF_MATCH=read["ETag"])

    assert response.status_code == 200
    facts = DomainAssessment.objects.get(domain="zorg").facts
    assert facts["verslaving"] == "Alcohol, in behandeling bij Tactus"
    assert facts["zorgaanbieder"] == "Tactus Enschede"
    assert facts["lopendeZorg"] is True


def test_conflict_message_does_not_reveal_care_content(api, trajectory, alice, bob):
    etag = api(alice).get(_url(trajectory))["ETag"]
    api(bob).put(_url(trajectory), CARE_BY_PROBATION, format="json")

    response = api(alice).put(_url(trajectory), FULL, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert "Tactus" not in response.content.decode()
    assert "zorg die u niet kunt zien" in response.json()["detail"]


def test_contributions_are_attributed(api, trajectory, bob, carol):
    response = api(carol).post(
        _url(trajectory, "/bijdragen"),
        {"domein": "financien", "tekst": "Bekend bij schuldhulp Enschede sinds 2024."},
        format="json",
    )

    assert response.status_code == 201
    created = response.json()
    assert (created["auteur"], created["organisatie"]) == ("Carol Test", "Enschede")
    listed = api(bob).get(_url(trajectory)).json()["domeinen"]["financien"]["bijdragen"]
    assert [(c["tekst"], c["auteur"], c["organisatie"]) for c in listed] == [
        ("Bekend bij schuldhulp Enschede sinds 2024.", "Carol Test", "Enschede")
    ]
    assert listed[0]["datum"]


def test_invalid_contribution_names_the_fields(api, trajectory, carol):
    response = api(carol).post(
        _url(trajectory, "/bijdragen"), {"domein": "werk", "tekst": " "}, format="json"
    )
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalidParams"]} == {"domein", "tekst"}


def test_contribution_does_not_make_an_open_form_stale(api, trajectory, alice, carol):
    etag = api(alice).get(_url(trajectory))["ETag"]
    api(carol).post(
        _url(trajectory, "/bijdragen"),
        {"domein": "zorg", "tekst": "Huisarts bekend."},
        format="json",
    )
    response = api(alice).put(_url(trajectory), FULL, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200


def test_every_read_and_write_is_logged(api, trajectory, alice, bob, carol):
    def last():
        return ProcessingLogEntry.objects.order_by("pk").last()

    api(carol).get(_url(trajectory))
    entry = last()
    assert (entry.user, entry.action, entry.purpose, entry.channel) == (
        carol,
        "raadplegen",
        "screening",
        "api",
    )
    assert entry.category_list == ["basisvoorwaarden"]

    api(bob).get(_url(trajectory))
    assert last().category_list == ["basisvoorwaarden", "zorginhoud"]

    api(alice).put(_url(trajectory), {**FULL, "versie": 0}, format="json")
    entry = last()
    assert (entry.user, entry.action, entry.category_list) == (
        alice,
        "aanmaken",
        ["basisvoorwaarden"],
    )
    assert entry.trajectory_uuid == trajectory.uuid

    api(bob).put(_url(trajectory), {**CARE_BY_PROBATION, "versie": 1}, format="json")
    entry = last()
    assert (entry.action, entry.category_list) == ("wijzigen", ["basisvoorwaarden", "zorginhoud"])

    api(carol).post(
        _url(trajectory, "/bijdragen"),
        {"domein": "zorg", "tekst": "Huisarts bekend."},
        format="json",
    )
    entry = last()
    assert (entry.action, entry.category_list) == ("aanmaken", ["basisvoorwaarden", "zorginhoud"])

    # A refused save (stale version) changes nothing, so it writes no change row.
    count = ProcessingLogEntry.objects.count()
    assert api(alice).put(_url(trajectory), {"versie": 0}, format="json").status_code == 409
    assert ProcessingLogEntry.objects.count() == count


def test_openapi_documents_the_screening(api, trajectory):
    schema = api(None).get("/api/v1/openapi.json").json()
    screening = schema["paths"]["/api/v1/trajecten/{traject_id}/screening"]
    assert screening["get"]["operationId"] == "screening_read"
    assert screening["put"]["operationId"] == "screening_update"
    assert {"412", "428", "409"} <= set(screening["put"]["responses"])
    bijdragen = schema["paths"]["/api/v1/trajecten/{traject_id}/screening/bijdragen"]
    assert bijdragen["post"]["operationId"] == "screening_bijdrage_create"
    components = schema["components"]["schemas"]
    assert "verslaving" in components["ScreeningFeitenZorgRequest"]["properties"]


def test_put_can_complete_the_screening(api, trajectory, alice):
    response = api(alice).put(
        _url(trajectory), {**FULL, "versie": 0, "afgerond": True}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["afgerond"] is True
    assert body["afgerondDoor"] == "Alice Test"
    assert body["versie"] == 2  # saved, then completed
    assert response["ETag"] == f'"{trajectory.uuid}-s2"'


def test_if_match_star_is_not_a_version(api, trajectory, alice):
    response = api(alice).put(_url(trajectory), FULL, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 428
