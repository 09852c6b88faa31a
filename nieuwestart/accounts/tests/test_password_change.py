"""Changing one's own password, and the password rules (ASVS 5.0 level 2, V6.2; issue 6).

Alice (casemanager, PI Almelo) has a local password. She changes it on /account/wachtwoord with
her current password and the new one twice; her session stays, her other sessions end. A wrong
current password counts towards the lockout and the per-account rate limit. New passwords are
refused when they are breached or common (also dressed up with digits, signs or leetspeak) or
mostly context words; there are no composition rules. Someone signed in through the
organisation is told that the organisation manages the password.
"""

from __future__ import annotations

import gzip
import logging
import time
from typing import Any

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client

from nieuwestart.accounts.models import OidcIdentity, User
from nieuwestart.accounts.passwords import (
    MAX_LENGTH,
    BreachedPasswordValidator,
    ContextWordValidator,
)
from nieuwestart.accounts.tests.test_oidc import claims, sign_in

PAGE = "/account/wachtwoord"
LOGIN = "/account/inloggen"
PASSWORD = "een-lang-testwachtwoord"  # the personas' password (conftest.py)
NEW = "vijf blauwe fietsen in de regen"
WRONG_CURRENT = "Dit is niet uw huidige wachtwoord"
MISMATCH = "De twee nieuwe wachtwoorden zijn niet hetzelfde"
BREACHED = "het wordt veel gebruikt of het is bij een datalek uitgelekt"
CONTEXT = "het bestaat vooral uit uw naam, uw gebruikersnaam, uw organisatie"


@pytest.fixture(autouse=True)
def _counting_window(clock: Any) -> None:
    """Inside one counting window (conftest `clock`)."""


@pytest.fixture
def signed_in(client: Client, settings: Any, alice: User) -> Client:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has its own test below
    client.force_login(alice)
    return client


def change(client: Client, old: str = PASSWORD, new: str = NEW, again: str | None = None) -> Any:
    data = {
        "old_password": old,
        "new_password1": new,
        "new_password2": new if again is None else again,
    }
    return client.post(PAGE, data)


def password_records(caplog: Any) -> list[dict[str, Any]]:
    return [
        r.signin
        for r in caplog.records
        if r.name == "nieuwestart.signin" and r.signin.get("event") == "password_change"
    ]


def alice_has(password: str) -> bool:
    return User.objects.get(username="alice").check_password(password)


# -- the flow ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_alice_changes_her_password_stays_signed_in_and_her_other_sessions_end(
    signed_in, alice, caplog
):
    elsewhere = Client()
    elsewhere.force_login(alice)
    assert elsewhere.get("/").status_code == 200
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")

    response = change(signed_in)

    assert response.status_code == 302 and response["Location"] == PAGE
    assert (
        "Uw wachtwoord is gewijzigd. U blijft hier ingelogd."
        in signed_in.get(PAGE).content.decode()
    )
    assert signed_in.get("/").status_code == 200  # this session stays
    gone = elsewhere.get("/")
    assert gone.status_code == 302 and gone["Location"].startswith(LOGIN)  # the other one ended
    assert "_auth_user_id" not in elsewhere.session
    assert alice_has(NEW) and not alice_has(PASSWORD)
    [record] = password_records(caplog)
    assert record["result"] == "succeeded" and record["username"] == "alice"
    assert record["organisation"] == "PI-ALMELO" and record["other_sessions"] == "ended"
    assert not any(NEW in r.getMessage() or PASSWORD in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_the_new_password_signs_in_and_the_old_one_no_longer(signed_in, alice):
    change(signed_in)
    fresh = Client()

    assert fresh.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 200
    assert fresh.post(LOGIN, {"username": "alice", "password": NEW}).status_code == 302


@pytest.mark.django_db
def test_a_wrong_current_password_changes_nothing_and_is_logged(signed_in, caplog):
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")

    response = change(signed_in, old="niet-mijn-wachtwoord")

    page = response.content.decode()
    assert response.status_code == 200
    assert WRONG_CURRENT in page and "Er is iets niet goed ingevuld" in page
    assert "na 5 foute pogingen wordt uw account 15 minuten geblokkeerd" in page
    assert alice_has(PASSWORD)
    assert User.objects.get(username="alice").failed_logins == 1
    [record] = password_records(caplog)
    assert record["result"] == "refused" and record["reason"] == "wrong_current_password"


@pytest.mark.django_db
def test_wrong_current_passwords_count_towards_the_sign_in_lockout(signed_in, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        change(signed_in, old="niet-mijn-wachtwoord")

    # Locked now, for every way in: the right current password does not help here either ...
    response = change(signed_in)
    assert "Uw account is daarom geblokkeerd tot" in response.content.decode()
    assert alice_has(PASSWORD) and not alice_has(NEW)
    # ... and nobody signs in with the password meanwhile.
    assert Client().post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 200
    assert User.objects.get(username="alice").is_locked()


@pytest.mark.django_db
def test_wrong_current_passwords_are_rate_limited_per_account(signed_in, settings, caplog):
    settings.RATE_PASSWORD_CHANGE_PER_MINUTE = 2
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")
    change(signed_in, old="fout-een")
    change(signed_in, old="fout-twee")

    response = change(signed_in)  # the right password, but too many failures this minute

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "te vaak een verkeerd huidig wachtwoord ingevuld" in page
    assert "Uw wachtwoord is niet gewijzigd." in page
    assert alice_has(PASSWORD)
    assert User.objects.get(username="alice").failed_logins == 2  # the refused post did not count
    assert [r["reason"] for r in password_records(caplog)] == [
        "wrong_current_password",
        "wrong_current_password",
        "rate_limited",
    ]


@pytest.mark.django_db
def test_the_new_password_must_be_typed_twice_the_same(signed_in):
    response = change(signed_in, again=NEW + "!")

    assert MISMATCH in response.content.decode()
    assert alice_has(PASSWORD)


@pytest.mark.django_db
def test_every_field_is_asked_for_in_dutch(signed_in):
    page = signed_in.post(PAGE, {}).content.decode()

    assert "Vul uw huidige wachtwoord in." in page
    assert "Vul een nieuw wachtwoord in." in page
    assert "Vul het nieuwe wachtwoord nog een keer in." in page
    assert User.objects.get(username="alice").failed_logins == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "new",
    [
        "NieuweStart2025!",
        "N13uw3St4rt!!",  # leetspeak
        "Reclassering2025",
        "detentie-gemeente-2025",
        "Almelo-gemeente-1",  # Alice's organisation, PI Almelo
        "alice-test-2025!",  # her username and names
    ],
)
def test_passwords_made_of_context_words_are_refused(signed_in, new):
    response = change(signed_in, new=new)

    page = response.content.decode()
    assert CONTEXT in page or "lijkt te veel op" in page  # Django's own similarity check
    assert alice_has(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "new",
    ["Welkom2024!!", "P@ssw0rd2024!", "123456789012", "qwertyuiop123", "wachtwoordwachtwoord"],
)
def test_common_and_breached_passwords_are_refused(signed_in, new):
    response = change(signed_in, new=new)

    assert BREACHED in response.content.decode()
    assert alice_has(PASSWORD)


@pytest.mark.django_db
def test_too_short_and_unchanged_passwords_are_refused(signed_in):
    short = change(signed_in, new="kort")
    assert "Dit wachtwoord is te kort. Gebruik minstens 12 tekens." in short.content.decode()

    same = change(signed_in, new=PASSWORD)
    assert "is hetzelfde als uw huidige wachtwoord" in same.content.decode()
    assert alice_has(PASSWORD)


@pytest.mark.django_db
def test_long_passwords_with_any_character_are_kept_exactly_as_typed(signed_in):
    # Spaces at both ends, accents, emoji, another script: 128 characters, no rule about them.
    new = ("  één olifant 🐘 в снегу, " * 6)[:MAX_LENGTH]
    assert len(new) == MAX_LENGTH

    assert change(signed_in, new=new).status_code == 302
    assert alice_has(new)
    assert not alice_has(new.strip()) and not alice_has(new[:64])  # no trimming or truncation

    too_long = change(signed_in, old=new, new=new + "x")
    assert "Dit wachtwoord is te lang. Gebruik niet meer dan 128 tekens." in (
        too_long.content.decode()
    )


@pytest.mark.django_db
def test_no_composition_rules_a_random_number_or_lower_case_words_will_do(signed_in):
    assert change(signed_in, new="739201846153").status_code == 302
    assert change(signed_in, old="739201846153", new=NEW).status_code == 302


# -- who may use it ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_someone_signed_in_through_the_organisation_is_sent_there(client, oidc, alice):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    oidc.user = claims()
    assert sign_in(client, oidc).status_code == 302

    page = client.get(PAGE).content.decode()
    posted = change(client)

    assert "Uw wachtwoord hoort bij uw organisatie, niet bij Nieuwe Start." in page
    assert 'name="old_password"' not in page
    assert posted.status_code == 200 and alice_has(PASSWORD)


@pytest.mark.django_db
def test_a_password_alone_is_not_enough_the_second_factor_comes_first(client, settings, alice):
    settings.REQUIRE_SECOND_FACTOR = True
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})  # signed in, not verified

    for response in (client.get(PAGE), change(client)):
        assert response.status_code == 302 and response["Location"] == "/account/tweede-factor"
    assert alice_has(PASSWORD)


@pytest.mark.django_db
def test_not_signed_in_goes_to_the_login_page(client):
    response = client.get(PAGE)

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_the_header_links_to_the_page(signed_in):
    page = signed_in.get("/").content.decode()

    assert f'href="{PAGE}"' in page and "Wachtwoord wijzigen" in page


# -- the rules on their own ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("password", True),
        ("Password2024!", True),  # digits and signs after a common word
        ("2024!password", True),  # ... or before it
        ("P4$$w0rd!!!!", True),  # leetspeak
        ("welkomwelkom", True),  # repeated
        ("Groningen2025!", True),  # Dutch words of our own list
        ("zomer2025zomer2025", True),
        ("abcdefghijklmn", True),  # runs
        ("987654321098", True),
        ("xyzxyzxyzxyz", True),  # a short piece repeated
        ("correct horse battery staple", False),
        ("mijn kat eet graag spruitjes", False),
        ("xK9#mQ2$vL7!", False),
        ("739201846153", False),
    ],
)
def test_breached_password_validator(password, refused):
    validator = BreachedPasswordValidator()
    if refused:
        with pytest.raises(ValidationError):
            validator.validate(password)
    else:
        validator.validate(password)


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("NieuweStart2025", True),
        ("nieuwe start!!!!", True),
        ("RECLASSERING-1234", True),
        ("Detentie&Gemeente", True),
        ("gemeente paarse olifant danst", False),  # a context word in a good passphrase
        ("reclassering welkom 2025", True),  # the rest is a common word and digits
    ],
)
def test_context_word_validator_without_an_account(password, refused):
    validator = ContextWordValidator()
    if refused:
        with pytest.raises(ValidationError):
            validator.validate(password, None)
    else:
        validator.validate(password, None)


@pytest.mark.django_db
def test_an_operator_can_add_a_larger_breached_list(tmp_path):
    listed = "een zeer bijzonder gelekt wachtwoord"
    path = tmp_path / "breached.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(f"{listed.upper()}\n")

    BreachedPasswordValidator().validate(listed)  # not in Django's list
    with pytest.raises(ValidationError):
        BreachedPasswordValidator(extra_list_path=str(path)).validate(listed)


@pytest.mark.django_db
def test_the_rules_hold_for_the_administrators_forms_too(alice):
    """Settings, not the page, hold the rules: Django's admin forms run the same validators."""
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("PI-Almelo-2025!", alice)

    assert {e.code for e in refused.value.error_list} >= {"password_context_word"}


def test_a_huge_new_password_is_refused_at_once_and_changes_nothing(signed_in):
    """The checks take longer the longer the password; a field of a megabyte must not tie up
    a server for minutes (their time grew with the square of the length)."""
    huge = "x" * 200_000 + "q"

    started = time.perf_counter()
    response = change(signed_in, new=huge)
    seconds = time.perf_counter() - started

    page = response.content.decode()
    assert "Dit wachtwoord is te lang. Gebruik niet meer dan 128 tekens." in page
    assert alice_has(PASSWORD)
    assert seconds < 5, f"{seconds:.1f} s for one refused post"


def test_without_the_right_current_password_the_new_one_is_not_judged(signed_in):
    """Nobody probes the password rules (or their cost) without knowing the password."""
    response = change(signed_in, old="niet-mijn-wachtwoord", new="wachtwoord1234")

    page = response.content.decode()
    assert WRONG_CURRENT in page
    assert BREACHED not in page
