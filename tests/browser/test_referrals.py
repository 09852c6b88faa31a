"""Referrals and waiting lists in a real browser, with axe checks (issue 4, item 6): the
probation officer registers a referral whose start falls after the release, sees the signal on
the trajectory page, and the municipality finds it at the top of its waiting lists."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

PASSWORD = "een-lang-testwachtwoord"  # the personas of conftest.py


@pytest.fixture
def world(request, reference_data, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    return request.getfixturevalue("trajectory")


def test_register_a_referral_and_see_it_on_the_waiting_list(page: Page, live_server, world):
    release = world.expected_end_date
    start = release + dt.timedelta(days=60)
    login(page, live_server, "bob", PASSWORD)
    page.goto(f"{live_server.url}/trajecten/{world.uuid}")
    page.get_by_role("link", name="Verwijzing registreren").click()
    expect(page.get_by_role("heading", level=1, name="Verwijzing registreren")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Verwijzing registreren").click()  # nothing chosen yet
    expect(page.get_by_text("Er is iets niet goed ingevuld")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Beschermd wonen").check()
    page.get_by_label("Aanbieder", exact=True).fill("RIBW Overijssel")
    page.get_by_label("Op de wachtlijst").check()
    page.get_by_label("Verwachte start").fill(start.isoformat())
    page.get_by_role("button", name="Verwijzing registreren").click()
    expect(page.get_by_text("De verwijzing is geregistreerd.")).to_be_visible()
    block = page.locator("section", has=page.locator("#verwijzingen"))
    expect(block.get_by_text("RIBW Overijssel")).to_be_visible()
    expect(block.get_by_text("Dreigt vrijlating zonder plek").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Uitloggen").click()

    login(page, live_server, "carol", PASSWORD)
    page.goto(f"{live_server.url}/werk/?lijst=wachtlijsten")
    row = page.locator("tr", has_text="RIBW Overijssel")
    expect(row).to_be_visible()
    expect(row.get_by_text("Dreigt vrijlating zonder plek")).to_be_visible()
    assert_accessible(page)
