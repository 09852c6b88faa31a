"""Release by hand in a real browser, with axe checks (issue 4, item 5): the casemanager sees
the handover checklist on the release form, releases, and sees the outcome at release and who
leads now."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

PASSWORD = "een-lang-testwachtwoord"  # the personas of conftest.py


@pytest.fixture
def world(request, reference_data, settings):
    from nieuwestart.handover.services import handover_check_record
    from nieuwestart.trajectories.models import Trajectory

    settings.REQUIRE_SECOND_FACTOR = False
    trajectory = request.getfixturevalue("trajectory")
    carol = request.getfixturevalue("carol")
    # The release is near: the checklist shows on the trajectory page.
    Trajectory.objects.filter(pk=trajectory.pk).update(
        expected_end_date=dt.date.today() + dt.timedelta(days=10)
    )
    handover_check_record(
        actor=carol,
        trajectory=trajectory,
        condition="inkomen",
        state="geregeld",
        note="Bijstand gaat in op de dag van vrijlating.",
    )
    return trajectory


def test_casemanager_releases_by_hand_and_sees_the_outcome(page: Page, live_server, world):
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/trajecten/{world.uuid}")
    expect(page.get_by_role("heading", name="Vrijlating en overdracht")).to_be_visible()
    page.get_by_role("link", name="Vrijlating vastleggen").first.click()

    expect(page.get_by_role("heading", level=1, name="Vrijlating vastleggen")).to_be_visible()
    checklist = page.get_by_role("table", name="Stand per basisvoorwaarde bij vrijlating")
    expect(checklist.locator("tr", has_text="Werk en inkomen")).to_contain_text("Geregeld")
    assert_accessible(page)

    page.get_by_label("voorwaardelijke invrijheidstelling").check()
    page.get_by_role("button", name="Vrijlating vastleggen").click()

    expect(page.get_by_text("De casusregie ligt nu bij Reclassering Nederland")).to_be_visible()
    outcome = page.get_by_role("table", name="Uitkomst per basisvoorwaarde bij vrijlating")
    expect(outcome.locator("tr", has_text="Werk en inkomen")).to_contain_text("Geregeld")
    assert_accessible(page)
