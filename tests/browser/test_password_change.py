"""Changing one's password in a real browser (issue 6, ASVS V6.2): the header links to the page,
the page and its error summary pass axe, and the new password works at the next sign-in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

PASSWORD = "een-lang-testwachtwoord"  # the personas of conftest.py
NEW = "vijf blauwe fietsen in de regen"


def test_alice_changes_her_password_and_signs_in_with_the_new_one(
    page: Page, live_server, reference_data, settings, request
):
    settings.REQUIRE_SECOND_FACTOR = False
    request.getfixturevalue("alice")
    login(page, live_server, "alice", PASSWORD)

    page.get_by_role("link", name="Wachtwoord wijzigen").click()
    expect(page.get_by_role("heading", level=1, name="Wachtwoord wijzigen")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("NieuweStart2025!")
    page.get_by_label("Nieuw wachtwoord nog een keer").fill("NieuweStart2025?")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Er is iets niet goed ingevuld")
    expect(summary).to_contain_text("bestaat vooral uit uw naam")
    expect(summary).to_contain_text("niet hetzelfde")
    assert_accessible(page)

    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW)
    page.get_by_label("Nieuw wachtwoord nog een keer").fill(NEW)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.get_by_text("Uw wachtwoord is gewijzigd.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Uitloggen").click()
    login(page, live_server, "alice", NEW)
    expect(page.get_by_role("heading", level=1, name="Werklijst")).to_be_visible()
