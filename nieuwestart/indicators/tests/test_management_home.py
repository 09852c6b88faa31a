"""Management and the chain-wide role land on the indicators, never on case files."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(make_user, chain_org):
    return {
        "mt": make_user("mt", "PI-ALMELO", "management"),
        "keten": make_user("keten", "KETEN-TEST", "ketenanalist"),
    }


@pytest.mark.parametrize("persona", ["mt", "keten"])
def test_home_leads_to_the_indicators_and_the_menu_shows_only_them(
    roles, client, trajectory, persona
):
    client.force_login(roles[persona])
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/indicatoren/"
    html = response.content.decode()
    assert 'href="/indicatoren/"' in html
    assert "Wat moet er gebeuren" not in html
    # Even management of the trajectory's own PI does not open the case file.
    assert client.get(f"/trajecten/{trajectory.uuid}").status_code == 404
