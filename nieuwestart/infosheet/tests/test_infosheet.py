"""The information sheet answers the report's complaints (§3.1, §3.4) and keeps the sharing
policy: the municipality gets the casemanager's contact details, the release date, the concrete
help question per basic condition, the flags (LVB!), probation's contact and what the PI asks of
it, and never care content, offence or behaviour."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from nieuwestart.infosheet.api import InformatiebladInhoudSerializer
from nieuwestart.infosheet.selectors import build_sheet, content_hash
from nieuwestart.infosheet.tests.case import (
    ADDICTION,
    BEHAVIOUR_GOAL,
    CARE_CONTRIBUTION,
    CARE_TASK,
    HELP_CARE,
    HELP_HOUSING,
    HELP_ID,
    HELP_INCOME,
    MUNICIPAL_TASK,
    pdf_text,
)

pytestmark = pytest.mark.django_db

SECRETS = (
    ADDICTION,
    "Tactus",
    "cocaïne",
    CARE_CONTRIBUTION,
    CARE_TASK,
    HELP_CARE,
    BEHAVIOUR_GOAL,
    "Agressie",
    "geweldsdelict",
)


def _page(web, user, trajectory) -> str:
    response = web(user).get(f"/trajecten/{trajectory.uuid}/informatieblad")
    assert response.status_code == 200
    return response.content.decode()


def test_the_municipality_reads_everything_it_needs_on_the_sheet(web, filled, carol):
    html = _page(web, carol, filled)
    # Whom to call at the PI: the named casemanager with phone and e-mail.
    assert "Casemanager" in html
    assert "Alice Test" in html
    assert 'href="tel:0600000000"' in html
    assert "alice@test.example" in html
    # When he comes out.
    assert "15 maart 2027" in html
    # Per basic condition the status and the concrete help question, not yes/no.
    for label in ("Identiteitsbewijs", "Huisvesting", "Werk en inkomen", "Sociaal netwerk"):
        assert label in html
    assert "Hulp nodig" in html and "Aandacht nodig" in html and "In orde" in html
    for question in (HELP_ID, HELP_HOUSING, HELP_INCOME):
        assert question in html
    # The facts behind them, for the municipality to act on.
    assert "Heeft een geldig identiteitsbewijs: nee" in html
    # The flags the report found missing.
    assert "Licht verstandelijke beperking (LVB)" in html
    assert "Deze persoon heeft een licht verstandelijke beperking" in html
    assert "Moeite met lezen" in html
    # Probation and how to reach it.
    assert "Reclassering Nederland" in html
    assert "Bob Test" in html and "bob@test.example" in html
    # What the PI asks of the municipality: its help questions and its tasks in the plan.
    asks = html.split("Wat de inrichting vraagt aan de gemeente")[1]
    assert HELP_HOUSING in asks and MUNICIPAL_TASK in asks and "1 maart 2027" in asks
    # Return municipality and both leads.
    assert "nog niet bevestigd" in html
    assert "Casusregie" in html and "Procesregie" in html


def test_the_sheet_holds_no_care_content_and_no_offence_or_behaviour(web, api, filled, carol):
    html = _page(web, carol, filled)
    data = api(carol).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad").content.decode()
    pdf = pdf_text(web(carol).get(f"/trajecten/{filled.uuid}/informatieblad.pdf").content)
    for text in (html, data, pdf):
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), secret
    # Care only as the signal, and a care task only as "care continues".
    assert "Zorg nodig na vrijlating." in html
    assert "Vervolg van zorg na detentie" in html


def test_the_sheet_is_the_same_for_every_reader(web, filled, alice, bob, carol):
    """Built as the municipality may see it: the PI and probation see what the municipality
    gets, not more."""
    for user in (alice, bob):
        html = _page(web, user, filled)
        assert ADDICTION not in html and BEHAVIOUR_GOAL not in html
        assert HELP_HOUSING in html


def test_without_a_casemanager_the_sheet_gives_the_pi_contact_point(web, trajectory, carol):
    from nieuwestart.trajectories.models import Assignment

    Assignment.objects.filter(trajectory=trajectory, role="casemanager").update(active=False)
    html = _page(web, carol, trajectory)
    assert "Er is nog geen casemanager genoemd." in html
    assert "Centraal contactpunt" in html
    sheet = build_sheet(trajectory)
    assert sheet["casemanager"]["centraalContactpunt"] is True
    assert sheet["casemanager"]["telefoon"] == trajectory.prison.contact_phone


def test_without_probation_the_sheet_says_so(web, justid, carol, payload):
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive, trajectory_assign

    notification = validate_notification(
        payload(meldingId="ZONDER-RECLASSERING", persoon={"bsn": "999990019"}),
        today=timezone.localdate(),
    )
    other, _ = notification_receive(actor=justid, notification=notification)
    trajectory_assign(actor=carol, trajectory=other, role="nazorgcoordinator", user=carol)
    assert "Er is geen reclassering betrokken." in _page(web, carol, other)


def test_an_empty_screening_shows_unknown_not_no(web, trajectory, carol):
    html = _page(web, carol, trajectory)
    assert "Onbekend" in html
    assert "Nog geen hulpvraag vastgelegd." in html
    assert "Nog niet bekend" in html  # LVB not asked yet is not "no"


def test_the_api_gives_the_sheet_as_json_with_its_versions(api, filled, carol):
    response = api(carol).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad")
    assert response.status_code == 200
    data = response.json()
    assert data["casemanager"]["naam"] == "Alice Test"
    assert data["casemanager"]["telefoon"] == "06 0000 0000"
    assert data["detentie"]["verwachteEinddatum"] == "2027-03-15"
    assert data["kenmerken"]["lvb"] == "ja"
    housing = next(c for c in data["basisvoorwaarden"] if c["code"] == "huisvesting")
    assert housing["status"] == "hulp-nodig"
    assert housing["hulpvraag"] == HELP_HOUSING
    assert housing["uitvoerendePartner"]["code"] == "gemeente"
    care = next(c for c in data["basisvoorwaarden"] if c["code"] == "zorg")
    assert care["zorgNodigNaVrijlating"] is True
    assert care["feiten"] == []
    # Its own tasks, soonest first; a care task only as "care continues".
    assert [t["wat"] for t in data["vraagAanGemeente"]["taken"]] == [
        MUNICIPAL_TASK,
        "Vervolg van zorg na detentie",
    ]
    assert data["reclassering"]["contactpersoon"]["email"] == "bob@test.example"
    assert data["versies"] == []
    assert data["nieuweVersieBeschikbaar"] is True


def test_the_openapi_description_covers_every_key_of_the_sheet(filled):
    sheet = json.loads(json.dumps(build_sheet(filled)))
    assert InformatiebladInhoudSerializer(sheet).data == sheet


def test_the_sheet_is_generated_the_same_way_every_time(filled):
    """No timestamps of its own: the same facts give the same hash, so a new version is only
    offered when something really changed."""
    first, second = build_sheet(filled), build_sheet(filled)
    assert first == second
    assert content_hash(first) == content_hash(second)
    json.dumps(first)  # a plain JSON-able dict


def test_the_pdf_holds_the_required_content_and_is_tagged(web, filled, carol):
    import io

    from pypdf import PdfReader

    response = web(carol).get(f"/trajecten/{filled.uuid}/informatieblad.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "06 0000 0000" in text  # the casemanager's phone
    assert "alice@test.example" in text
    assert "15 maart 2027" in text  # expected release date
    assert "Bijstand aanvragen zodat die ingaat op de dag van" in text  # a help question
    assert "Licht verstandelijke beperking" in text
    assert "Bob Test" in text
    catalog = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "nl"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_the_pdf_embeds_the_project_fonts(web, filled, carol):
    import io

    from pypdf import PdfReader

    content = web(carol).get(f"/trajecten/{filled.uuid}/informatieblad.pdf").content
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Noto-Sans" in name for name in fonts), fonts


def test_the_api_gives_the_pdf_on_accept(api, filled, carol):
    response = api(carol).get(
        f"/api/v1/trajecten/{filled.uuid}/informatieblad", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "15 maart 2027" in pdf_text(response.content)


def test_the_api_refuses_a_format_it_cannot_give(api, filled, carol):
    response = api(carol).get(
        f"/api/v1/trajecten/{filled.uuid}/informatieblad", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 406
    assert response["Content-Type"] == "application/problem+json"


def test_an_uninvolved_municipality_gets_no_pdf(api, filled, dave):
    response = api(dave).get(
        f"/api/v1/trajecten/{filled.uuid}/informatieblad", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_the_openapi_document_describes_json_and_pdf(api):
    paths = api(None).get("/api/v1/openapi.json").json()["paths"]
    read = paths["/api/v1/trajecten/{traject_id}/informatieblad"]["get"]
    assert read["operationId"] == "informatieblad_read"
    assert set(read["responses"]["200"]["content"]) == {"application/json", "application/pdf"}
    assert "406" in read["responses"]
    send = paths["/api/v1/trajecten/{traject_id}/informatieblad/versturen"]["post"]
    assert send["operationId"] == "informatieblad_versturen"
    assert "201" in send["responses"]
    ack = paths["/api/v1/trajecten/{traject_id}/informatieblad/{nummer}/ontvangstbevestiging"]
    assert ack["post"]["operationId"] == "informatieblad_ontvangst_bevestigen"
