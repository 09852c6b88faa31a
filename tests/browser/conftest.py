"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Playwright cannot download its own browsers here, so it starts /usr/bin/chromium (Debian package
`chromium`; override with CHROMIUM_PATH). Without it the browser tests skip on a developer's
machine and fail in CI (CI set), so a missing browser can never pass CI silently.

Every test in this folder gets the `browser` marker: `pytest -m "not browser"` leaves them out.
A failing test leaves a screenshot in test-results/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from the test code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As root, in a closed network: no sandbox, and no calls home (they would be refused, many at a
# time, and slow every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOGIN_PATH = "/account/inloggen"
DEMO_PASSWORD = "demo"
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # Remember each phase's outcome so the page fixture can screenshot a failed test.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not os.path.exists(CHROMIUM):
        message = (
            f"chromium not found at {CHROMIUM}: install Debian's chromium "
            "(apt-get install chromium) or set CHROMIUM_PATH"
        )
        if os.environ.get("CI", "").lower() not in {"", "0", "false"}:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        # The database in the name: `make test` runs the SQLite and PostgreSQL suites at once.
        vendor = connection.vendor
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{vendor}-{request.node.nodeid}")
        page.screenshot(path=RESULTS_DIR / f"{name}.png", full_page=True)
    context.close()


def login(
    page: Page, live_server: LiveServer, username: str, password: str = DEMO_PASSWORD
) -> None:
    """Sign in through the login form as a person would, and check that it worked.

    For a test of a failed sign-in, fill the form in the test itself.
    """
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    form = page.locator("form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        form.locator('button[type="submit"], input[type="submit"]').first.click()
    if page.url.split("?")[0].rstrip("/").endswith(LOGIN_PATH):
        body = page.locator("body").inner_text()
        raise AssertionError(f"login as {username!r} failed; the page says:\n{body}")


@pytest.fixture
def log_in(page: Page, live_server: LiveServer) -> Callable[..., None]:
    """`log_in("cm.almelo")`: the login helper bound to this test's page and live server."""

    def _log_in(username: str, password: str = DEMO_PASSWORD) -> None:
        login(page, live_server, username, password)

    return _log_in
