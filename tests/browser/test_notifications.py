"""The notifications page in a real browser, with axe: the header count, reading, all read.

Uses the Playwright fixtures of tests/browser/conftest.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

pytestmark = pytest.mark.browser
PASSWORD = "een-lang-testwachtwoord"  # the personas of conftest.py


@pytest.fixture
def notified(request, reference_data, settings):
    from nieuwestart.notify.services import notifications_derive

    settings.REQUIRE_SECOND_FACTOR = False
    trajectory = request.getfixturevalue("trajectory")
    notifications_derive(today=dt.date(2026, 11, 20))  # screening and contact 4 days late
    return trajectory


def test_casemanager_reads_her_notifications(page: Page, live_server, notified):
    login(page, live_server, "alice", PASSWORD)
    link = page.get_by_role("link", name="Berichten 2 ongelezen")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1, name="Berichten")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Termijn te laat: Screening basisvoorwaarden afgerond")
    ).to_be_visible()
    assert_accessible(page)

    screening = page.locator("article", has_text="Termijn te laat: Screening basisvoorwaarden")
    screening.get_by_role("button", name="Markeer als gelezen").click()
    expect(page.get_by_text("Het bericht is gemarkeerd als gelezen.")).to_be_visible()
    expect(page.get_by_role("link", name="Berichten 1 ongelezen")).to_be_visible()
    page.get_by_role("button", name="Alles gelezen").click()
    expect(page.get_by_role("link", name="Berichten", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=notified.person.sort_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(notified.person.full_name)
