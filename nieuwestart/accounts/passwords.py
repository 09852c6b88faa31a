"""Password rules and the password change (OWASP ASVS 5.0 level 2, V6.2).

The rules are AUTH_PASSWORD_VALIDATORS in settings.py, so they hold wherever Django sets a
password through a form: the password change page (accounts/views.py) and the administrator's
forms in /beheer/. What they ask (docs/sign-in.md, "Passwords"):

- at least 12 characters and at most MAX_LENGTH (128); any character, spaces and emoji too. The
  password is stored exactly as typed: never trimmed, truncated or changed to lower case;
- no composition rules ("a digit and a capital") and no expiry (ASVS 6.2.5 and 6.2.10);
- not a known breached or common password (BreachedPasswordValidator): Django's list of the
  20,000 most frequent passwords in Have I Been Pwned's Pwned Passwords v6, plus a short
  hand-made list of Dutch words, also with digits or signs around it, in leetspeak
  (`W3lk0m2024!`) or repeated; nor a run (`123456789012`) or a repeated short piece. There is no
  network here, so no call to the Pwned Passwords range API; an operator can add a larger list
  (NIEUWESTART_PASSWORD_BLOCKLIST, read in settings.py);
- not built mainly from context words (ContextWordValidator): the product, the chain's words,
  the person's own organisation and the person's names. Using such a word is allowed, as long
  as the rest of the password is not short or common itself.

Changing a password (password_change_check_current, password_change) asks for the current one.
A wrong current password counts towards the per-account lockout of sign-in
(accounts/backends.py: LOGIN_FAILURE_LIMIT wrong passwords lock the account) and towards a
per-account rate limit of failures (PASSWORD_CHANGE, nieuwestart.accounts.ratelimits). Every
change and every refusal of the current password is written to the sign-in log
(`nieuwestart.signin`, event=password_change), without any password.
"""

from __future__ import annotations

import gzip
import logging
import re
import unicodedata
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
)
from django.contrib.auth.password_validation import (
    MinimumLengthValidator as DjangoMinimumLengthValidator,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from nieuwestart.accounts.backends import LockoutModelBackend
from nieuwestart.accounts.models import User
from nieuwestart.accounts.ratelimits import Limit, client_address

logger = logging.getLogger("nieuwestart.signin")

MAX_LENGTH = 128

# Failed password changes (a wrong current password), per account and per minute; the same
# number as for second-factor posts, the other per-account limit.
PASSWORD_CHANGE = Limit("password_change", "RATE_PASSWORD_CHANGE_PER_MINUTE")

# Context words (ASVS 6.1.2, 6.2.11): the product and words of the chain that anyone who knows
# where the account is used would try first. Matched without case, spaces and signs, and with
# leetspeak undone (`N13uw3St4rt` is `nieuwestart`). The person's own names, username, e-mail
# address and organisation (name, code, place) are added per account: see context_words().
CONTEXT_WORDS = (
    "nieuwestart",
    "nieuwe start",
    "reclassering",
    "reclasseringnederland",
    "gemeente",
    "detentie",
    "gedetineerde",
    "gevangene",
    "gevangenis",
    "bajes",
    "justitie",
    "justitiabele",
    "justid",
    "penitentiair",
    "penitentiaire",
    "inrichting",
    "dji",
    "tulp",
    "nazorg",
    "nazorgcoordinator",
    "casemanager",
    "mentor",
    "reintegratie",
    "re-integratie",
    "terugkeer",
    "zorgenveiligheidshuis",
    "veiligheidshuis",
    "zvh",
    "svg",
    "verslavingsreclassering",
    "legerdesheils",
    "informatieblad",
    "rijksoverheid",
    "ministerie",
)

# Dutch words that people often build a password on; 29 of these 36 are not in Django's (mostly
# English) list. Hand-made, not from a breach corpus; Django's list already has for example
# welkom, wachtwoord, geheim, hallo, voetbal, feyenoord, holland, amsterdam and rotterdam.
DUTCH_COMMON_WORDS = (
    "ajax",
    "psv",
    "zomer",
    "lente",
    "herfst",
    "nederland",
    "liefde",
    "schatje",
    "prinses",
    "hondje",
    "poesje",
    "konijn",
    "mijnwachtwoord",
    "nieuwwachtwoord",
    "utrecht",
    "eindhoven",
    "groningen",
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
)

# Leetspeak undone. A "1" is an i or an l, so both readings are tried.
_LEET = {"0": "o", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t", "+": "t", "8": "b"}
_LEET_I = str.maketrans({**_LEET, "1": "i", "!": "i", "|": "l"})
_LEET_L = str.maketrans({**_LEET, "1": "l", "!": "i", "|": "l"})
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits and signs before or after the word
_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)
_DIGITS = "0123456789"
# What is left of a password after its context words must be at least this long.
CONTEXT_REMAINDER_MIN = 8


def _fold(text: str) -> str:
    """Compare without case and without look-alike forms (NFKC: full-width letters, ligatures)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _deleet(text: str) -> set[str]:
    return {text, text.translate(_LEET_I), text.translate(_LEET_L)}


def _is_run(text: str) -> bool:
    """`abcdefghijkl`, `123456789012` (digits wrap), `987654321098`: each step one up or down."""
    if len(text) < 4:
        return False
    if all(c in _DIGITS for c in text):
        steps = {(int(b) - int(a)) % 10 for a, b in pairwise(text)}
        return steps in ({1}, {9})
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return steps in ({1}, {-1})


def _candidates(password: str) -> set[str]:
    """What a password cracker tries first for this password: the forms to look up.

    The password without case; then, again and again, without digits and signs at either end,
    with leetspeak undone, and the piece that is repeated (`zomer2025zomer2025`: `zomer2025`,
    then `zomer`).
    """
    found: set[str] = set()
    pending = [_fold(password).strip()]
    while pending:
        text = pending.pop()
        if not text or text in found:
            continue
        found.add(text)
        pending.append(_EDGES.sub("", text))
        pending.extend(_deleet(text))
        repeated = _REPEATED.fullmatch(text)
        if repeated:
            pending.append(repeated.group(1))
    return found


def _load_list(path: str | Path) -> set[str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return {line.strip().casefold() for line in handle if line.strip()}
    except OSError:  # not gzipped
        with open(path, encoding="utf-8") as handle:
            return {line.strip().casefold() for line in handle if line.strip()}


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's rule with a message in plain Dutch."""

    def get_error_message(self) -> str:
        return _(
            "Dit wachtwoord is te kort. Gebruik minstens %(min_length)d tekens. Tip: een zin van "
            "een paar woorden is lang genoeg en makkelijk te onthouden."
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("Minstens %(min_length)d tekens.") % {"min_length": self.min_length}


class MaximumLengthValidator:
    """An upper bound that a person never meets (ASVS asks for at least 64)."""

    def __init__(self, max_length: int = MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("Dit wachtwoord is te lang. Gebruik niet meer dan %(max_length)d tekens.")
                % {"max_length": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Niet meer dan %(max_length)d tekens.") % {"max_length": self.max_length}


class BreachedPasswordValidator(CommonPasswordValidator):
    """Refuse breached and common passwords, also with digits or signs around them.

    The list is Django's (`common-passwords.txt.gz`, 19,640 lines): the 20,000 most frequent
    passwords of the Pwned Passwords list v6 of Have I Been Pwned (2020), cracked and lowercased
    by Royce Williams. Plus DUTCH_COMMON_WORDS and, if set, an operator's own list
    (`extra_list_path`, one password per line, plain or gzipped; about 100 bytes of memory per
    line in every process).
    """

    def __init__(self, extra_list_path: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.passwords = set(self.passwords) | set(DUTCH_COMMON_WORDS)
        if extra_list_path:
            self.passwords |= _load_list(extra_list_path)

    def is_breached(self, password: str) -> bool:
        for candidate in _candidates(password):
            if candidate in self.passwords or _is_run(candidate):
                return True
            repeated = _REPEATED.fullmatch(candidate)
            if repeated and len(repeated.group(1)) <= 3:  # `abcabcabcabc`, `xxxxxxxxxxxx`
                return True
        return False

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_LENGTH:  # refused by MaximumLengthValidator; not worth the time
            return
        if self.is_breached(password):
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self) -> str:
        return _(
            "Dit wachtwoord is te makkelijk te raden: het wordt veel gebruikt of het is bij een "
            "datalek uitgelekt. Ook met cijfers of tekens ervoor of erachter is het niet veilig. "
            "Kies een ander wachtwoord."
        )

    def get_help_text(self) -> str:
        return _("Geen wachtwoord dat veel gebruikt wordt of bij een datalek is uitgelekt.")


def _letters(text: str, table: dict[int, str]) -> list[tuple[str, str]]:
    """How context words are matched: (matched form, typed character) of each letter or digit.

    Without case and accents (é is e), leetspeak undone; spaces and other signs are left out.
    The typed character is kept to look at what remains once the context words are out.
    """
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", _fold(text)) if not unicodedata.combining(c)
    )
    return [(m, c) for c in folded if (m := c.translate(table)).isalnum()]


def context_words(user: Any) -> list[str]:
    """CONTEXT_WORDS plus the person's own: names, username, e-mail, organisation."""
    words: list[str] = list(CONTEXT_WORDS)
    if user is None:
        return words
    own: list[str] = [
        str(getattr(user, "username", "") or ""),
        str(getattr(user, "first_name", "") or ""),
        str(getattr(user, "last_name", "") or ""),
        str(getattr(user, "email", "") or "").split("@")[0],
    ]
    organisation = getattr(user, "organisation", None)
    if organisation is not None:
        own += [organisation.name, organisation.code, getattr(organisation, "place", "")]
    for value in own:
        if not value:
            continue
        words.append(value)
        words.extend(part for part in re.split(r"[\s.\-_@]+", value) if part)
    return words


class ContextWordValidator:
    """Refuse a password that is mostly context words (ASVS 6.1.2, 6.2.11).

    Every context word found in the password (see _letters) is taken out; what is left must be
    at least CONTEXT_REMAINDER_MIN characters and not breached itself. So `NieuweStart2025!`,
    `N13uw3St4rt!!` and, for someone at PI Almelo, `Gemeente-Almelo-fiets` are refused;
    `gemeente paarse olifant danst` is not. Words shorter than 3 letters are not matched.
    """

    def __init__(self) -> None:
        self._breached = BreachedPasswordValidator()

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_LENGTH:  # refused by MaximumLengthValidator; not worth the time
            return
        words = context_words(user)
        for table in (_LEET_I, _LEET_L):
            remainder = self._remainder(password, words, table)
            if remainder is None:
                continue  # no context word in it
            if len(remainder) < CONTEXT_REMAINDER_MIN or self._breached.is_breached(remainder):
                raise ValidationError(self.get_error_message(), code="password_context_word")

    @staticmethod
    def _remainder(password: str, words: list[str], table: dict[int, str]) -> str | None:
        """The typed characters left when the context words are out; None if there were none."""
        letters = _letters(password, table)
        matched = "".join(m for m, _ in letters)
        keys = {"".join(m for m, _ in _letters(word, table)) for word in words}
        taken = [False] * len(matched)
        for key in sorted((k for k in keys if len(k) >= 3), key=len, reverse=True):
            start = matched.find(key)
            while start != -1:
                span = range(start, start + len(key))
                if not any(taken[i] for i in span):
                    for i in span:
                        taken[i] = True
                start = matched.find(key, start + 1)
        if not any(taken):
            return None
        return "".join(c for (_, c), out in zip(letters, taken, strict=True) if not out)

    def get_error_message(self) -> str:
        return _(
            "Dit wachtwoord is te makkelijk te raden: het bestaat vooral uit uw naam, uw "
            "gebruikersnaam, uw organisatie of een woord als Nieuwe Start, reclassering, "
            "gemeente of detentie. Kies een ander wachtwoord."
        )

    def get_help_text(self) -> str:
        return _(
            "Niet vooral uw naam, uw organisatie of woorden als Nieuwe Start, reclassering, "
            "gemeente of detentie."
        )


# -- the change -----------------------------------------------------------------------------


class CurrentPassword(StrEnum):
    OK = "ok"
    WRONG = "wrong_current_password"
    LOCKED = "locked"


def password_change_check_current(*, user: User, password: str) -> CurrentPassword:
    """Check the current password as a sign-in does, so that a wrong one counts the same.

    Through the lockout backend itself (not `auth.authenticate`, which would log a sign-in):
    LOGIN_FAILURE_LIMIT wrong passwords in a row lock the account for LOGIN_LOCKOUT_MINUTES,
    whichever form they were typed in; a right one resets the count.
    """
    if user.is_locked():
        return CurrentPassword.LOCKED
    backend = LockoutModelBackend()
    if backend.authenticate(None, username=user.get_username(), password=password) is not None:
        return CurrentPassword.OK
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    return CurrentPassword.LOCKED if user.is_locked() else CurrentPassword.WRONG


@transaction.atomic
def password_change(*, actor: User, password: str, request: HttpRequest | None = None) -> None:
    """Set the actor's own new password (already validated) and log it.

    The stored hash changes, so every other session of the account ends at its next request:
    Django keeps a hash of the password hash in each session (HASH_SESSION_KEY) and signs a
    session out when it no longer matches. The view keeps the actor's own session with
    `update_session_auth_hash`.
    """
    actor.set_password(password)
    actor.save(update_fields=["password"])
    password_change_log(user=actor, result="succeeded", request=request)


def password_change_log(
    *, user: User, result: str, reason: str = "", request: HttpRequest | None = None
) -> None:
    """One record on the sign-in log, in the same shape as the sign-in records."""
    organisation = user.organisation
    fields: dict[str, Any] = {
        "event": "password_change",
        "result": result,
        "reason": reason,
        "username": user.get_username(),
        "user_id": user.pk,
        "organisation": organisation.code if organisation is not None else "",
        "other_sessions": "ended" if result == "succeeded" else "",
        "client": client_address(request) if request is not None else "",
    }
    text = " ".join(f"{key}={value}" for key, value in fields.items() if value not in ("", None))
    level = logging.INFO if result == "succeeded" else logging.WARNING
    logger.log(level, "sign-in %s", text, extra={"signin": fields, "user_id": user.pk})
