"""The access matrix: every endpoint, every persona (issue 2, item 5; docs/access-policy.md).

Not involved: 404, exactly as for a trajectory that does not exist. Involved but not allowed
to change: 403. Not signed in: 401 on the API, a redirect to the login page on the web.
A new endpoint without a row here fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ["anonymous", "alice", "mia", "bob", "carol", "dave", "priya", "justid", "admin_user"]

# (method, url template, {persona: status}); "{id}" is the shared trajectory.
API_MATRIX: list[tuple[str, str, dict[str, int]]] = [
    ("get", "/api/v1/openapi.json", dict.fromkeys(PERSONAS, 200)),
    ("get", "/api/v1/organisaties", {**dict.fromkeys(PERSONAS, 200), "anonymous": 401}),
    ("get", "/api/v1/trajecten", {**dict.fromkeys(PERSONAS, 200), "anonymous": 401}),
    (
        "get",
        "/api/v1/trajecten/{id}",
        {
            "anonymous": 401,
            "alice": 200,
            "mia": 200,
            "bob": 200,
            "carol": 200,
            "dave": 404,
            "priya": 404,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    (
        "patch",
        "/api/v1/trajecten/{id}",
        {
            "anonymous": 401,
            "alice": 200,
            "mia": 403,
            "bob": 403,
            "carol": 403,
            "dave": 404,
            "priya": 404,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    (
        "get",
        "/api/v1/trajecten/{id}/logboek",
        {
            "anonymous": 401,
            "alice": 403,
            "mia": 403,
            "bob": 403,
            "carol": 403,
            "dave": 404,
            "priya": 200,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    (
        "post",
        "/api/v1/detentiemeldingen",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 401, "justid": 201},
    ),
]

WEB_MATRIX: list[tuple[str, str, dict[str, int]]] = [
    ("get", "/account/inloggen", {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    (
        "get",
        "/",
        {**dict.fromkeys(PERSONAS, 200), "anonymous": 302, "priya": 302, "admin_user": 302},
    ),
    (
        "get",
        "/trajecten/{id}",
        {
            "anonymous": 302,
            "alice": 200,
            "mia": 200,
            "bob": 200,
            "carol": 200,
            "dave": 404,
            "priya": 404,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    (
        "get",
        "/trajecten/{id}/terugkeergemeente",
        {
            "anonymous": 302,
            "alice": 200,
            "mia": 403,
            "bob": 403,
            "carol": 403,
            "dave": 404,
            "priya": 404,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    (
        "get",
        "/trajecten/{id}/betrokkenen",
        {
            "anonymous": 302,
            "alice": 200,
            "mia": 403,
            "bob": 200,
            "carol": 200,
            "dave": 404,
            "priya": 404,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    (
        "get",
        "/trajecten/{id}/fase",
        {
            "anonymous": 302,
            "alice": 200,
            "mia": 403,
            "bob": 403,
            "carol": 403,
            "dave": 404,
            "priya": 404,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    ("get", "/privacy/", {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "priya": 200}),
    (
        "get",
        "/privacy/trajecten/{id}",
        {
            "anonymous": 302,
            "alice": 403,
            "mia": 403,
            "bob": 403,
            "carol": 403,
            "dave": 404,
            "priya": 200,
            "justid": 404,
            "admin_user": 404,
        },
    ),
    (
        "get",
        "/privacy/gebruikers/{alice}",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "priya": 200},
    ),
    ("get", "/import/", {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "admin_user": 200}),
]


APPS_WITH_MATRIX = (
    "screening",
    "plans",
    "infosheet",
    "referrals",
    "meetings",
    "deadlines",
    "handover",
    "worklists",
    "indicators",
    "notify",
    "retention",
    "accounts",
)


def _app_rows(name: str) -> list[tuple[Any, ...]]:
    """Rows each later app keeps beside its code: nieuwestart/<app>/tests/access_matrix.py.

    A row is (method, url, {persona: status}) or (method, url, {persona: status}, body), with
    "{id}" for the shared trajectory (see conftest.py).
    """
    rows: list[tuple[Any, ...]] = []
    for module in _app_modules():
        rows.extend(getattr(module, name, []))
    return rows


def _app_modules() -> list[Any]:
    modules = []
    for app in APPS_WITH_MATRIX:
        try:
            modules.append(importlib.import_module(f"nieuwestart.{app}.tests.access_matrix"))
        except ModuleNotFoundError:
            continue
    return modules


API_MATRIX += _app_rows("API_MATRIX")  # type: ignore[arg-type]
WEB_MATRIX += _app_rows("WEB_MATRIX")  # type: ignore[arg-type]

# URLs that are not personal-data endpoints, or are covered elsewhere.
NOT_IN_MATRIX = {
    "account/uitloggen",  # POST only, no data
    "account/tweede-factor",  # tests/test_login.py
    "gezond/leeft",
    "gezond/klaar",
    "i18n/",
    "beheer/",
    "beheer/login/",  # a redirect to account/inloggen, no data (accounts/tests/test_ratelimits.py)
    "import/<uuid:batch_id>",  # owner-only, tests in trajectories/tests/test_import.py
    "import/<uuid:batch_id>/verwerk",
    # Need a task or a sent version first; every persona is tested in the app's own tests
    # (plans/tests/test_plan_access.py, infosheet/tests/test_infosheet_versions.py).
    "api/v1/trajecten/<uuid:traject_id>/plan/taken/<uuid:taak_id>",
    "api/v1/trajecten/<uuid:traject_id>/plan/versies/<int:nummer>",
    "trajecten/<uuid:traject_id>/plan/versies/<int:number>",
    "trajecten/<uuid:traject_id>/informatieblad/<int:number>",
    "trajecten/<uuid:traject_id>/informatieblad/<int:number>.pdf",
    "trajecten/<uuid:traject_id>/informatieblad/<int:number>/ontvangen",
    "api/v1/trajecten/<uuid:traject_id>/informatieblad/<int:nummer>",
    "api/v1/trajecten/<uuid:traject_id>/informatieblad/<int:nummer>/ontvangstbevestiging",
}
# Routes that need more than the shared trajectory (a meeting, a referral): each app lists them
# in its own access_matrix.py NOT_IN_MATRIX and tests every persona on them in its own tests.
for _module in _app_modules():
    NOT_IN_MATRIX |= getattr(_module, "NOT_IN_MATRIX", set())


def _body(method: str, url: str, payload: Any, body: Any = None) -> Any:
    if body is not None:
        return body
    if method == "patch":
        return {"terugkeergemeente": "GM0153", "toelichting": "Bevestigd met de persoon."}
    if method == "post" and url.endswith("detentiemeldingen"):
        return payload(meldingId="MATRIX-1", persoon={"bsn": "999990019"})
    return {}


def _persona(request: pytest.FixtureRequest, persona: str) -> Any:
    return None if persona == "anonymous" else request.getfixturevalue(persona)


def _cases(matrix: list[tuple[Any, ...]]) -> list[Any]:
    return [
        pytest.param(
            row[0],
            row[1],
            persona,
            row[2][persona],
            row[3] if len(row) > 3 else None,
            id=f"{row[0]} {row[1]} {persona}",
        )
        for row in matrix
        for persona in PERSONAS
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url", "persona", "expected", "body"), _cases(API_MATRIX))
def test_api_access(request, api, trajectory, payload, method, url, persona, expected, body):
    user = _persona(request, persona)
    client = api(user)
    target = url.format(id=trajectory.uuid)
    response = getattr(client, method)(target, _body(method, url, payload, body), format="json")
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url", "persona", "expected", "body"), _cases(WEB_MATRIX))
def test_web_access(
    request, client, settings, trajectory, alice, method, url, persona, expected, body
):
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has its own tests
    user = _persona(request, persona)
    if user is not None:
        client.force_login(user)
    target = url.format(id=trajectory.uuid, alice=alice.uuid)
    response = getattr(client, method)(target, body or {})
    assert response.status_code == expected


# Management and the chain-wide role (issue 5) read aggregates only: on every row about one
# trajectory they are refused like an uninvolved professional, even management of the
# trajectory's own PI. (Their own rows, the indicators, are in indicators/tests.)
CASE_FILE_ROWS = [
    pytest.param(kind, *row[:2], row[3] if len(row) > 3 else None, id=f"{kind} {row[0]} {row[1]}")
    for kind, matrix in (("api", API_MATRIX), ("web", WEB_MATRIX))
    for row in matrix
    if "{id}" in row[1]
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "method", "url", "body"), CASE_FILE_ROWS)
def test_management_and_chain_roles_never_reach_a_case_file(
    api, client, settings, trajectory, alice, payload, make_user, chain_org, kind, method, url, body
):
    settings.REQUIRE_SECOND_FACTOR = False
    roles = [
        make_user("mt", "PI-ALMELO", "management"),
        make_user("keten", "KETEN-TEST", "ketenanalist"),
    ]
    target = url.format(id=trajectory.uuid, alice=alice.uuid)
    for user in roles:
        if kind == "api":
            data = _body(method, url, payload, body)
            response = getattr(api(user), method)(target, data, format="json")
        else:
            client.force_login(user)
            response = getattr(client, method)(target, body or {})
        assert response.status_code in (403, 404), (user.username, response.status_code)


@pytest.mark.django_db
def test_unknown_trajectory_looks_exactly_like_an_uninvolved_one(api, trajectory, dave):
    import uuid

    client = api(dave)
    hidden = client.get(f"/api/v1/trajecten/{trajectory.uuid}")
    missing = client.get(f"/api/v1/trajecten/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert strip(hidden) == strip(missing)


@pytest.mark.django_db
def test_uninvolved_organisation_cannot_count_trajectories(api, trajectory, dave, carol):
    assert api(dave).get("/api/v1/trajecten").json()["count"] == 0
    assert api(carol).get("/api/v1/trajecten").json()["count"] == 1


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            route = prefix + str(pattern.pattern)
            if route in NOT_IN_MATRIX:
                continue
            routes.extend(_routes(pattern.url_patterns, route))
        elif isinstance(pattern, URLPattern):
            routes.append(prefix + str(pattern.pattern))
    return routes


def _covered_with_a_value(route: str, covered: set[str]) -> bool:
    """A route with `<str:...>` parameters is covered by a row with concrete values there."""
    if "<str:" not in route:
        return False
    pattern = re.sub(r"<str:\w+>", "[^/]+", re.escape(route))
    return any(re.fullmatch(pattern, url) for url in covered)


def test_every_url_is_in_the_matrix():
    covered = {row[1].lstrip("/") for row in API_MATRIX + WEB_MATRIX}
    covered = {
        c.replace("{id}", "<uuid:traject_id>").replace("{alice}", "<uuid:user_id>") for c in covered
    }
    missing = [
        r
        for r in _routes(get_resolver().url_patterns)
        if r not in covered and r not in NOT_IN_MATRIX and not _covered_with_a_value(r, covered)
    ]
    assert missing == []
