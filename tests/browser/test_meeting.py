"""A meeting in a real browser, with axe checks (issue 4, checks): Alice plans an MDO with Bob,
Carol and the detainee, opens the meeting pack, records the minutes with attendance and one
decision, and the decision appears as a task in the D&R-plan."""

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


def test_alice_plans_an_mdo_prints_the_pack_and_records_it(page: Page, live_server, world):
    trajectory = world
    today = dt.date.today()
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/trajecten/{trajectory.uuid}")
    page.get_by_role("link", name="Overleg plannen").click()
    expect(page.get_by_role("heading", level=1, name="Overleg plannen")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("MDO (multidisciplinair overleg)").check()
    page.get_by_label("Datum", exact=True).fill(today.isoformat())
    page.get_by_label("Tijd", exact=True).fill("10:00")
    page.get_by_label("Plaats").fill("PI Almelo, spreekkamer 2")
    page.get_by_label("Link om online mee te doen").fill("https://meet.example/mdo")
    page.get_by_label("Bob Test (Reclasseringswerker)").check()
    page.get_by_label("Carol Test (Nazorgcoördinator)").check()
    expect(page.get_by_label("De gedetineerde doet mee")).to_be_checked()
    page.get_by_label("Andere agendapunten").fill("Verlof bespreken")
    page.get_by_role("button", name="Overleg plannen").click()

    expect(page.get_by_text("Het overleg is gepland.")).to_be_visible()
    expect(
        page.get_by_role("heading", level=1, name="MDO (multidisciplinair overleg)")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Jan de Vries")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Overlegpakket bekijken en afdrukken").click()
    expect(page.get_by_role("heading", name="Verlof bespreken")).to_be_visible()
    expect(page.get_by_text("Volgende stap:")).to_be_visible()
    page.get_by_role("link", name="Terug naar het overleg").click()

    page.get_by_role("link", name="Verslag vastleggen").click()
    expect(page.get_by_role("heading", level=1, name="Verslag vastleggen")).to_be_visible()
    assert_accessible(page)
    for name in ("Alice Test", "Bob Test", "Jan de Vries"):
        page.get_by_role("group", name=name).get_by_label("Aanwezig").check()
    page.get_by_role("group", name="Carol Test").get_by_label("Afgemeld").check()
    page.get_by_label("Verlof bespreken").fill("Verlof kan na de helft van de straf.")
    decision = page.get_by_role("group", name="Besluit 1")
    decision.get_by_label("Wat is er besloten?").fill("Intake schuldhulpverlening plannen")
    decision.get_by_label("Basisvoorwaarde").select_option("financien")
    decision.get_by_label("Wie doet het?").select_option(label="Enschede")
    page.get_by_role("button", name="Verslag vastleggen").click()

    expect(page.get_by_text("Het verslag is vastgelegd.")).to_be_visible()
    expect(page.get_by_text("Verlof kan na de helft van de straf.")).to_be_visible()
    expect(page.get_by_role("cell", name="Intake schuldhulpverlening plannen")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Naar de taken in het plan").click()
    expect(page.get_by_role("heading", name="Financiën en schulden")).to_be_visible()
    row = page.locator("tr", has_text="Intake schuldhulpverlening plannen")
    expect(row).to_have_count(1)
    expect(row.get_by_text("Enschede")).to_be_visible()
