"""The screening in a real browser, with axe checks (issue 3, checks)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

pytestmark = pytest.mark.browser
PASSWORD = "een-lang-testwachtwoord"  # the personas of conftest.py


@pytest.fixture
def shared_trajectory(request, reference_data, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    return request.getfixturevalue("trajectory")


class Inputs:
    """Counts what the user does: every click on a choice, every field typed in."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def choose(self, name: str, value: str) -> None:
        self.page.locator(f'input[name="{name}"][value="{value}"]').check()
        self.count += 1

    def tick(self, name: str) -> None:
        self.page.locator(f'input[name="{name}"]').check()
        self.count += 1

    def type(self, name: str, text: str) -> None:
        self.page.locator(f'[name="{name}"]').fill(text)
        self.count += 1

    def select(self, name: str, value: str) -> None:
        self.page.locator(f'select[name="{name}"]').select_option(value)
        self.count += 1


def test_casemanager_screens_all_six_domains_in_one_save(
    page: Page, live_server, shared_trajectory, browser
):
    url = f"{live_server.url}/trajecten/{shared_trajectory.uuid}/screening"
    login(page, live_server, "alice", PASSWORD)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening basisvoorwaarden")
    assert_accessible(page)
    labels = [t.strip() for t in page.locator("form .utrecht-form-label").all_inner_texts()]
    repeated = {"Status", "Hulpvraag in woorden", "Wie pakt het op?", "Wie precies?"}
    facts = [t for t in labels if t not in repeated]
    assert len(facts) == len(set(facts)), "a fact is asked twice"

    inputs = Inputs(page)
    inputs.type("eigenWoorden", "Ik wil terug naar mijn huis en weer werken.")
    inputs.choose("lvb", "ja")
    inputs.choose("identiteit__geldigDocument", "nee")
    inputs.choose("identiteit__status", "hulp-nodig")
    inputs.type("identiteit__hulpvraag", "Nieuwe ID-kaart aanvragen voor vrijlating.")
    inputs.select("identiteit__actiePartner", "gemeente")
    inputs.select("huisvesting__woonsituatie", "huurwoning")
    inputs.choose("huisvesting__status", "aandacht")
    inputs.type("huisvesting__hulpvraag", "Huur doorbetalen zodat hij de woning houdt.")
    inputs.select("huisvesting__actiePartner", "gemeente")
    inputs.tick("inkomen__digidNodig")
    inputs.choose("inkomen__status", "hulp-nodig")
    inputs.type("inkomen__hulpvraag", "Bijstand aanvragen voor de dag van vrijlating.")
    inputs.choose("financien__schuldenBekend", "ja")
    inputs.type("financien__schuldenSchatting", "2500")
    inputs.choose("financien__status", "aandacht")
    inputs.tick("zorg__zorgcontinuiteitNodig")
    inputs.choose("zorg__status", "aandacht")
    inputs.choose("sociaal-netwerk__status", "in-orde")
    page.get_by_role("button", name="Opslaan", exact=True).click()

    # Finances asks for help but has no help question yet: refused, and nothing is lost.
    expect(page.get_by_text("Er is iets niet goed ingevuld")).to_be_visible()
    assert page.locator('[name="eigenWoorden"]').input_value().startswith("Ik wil terug")
    assert_accessible(page)
    inputs.type("financien__hulpvraag", "Schulden op een rij en een betalingsregeling.")
    inputs.type("zorg__hulpvraag", "Afspraak bij de huisarts in de week na vrijlating.")
    page.get_by_role("button", name="Opslaan en afronden").click()

    expect(page.get_by_text("De screening is opgeslagen en afgerond.")).to_be_visible()
    assert inputs.count <= 25
    board = page.get_by_role("list", name="Basisvoorwaarden")
    expect(board.get_by_text("Hulp nodig")).to_have_count(2)
    expect(board.get_by_text("Huur doorbetalen zodat hij de woning houdt.")).to_be_visible()
    assert_accessible(page)

    # Probation adds the care content; the municipality sees only that care is needed.
    probation = browser.new_context(locale="nl-NL").new_page()
    login(probation, live_server, "bob", PASSWORD)
    probation.goto(url)
    probation.locator('[name="zorg__verslaving"]').fill("Alcohol, behandeling bij Tactus")
    probation.get_by_role("button", name="Opslaan", exact=True).click()
    expect(probation.get_by_text("De screening is opgeslagen.")).to_be_visible()
    probation.context.close()

    page.get_by_role("button", name="Uitloggen").click()
    login(page, live_server, "carol", PASSWORD)
    page.goto(url)
    expect(page.get_by_text("ziet en schrijft alleen de reclassering")).to_be_visible()
    expect(page.get_by_text("Tactus")).to_have_count(0)
    page.get_by_label("Over welke basisvoorwaarde?").select_option("huisvesting")
    page.get_by_label("Wat weet u?").fill("Huurachterstand van twee maanden bij Domijn.")
    page.get_by_role("button", name="Bijdrage toevoegen").click()
    expect(page.get_by_text("Uw bijdrage staat bij de screening.")).to_be_visible()
    expect(page.get_by_text("Carol Test, Enschede")).to_be_visible()
    assert_accessible(page)
