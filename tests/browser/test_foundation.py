"""What a casemanager and an aftercare coordinator do first, in a real browser, with axe checks.

Log in, the work list, the trajectory page with phase, lead and contacts, and the change of
return municipality: the new municipality then sees the trajectory (issue 2, checks).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible


@pytest.fixture
def demo_world(transactional_db, settings):
    """Reference data, the demo accounts and a handful of demo trajectories."""
    from nieuwestart.demo.services import demo_data_load
    from nieuwestart.organisations.services import reference_data_load

    settings.REQUIRE_SECOND_FACTOR = False
    reference_data_load()
    demo_data_load(trajectories=10)


def test_failed_login_says_what_is_wrong(page: Page, live_server, demo_world):
    page.goto(f"{live_server.url}/account/inloggen")
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam").fill("cm.almelo")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_text("De gebruikersnaam of het wachtwoord klopt niet")).to_be_visible()
    assert_accessible(page)


def test_casemanager_changes_return_municipality_and_the_new_municipality_sees_it(
    page: Page, live_server, demo_world, log_in
):
    from nieuwestart.trajectories.models import Trajectory

    trajectory = (
        Trajectory.objects.filter(prison__code="PI-ALMELO")
        .exclude(return_municipality__code="GM0363")
        .select_related("person")
        .first()
    )
    name = trajectory.person.sort_name

    log_in("cm.almelo")
    expect(page.get_by_role("heading", name="Werklijst")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(trajectory.person.full_name)
    expect(page.get_by_text("Casusregie")).to_be_visible()
    expect(page.get_by_text("Centraal contactpunt").first).to_be_visible()
    expect(page.get_by_text("088 000 2101").first).to_be_visible()  # PI Almelo's contact point
    assert_accessible(page)

    page.get_by_role("link", name="Terugkeergemeente bevestigen of wijzigen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()  # nothing explained yet
    expect(
        page.get_by_text("Schrijf kort op waarom dit de terugkeergemeente is.").first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Terugkeergemeente", exact=True).select_option(label="Amsterdam (GM0363)")
    page.get_by_label("Waarom is dit de terugkeergemeente?").fill("Gaat bij zijn zus wonen.")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_text("De terugkeergemeente is nu Amsterdam.")).to_be_visible()
    expect(page.get_by_text(re.compile("Amsterdam")).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Uitloggen").click()
    log_in("nazorg.amsterdam")
    expect(page.get_by_role("link", name=name)).to_be_visible()


def test_municipality_sees_whom_to_call_at_the_pi(page: Page, live_server, demo_world, log_in):
    from nieuwestart.accounts.models import User
    from nieuwestart.trajectories.models import Trajectory

    coordinators = {
        u.organisation.code: u.username for u in User.objects.filter(role="nazorgcoordinator")
    }
    trajectory = (
        Trajectory.objects.filter(return_municipality__code__in=coordinators)
        .select_related("person", "return_municipality")
        .first()
    )
    log_in(coordinators[trajectory.return_municipality.code])
    page.get_by_role("link", name=trajectory.person.sort_name).click()
    expect(page.get_by_text("Centraal contactpunt").first).to_be_visible()
    expect(page.get_by_text("Waarom ziet u dit dossier?")).to_be_visible()
    assert_accessible(page)


def test_privacy_officer_searches_by_bsn(page: Page, live_server, demo_world, log_in):
    from nieuwestart.trajectories.models import Person

    log_in("privacy")
    expect(page.get_by_role("heading", name="Verwerkingenlog", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("BSN van de persoon").fill(Person.objects.first().bsn)
    page.get_by_role("button", name="Zoek op persoon").click()
    expect(page.get_by_text("JustID").first).to_be_visible()
    assert_accessible(page)
