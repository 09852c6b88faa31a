"""The browser harness itself works: chromium starts, reaches the live server, signs in, and the
axe check passes a good page and fails a bad one (so it cannot pass silently).

The pages here are served by a tiny URLconf of this module, so the harness is tested apart from
the application's own pages.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as django_login
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import escape
from playwright.sync_api import Page
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.axe import assert_accessible
from tests.browser.conftest import LOGIN_PATH, login

PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def home(request: HttpRequest) -> HttpResponse:
    who = escape(request.user.get_username()) if request.user.is_authenticated else "niemand"
    return HttpResponse(PAGE.format(title="Werkvoorraad", body=f"<p>Ingelogd als {who}</p>"))


def sign_in(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        user = authenticate(
            request,
            username=request.POST.get("username"),
            password=request.POST.get("password"),
        )
        if user is not None:
            django_login(request, user)
            return redirect("/")
        error = '<p role="alert">Onjuiste gebruikersnaam of wachtwoord.</p>'
    form = f"""{error}<form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">
      <label for="u">Gebruikersnaam</label> <input id="u" name="username" autocomplete="username">
      <label for="p">Wachtwoord</label>
      <input id="p" name="password" type="password" autocomplete="current-password">
      <button type="submit">Inloggen</button></form>"""
    return HttpResponse(PAGE.format(title="Inloggen", body=form))


urlpatterns = [path("", home), path(LOGIN_PATH.lstrip("/"), sign_in)]

ACCESSIBLE = PAGE.format(
    title="Toegankelijk",
    body='<p>Goed leesbaar.</p><img src="data:," alt="Logo van Nieuwe Start">',
)
INACCESSIBLE = """<!doctype html><html lang="nl"><head><title>Ontoegankelijk</title></head>
<body><main><h1>Ontoegankelijk</h1>
<img src="data:,">
<p style="color:#ddd;background:#fff">Bijna onleesbaar</p>
</main></body></html>"""


@pytest.fixture
def smoke_user(settings: Settings) -> None:
    settings.REQUIRE_SECOND_FACTOR = False
    get_user_model().objects.create_user(username="rook", password="demo")


def test_axe_passes_an_accessible_page(page: Page) -> None:
    page.set_content(ACCESSIBLE)

    results = assert_accessible(page)

    assert results["testEngine"]["name"] == "axe-core"


def test_axe_fails_on_missing_alt_text_and_low_contrast(page: Page) -> None:
    page.set_content(INACCESSIBLE)

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "color-contrast (serious)" in message
    assert "at img" in message


@pytest.mark.urls(__name__)
def test_signs_in_through_the_live_server(
    page: Page, live_server: LiveServer, smoke_user: None
) -> None:
    login(page, live_server, "rook")

    assert page.get_by_role("heading").inner_text() == "Werkvoorraad"
    assert page.get_by_text("Ingelogd als rook").is_visible()
    assert_accessible(page)


@pytest.mark.urls(__name__)
def test_login_helper_reports_a_failed_sign_in(
    page: Page, live_server: LiveServer, smoke_user: None
) -> None:
    with pytest.raises(AssertionError, match="Onjuiste gebruikersnaam of wachtwoord"):
        login(page, live_server, "rook", password="fout")
