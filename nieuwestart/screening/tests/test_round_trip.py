"""A municipality can send back the screening it read (found by the national benchmark,
docs/benchmarks.md): its GET leaves out the care domain's help question, and the PUT must not
refuse that as a missing help question, because the care domain stays as it is anyway."""

from __future__ import annotations

import pytest

from nieuwestart.screening.models import DomainAssessment

pytestmark = pytest.mark.django_db


def _url(trajectory):
    return f"/api/v1/trajecten/{trajectory.uuid}/screening"


def test_municipality_puts_back_the_screening_it_read_with_care_needing_help(
    api, alice, carol, trajectory
):
    pi, municipality = api(alice), api(carol)
    read = pi.get(_url(trajectory))
    body = read.json()
    body["domeinen"]["zorg"].update(
        {"status": "hulp-nodig", "hulpvraag": "Huisarts regelen na vrijlating."}
    )
    saved = pi.put(_url(trajectory), body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert saved.status_code == 200, saved.json()

    read = municipality.get(_url(trajectory))
    body = read.json()
    assert body["domeinen"]["zorg"]["hulpvraag"] == ""  # hidden from the municipality
    body["eigenWoorden"] = "Ik wil terug naar Enschede."
    put = municipality.put(_url(trajectory), body, format="json", HTTP_IF_MATCH=read["ETag"])

    assert put.status_code == 200, put.json()
    assert put.json()["eigenWoorden"] == "Ik wil terug naar Enschede."
    care = DomainAssessment.objects.get(screening__trajectory=trajectory, domain="zorg")
    assert (care.status, care.help_question) == ("hulp-nodig", "Huisarts regelen na vrijlating.")
