"""NL API Design Rules conventions that every client relies on."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_openapi_document_is_public_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert {
        "/api/v1/detentiemeldingen",
        "/api/v1/organisaties",
        "/api/v1/trajecten",
        "/api/v1/trajecten/{traject_id}",
        "/api/v1/trajecten/{traject_id}/logboek",
    } <= set(doc["paths"])
    assert response["API-Version"] == "1.0.0"


@pytest.mark.django_db
def test_trailing_slash_is_404_problem_json(api, alice):
    response = api(alice).get("/api/v1/trajecten/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"]


@pytest.mark.django_db
def test_unauthenticated_is_401_problem_json(client):
    response = client.get("/api/v1/trajecten")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"]


@pytest.mark.django_db
def test_revoked_or_unknown_token_is_refused(api, alice):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token niet-bestaand")
    assert client.get("/api/v1/trajecten").status_code == 401


@pytest.mark.django_db
def test_organisations_by_kind_with_contact_point(api, alice):
    client = api(alice)
    response = client.get("/api/v1/organisaties", {"soort": "reclassering"})
    assert response.status_code == 200
    codes = {o["code"] for o in response.json()["results"]}
    assert codes == {"RN", "SVG", "LJR"}
    first = response.json()["results"][0]
    assert set(first) >= {"id", "code", "naam", "soort", "contactpunt"}
    assert set(first["contactpunt"]) == {"telefoon", "email", "bereikbaar"}
    gemeenten = client.get("/api/v1/organisaties", {"soort": "gemeente", "paginaGrootte": 200})
    assert gemeenten.json()["count"] == 342
    bad = client.get("/api/v1/organisaties", {"soort": "bakker"})
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "soort"


@pytest.mark.django_db
def test_no_personal_data_in_api_urls():
    from django.urls import get_resolver

    patterns = [str(p.pattern) for p in get_resolver("nieuwestart.api.urls").url_patterns]
    assert all("bsn" not in p and "naam" not in p for p in patterns)
