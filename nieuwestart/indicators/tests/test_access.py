"""Who sees the indicators: management its own organisation (forced), the chain-wide role
everything; case workers, the privacy officer, the system and the administrator get 403."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.indicators.tests.factories import many

pytestmark = pytest.mark.django_db

QUERY = "van=2026-01&tot=2026-01"


@pytest.fixture
def facts(db):
    values = {"screening_due": dt.date(2026, 1, 19), "screening_done": dt.date(2026, 1, 16)}
    many(5, prison="PI-ALMELO", municipality="GM0153", probation="RN", **values)
    many(7, prison="PI-TER-PEEL", municipality="GM0363", probation="SVG", **values)


def _screening(api, user, query=QUERY):
    response = api(user).get(f"/api/v1/indicatoren?{query}")
    assert response.status_code == 200, response.content
    return next(r for r in response.json()["results"] if r["code"] == "screening-op-tijd")


@pytest.mark.parametrize(
    ("org", "expected"), [("PI-ALMELO", 5), ("PI-TER-PEEL", 7), ("RN", 5), ("GM0363", 7)]
)
def test_management_sees_only_its_own_organisation(facts, api, make_user, org, expected):
    manager = make_user("mt", org, "management")
    assert _screening(api, manager)["noemer"] == expected


def test_chain_wide_role_sees_everything_and_may_filter(facts, api, make_user, chain_org):
    keten = make_user("keten", "KETEN-TEST", "ketenanalist")
    assert _screening(api, keten)["noemer"] == 12
    assert _screening(api, keten, f"{QUERY}&inrichting=PI-TER-PEEL")["noemer"] == 7


def test_management_asking_for_another_organisation_gets_403(facts, api, client, make_user):
    manager = make_user("mt", "PI-ALMELO", "management")
    assert api(manager).get("/api/v1/indicatoren?inrichting=PI-TER-PEEL").status_code == 403
    assert api(manager).get("/api/v1/indicatoren?inrichting=PI-ALMELO").status_code == 200
    client.force_login(manager)
    assert client.get("/indicatoren/?inrichting=PI-TER-PEEL").status_code == 403
    assert client.get("/indicatoren/export.csv?inrichting=PI-TER-PEEL").status_code == 403


def test_management_page_does_not_offer_other_organisations(facts, client, make_user):
    manager = make_user("mt", "PI-ALMELO", "management")
    client.force_login(manager)
    page = client.get("/indicatoren/").content.decode()
    assert 'name="inrichting"' not in page
    assert "U ziet de cijfers van uw eigen organisatie: PI Almelo." in page


def test_management_of_a_safety_house_or_chain_organisation_gets_403(api, make_user, chain_org):
    assert (
        api(make_user("zvh", "ZVH-GRONINGEN", "management")).get("/api/v1/indicatoren").status_code
        == 403
    )
    assert (
        api(make_user("kb", "KETEN-TEST", "management")).get("/api/v1/indicatoren").status_code
        == 403
    )


@pytest.mark.parametrize(
    "persona", ["alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user"]
)
def test_everyone_else_gets_403(request, api, client, settings, persona):
    settings.REQUIRE_SECOND_FACTOR = False
    user = request.getfixturevalue(persona)
    response = api(user).get("/api/v1/indicatoren")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    client.force_login(user)
    for url in ("/indicatoren/", "/indicatoren/export.csv", "/indicatoren/export.xlsx"):
        assert client.get(url).status_code == 403


def test_invalid_filters_are_400_with_invalid_params(api, make_user):
    keten = make_user("keten", "GM0363", "ketenanalist")
    response = api(keten).get("/api/v1/indicatoren?van=2026-13&grootteklasse=reus&tot=2026-01")
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert {"van", "grootteklasse"} <= names
