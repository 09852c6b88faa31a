"""The full intake in a real browser: screening of all six domains, the D&R-plan drawn up and
established, the information sheet sent and acknowledged (issue 3, checks).

It counts what the users do (every field typed, choice made and button or link clicked) and
holds the whole intake to at most 60 inputs, and it checks that no fact is asked twice: every
field a user fills has its own label, read from the page as a screen reader would.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

PASSWORD = "een-lang-testwachtwoord"  # the personas of conftest.py
BUDGET = 60
TASK_FORM = {
    "Basisvoorwaarde",
    "Wat moet er gebeuren?",
    "Wie doet het?",
    "Klaar op (niet verplicht)",
}

# The accessible name of a field, prefixed with the legend of the group it is in (a domain of
# the screening), so "Hulpvraag" in "Huisvesting" and in "Inkomen" are different facts.
FIELD_NAME_JS = """el => {
  const label = el.labels && el.labels.length ? el.labels[0].innerText
    : (el.getAttribute('aria-label') || el.name);
  const group = el.closest('fieldset');
  const legend = group && group.querySelector('legend');
  const outer = group && group.parentElement && group.parentElement.closest('fieldset');
  const outerLegend = outer && outer.querySelector('legend');
  return [outerLegend && outerLegend.innerText, legend && legend.innerText, label]
    .filter(Boolean).map(t => t.trim().split('\\n')[0]).join(' / ');
}"""


class User:
    """What one person does in the browser, counted."""

    def __init__(self, page: Page, tally: list[str], facts: list[str]) -> None:
        self.page, self.tally, self.facts = page, tally, facts

    def _fact(self, field: Locator) -> None:
        self.facts.append(f"{self.page.url.split('/')[-1]}: {field.evaluate(FIELD_NAME_JS)}")

    def type(self, field: Locator, text: str) -> None:
        field.fill(text)
        self.tally.append("type")
        self._fact(field)

    def choose(self, field: Locator, value: str | None = None) -> None:
        if value is None:
            field.check()
        else:
            field.select_option(value)
        self.tally.append("choose")
        self._fact(field)

    def click(self, target: Locator) -> None:
        target.click()
        self.tally.append("click")


@pytest.fixture
def shared(request, reference_data, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    return request.getfixturevalue("trajectory")


def test_full_intake_takes_at_most_60_inputs_and_asks_no_fact_twice(
    page: Page, live_server, shared, browser
):
    tally: list[str] = []
    facts: list[str] = []
    alice = User(page, tally, facts)
    name = shared.person.sort_name

    login(page, live_server, "alice", PASSWORD)
    tally += ["type", "type", "click"]  # user name, password, sign in
    alice.click(page.get_by_role("link", name=name))
    assert_accessible(page)

    # --- Screening: all six domains, one save --------------------------------------------
    alice.click(page.get_by_role("link", name="Screening invullen of aanvullen"))
    field = lambda n: page.locator(f'[name="{n}"]')  # noqa: E731
    radio = lambda n, v: page.locator(f'input[name="{n}"][value="{v}"]')  # noqa: E731
    alice.type(field("eigenWoorden"), "Ik wil terug naar mijn huis en weer werken.")
    alice.choose(radio("lvb", "ja"))
    for domain, status, question, partner in (
        ("identiteit", "hulp-nodig", "Nieuwe ID-kaart aanvragen voor de vrijlating.", "gemeente"),
        ("huisvesting", "hulp-nodig", "Huur doorbetalen zodat hij de woning houdt.", "gemeente"),
        (
            "inkomen",
            "aandacht",
            "Bijstand aanvragen zodat die ingaat op de dag van vrijlating.",
            "gemeente",
        ),
        ("financien", "aandacht", "Schulden op een rij en een betalingsregeling.", None),
        ("zorg", "aandacht", "Afspraak bij de huisarts in de week na vrijlating.", None),
        ("sociaal-netwerk", "in-orde", None, None),
    ):
        alice.choose(radio(f"{domain}__status", status))
        if question:
            alice.type(field(f"{domain}__hulpvraag"), question)
        if partner:
            alice.choose(field(f"{domain}__actiePartner"), partner)
    alice.click(page.get_by_role("button", name="Opslaan en afronden"))
    expect(page.get_by_text("De screening is opgeslagen en afgerond.")).to_be_visible()
    assert_accessible(page)

    # --- The D&R-plan: goals, agreements, tasks, established -----------------------------
    page.goto(f"{live_server.url}/trajecten/{shared.uuid}/plan")
    tally.append("click")  # the link to the plan
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    alice.type(page.locator("#doelen_reintegratiedoelen"), "Eigen woning houden en werk vinden.")
    alice.click(page.get_by_role("button", name="Doelen opslaan"))
    alice.type(page.locator("#afspraken_afspraken"), "PI regelt ID, gemeente regelt huur.")
    alice.type(page.locator("#afspraken_trajectoverlegElkeWeken"), "6")
    alice.click(page.get_by_role("button", name="Afspraken opslaan"))
    for domain, what, who in (
        ("identiteit", "Pasfoto laten maken", "zelf"),
        ("huisvesting", "Huur doorbetalen aan de verhuurder", "Enschede"),
    ):
        alice.choose(page.locator("#nieuw_domein"), domain)
        alice.type(page.locator("#nieuw_wat"), what)
        who_select = page.locator("#nieuw_wie")
        value = who_select.locator(
            "option", has_text="zelf" if who == "zelf" else who
        ).first.get_attribute("value")
        alice.choose(who_select, value)
        alice.type(page.locator("#nieuw_uiterlijk"), "2027-01-15")
        alice.click(page.get_by_role("button", name="Taak toevoegen"))
        expect(page.get_by_text(what).first).to_be_visible()
    alice.click(page.get_by_role("link", name="Plan vaststellen"))
    alice.click(page.get_by_role("button", name="Ja, vaststellen als versie 1"))
    expect(page.get_by_text("Vastgesteld").first).to_be_visible()
    assert_accessible(page)

    # --- The information sheet: generated, sent; the municipality acknowledges -----------
    page.goto(f"{live_server.url}/trajecten/{shared.uuid}/informatieblad")
    tally.append("click")  # the link to the sheet
    expect(page.get_by_text("Nieuwe ID-kaart aanvragen voor de vrijlating.").first).to_be_visible()
    expect(page.get_by_text("Huur doorbetalen aan de verhuurder").first).to_be_visible()
    assert_accessible(page)
    alice.click(page.get_by_role("button", name="Informatieblad versturen"))
    alice.click(page.get_by_role("button", name="Uitloggen"))

    carol = User(page, tally, facts)
    login(page, live_server, "carol", PASSWORD)
    tally += ["type", "type", "click"]
    carol.click(page.get_by_role("link", name=name))
    carol.click(page.get_by_role("link", name="Informatieblad bekijken"))
    expect(page.get_by_text("Afspraak bij de huisarts")).to_have_count(0)  # no care content
    carol.click(page.get_by_role("button", name="Ontvangst van versie 1 bevestigen"))
    expect(page.get_by_text("Ontvangst bevestigd").first).to_be_visible()
    assert_accessible(page)

    assert len(tally) <= BUDGET, f"the intake took {len(tally)} inputs"
    # No fact asked twice: the screening asks each question once, the plan asks nothing the
    # screening asked, and only the small task form (what, who, by when) is used per task.
    screening = [f.split(": ", 1)[1] for f in facts if f.startswith("screening")]
    plan = [f.split(": ", 1)[1] for f in facts if f.startswith("plan")]
    assert len(screening) == len(set(screening)), screening
    once = [f for f in plan if f not in TASK_FORM]
    assert len(once) == len(set(once)), once
    asked_in_screening = {f.split(" / ")[-1] for f in screening} | {
        f.split(" / ")[-2] for f in screening if " / " in f
    }
    assert not asked_in_screening & set(plan), asked_in_screening & set(plan)

    # The remaining new pages pass the same accessibility check.
    for path in ("mijn-plan", "plan/versies", "plan/versies/1", "screening", "informatieblad/1"):
        page.goto(f"{live_server.url}/trajecten/{shared.uuid}/{path}")
        expect(page.locator("main h1")).to_be_visible()
        assert_accessible(page)
