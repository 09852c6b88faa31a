"""Sign-in through the organisation in a real browser (issue 6, item 1): the login page offers it
first and passes axe; a casemanager goes to the stub provider on 127.0.0.1, comes back signed in
and lands on the work list; a stranger comes back to the login page with a Dutch message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import LOGIN_PATH
from tests.oidc_provider import StubProvider


@pytest.fixture
def provider(live_server, settings, reference_data) -> Iterator[StubProvider]:
    stub = StubProvider(redirect_uris={f"{live_server.url}/oidc/callback/"}).start()
    for name, value in stub.django_settings().items():
        setattr(settings, name, value)  # the live server runs in this process: it sees them
    settings.REQUIRE_SECOND_FACTOR = True
    # settings.py adds the end_session origin to form-action when it starts with the variables
    # set (tested in nieuwestart/accounts/tests/test_oidc.py); here they come late.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], stub.url],
    }
    yield stub
    stub.stop()


def test_casemanager_signs_in_through_the_organisation_and_lands_on_the_work_list(
    page: Page, live_server, provider, request
):
    alice = request.getfixturevalue("alice")
    provider.user = {
        "sub": "almelo-4711",
        "email": alice.email,
        "email_verified": True,
        "organisation_code": "PI-ALMELO",
        "acr": "http://eidas.europa.eu/LoA/substantial",
    }
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    choice = page.get_by_role("link", name="Inloggen via uw organisatie")
    expect(choice).to_be_visible()
    assert_accessible(page)

    choice.click()

    expect(page.get_by_role("heading", level=1, name="Werklijst")).to_be_visible()
    assert page.url.rstrip("/") == live_server.url
    assert provider.token_requests[0]["status"] == 200

    page.get_by_role("button", name="Uitloggen").click()
    # The provider's end_session endpoint sends the browser back to our login page.
    expect(page.get_by_role("heading", level=1, name="Inloggen bij Nieuwe Start")).to_be_visible()
    assert provider.logouts and provider.logouts[0]["id_token_hint"]


def test_a_stranger_is_sent_back_with_a_clear_message(page: Page, live_server, provider):
    provider.user = {
        "sub": "onbekend",
        "email": "onbekend@test.example",
        "email_verified": True,
        "organisation_code": "PI-ALMELO",
    }
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.get_by_role("link", name="Inloggen via uw organisatie").click()

    expect(page.get_by_text("U kunt niet inloggen via uw organisatie")).to_be_visible()
    assert page.url.endswith(LOGIN_PATH)
    assert_accessible(page)
