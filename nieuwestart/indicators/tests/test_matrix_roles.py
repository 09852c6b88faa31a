"""The access-matrix rows of this app for the two roles the shared matrix has no persona for:
`mt` (management, PI Almelo) and `keten` (chain-wide)."""

from __future__ import annotations

import pytest

from nieuwestart.indicators.tests.access_matrix import API_MATRIX, WEB_MATRIX

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(make_user, chain_org):
    return {
        "mt": make_user("mt", "PI-ALMELO", "management"),
        "keten": make_user("keten", "KETEN-TEST", "ketenanalist"),
    }


@pytest.mark.parametrize("persona", ["mt", "keten"])
@pytest.mark.parametrize("row", API_MATRIX, ids=lambda row: row[1])
def test_api_rows(roles, api, persona, row):
    method, url, expected = row[:3]
    assert getattr(api(roles[persona]), method)(url).status_code == expected[persona]


@pytest.mark.parametrize("persona", ["mt", "keten"])
@pytest.mark.parametrize("row", WEB_MATRIX, ids=lambda row: row[1])
def test_web_rows(roles, client, persona, row):
    method, url, expected = row[:3]
    client.force_login(roles[persona])
    assert getattr(client, method)(url).status_code == expected[persona]
