"""Every read, export and write of the sheet and of "Mijn plan" is in the processing log, with
its purpose and categories, like everything else (issue 3, item 7; docs/access-policy.md)."""

from __future__ import annotations

import pytest

from nieuwestart.audit.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db

SHEET_CATEGORIES = "basisvoorwaarden,contacten,detentie,identiteit,plan"


def _last(user) -> ProcessingLogEntry:
    entry = ProcessingLogEntry.objects.filter(username=user.username).order_by("-pk").first()
    assert entry is not None
    return entry


@pytest.mark.parametrize(
    ("url", "action", "purpose", "detail"),
    [
        ("/trajecten/{id}/informatieblad", "raadplegen", "informatieblad", ""),
        ("/trajecten/{id}/informatieblad.pdf", "exporteren", "informatieblad", "als PDF"),
        ("/trajecten/{id}/mijn-plan", "raadplegen", "mijn plan", ""),
        ("/trajecten/{id}/mijn-plan.pdf", "exporteren", "mijn plan", "als PDF"),
    ],
)
def test_web_reads_and_exports_are_logged(web, filled, carol, url, action, purpose, detail):
    before = ProcessingLogEntry.objects.count()
    assert web(carol).get(url.format(id=filled.uuid)).status_code == 200
    assert ProcessingLogEntry.objects.count() == before + 1
    entry = _last(carol)
    assert (entry.action, entry.purpose, entry.channel, entry.result) == (
        action,
        purpose,
        "web",
        "toegestaan",
    )
    assert entry.categories == SHEET_CATEGORIES
    assert entry.trajectory_uuid == filled.uuid
    assert entry.person_id == filled.person_id
    assert detail in entry.detail


def test_api_read_and_pdf_export_are_logged(api, filled, carol):
    api(carol).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad")
    entry = _last(carol)
    assert (entry.action, entry.purpose, entry.channel) == ("raadplegen", "informatieblad", "api")
    api(carol).get(f"/api/v1/trajecten/{filled.uuid}/informatieblad", HTTP_ACCEPT="application/pdf")
    entry = _last(carol)
    assert (entry.action, entry.channel, entry.detail) == (
        "exporteren",
        "api",
        "informatieblad als PDF",
    )


def test_sending_and_acknowledging_are_logged(api, web, filled, alice, carol):
    api(alice).post(f"/api/v1/trajecten/{filled.uuid}/informatieblad/versturen")
    entry = _last(alice)
    assert (entry.action, entry.purpose, entry.channel) == ("aanmaken", "informatieblad", "api")
    assert entry.detail == "versie 1 verstuurd naar GM0153"
    assert entry.categories == SHEET_CATEGORIES

    web(carol).post(f"/trajecten/{filled.uuid}/informatieblad/1/ontvangen")
    entry = _last(carol)
    assert (entry.action, entry.purpose, entry.channel) == ("wijzigen", "informatieblad", "web")
    assert entry.detail == "ontvangst van versie 1 bevestigd"


def test_reading_a_sent_version_is_logged(api, web, filled, alice, bob):
    api(alice).post(f"/api/v1/trajecten/{filled.uuid}/informatieblad/versturen")
    web(bob).get(f"/trajecten/{filled.uuid}/informatieblad/1")
    entry = _last(bob)
    assert (entry.action, entry.purpose) == ("raadplegen", "informatieblad")
    web(bob).get(f"/trajecten/{filled.uuid}/informatieblad/1.pdf")
    assert _last(bob).detail == "informatieblad versie 1 als PDF"


def test_refusals_are_logged(api, web, filled, dave, mia):
    web(dave).get(f"/trajecten/{filled.uuid}/informatieblad")
    assert _last(dave).result == "niet-zichtbaar"
    api(mia).post(f"/api/v1/trajecten/{filled.uuid}/informatieblad/versturen")
    entry = _last(mia)
    assert (entry.result, entry.purpose) == ("geweigerd", "informatieblad")
