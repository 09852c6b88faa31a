"""The work lists in a real browser, with axe checks (issue 4, checks): the casemanager sees
what is due, and a municipality picks up a new trajectory from its inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

PASSWORD = "een-lang-testwachtwoord"  # the personas of conftest.py


@pytest.fixture
def world(request, reference_data, settings, payload):
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    settings.REQUIRE_SECOND_FACTOR = False
    shared = request.getfixturevalue("trajectory")
    justid = request.getfixturevalue("justid")
    fresh = validate_notification(
        payload(meldingId="NIEUW-1", persoon={"bsn": "999990007", "geslachtsnaam": "Nieuwkomer"}),
        today=dt.date.today(),
    )
    notification_receive(actor=justid, notification=fresh)
    return shared


def test_casemanager_sees_what_is_due_and_municipality_picks_up_a_new_trajectory(
    page: Page, live_server, world
):
    login(page, live_server, "alice", PASSWORD)
    page.get_by_role("link", name="Wat moet er gebeuren").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Screening basisvoorwaarden afgerond").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Uitloggen").click()

    login(page, live_server, "carol", PASSWORD)
    page.goto(f"{live_server.url}/werk/?lijst=nieuw")
    row = page.locator("tr", has_text="Nieuwkomer")
    expect(row).to_be_visible()
    assert_accessible(page)
    row.get_by_role("button", name="Oppakken").click()
    expect(page.get_by_text("U bent nu nazorgcoördinator van")).to_be_visible()
    page.goto(f"{live_server.url}/werk/?lijst=nieuw")
    expect(page.locator("tr", has_text="Nieuwkomer")).to_have_count(0)
    assert_accessible(page)
