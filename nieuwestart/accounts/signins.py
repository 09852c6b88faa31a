"""The sign-in log: every sign-in attempt, with a password or through the organisation.

Security logging, not the processing log of personal data (nieuwestart.audit): one record per
attempt on the logger `nieuwestart.signin`, success at INFO and refusal at WARNING, with the
method (`wachtwoord` or `organisatie`), the result, the reason of a refusal, the account as far as
it is known, the organisation, the `acr` of an organisation sign-in and the client address. A
password is never logged (Django masks it in the credentials it sends with the signal). Nor is
the username typed at a failed password sign-in when no account has it: it may be a BSN or a
password typed in the wrong field. The record then says `reason=unknown_username`. A session
ended by its absolute lifetime is logged too (`event=session_ended`), and so is a rate limit
that is reached (nieuwestart.accounts.ratelimits). The client address is the one the rate
limits use: behind the ingress (DJANGO_BEHIND_PROXY) the address the ingress saw.

Both methods go through Django's own signals: `user_logged_in` (sent by `auth.login`) and
`user_login_failed` (sent by `auth.authenticate` for a wrong password or a locked account, and by
nieuwestart.accounts.oidc for every refused organisation sign-in).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from nieuwestart.accounts.ratelimits import client_address

logger = logging.getLogger("nieuwestart.signin")

METHOD_PASSWORD = "wachtwoord"  # noqa: S105 (a method name)
METHOD_ORGANISATION = "organisatie"
OIDC_BACKEND = "nieuwestart.accounts.oidc.OidcBackend"


def _client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return client_address(request)


def _emit(level: int, fields: dict[str, Any]) -> None:
    # The message carries the fields too, so a plain console handler shows them as well as a
    # structured (JSON) handler that reads them from the record.
    text = " ".join(f"{key}={value}" for key, value in fields.items() if value not in ("", None))
    user_id = fields.get("user_id") or None
    logger.log(level, "sign-in %s", text, extra={"signin": fields, "user_id": user_id})


def _password_account(typed: object) -> tuple[str, str, Any]:
    """(reason, username, user id) of a failed password sign-in; the typed name only if known."""
    from django.contrib.auth import get_user_model  # apps are loaded by the time a signal fires

    user_model = get_user_model()
    user = (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: typed}).first()
        if isinstance(typed, str) and typed
        else None
    )
    if user is None:
        return "unknown_username", "", ""
    return "bad_credentials", user.get_username(), user.pk


@receiver(user_logged_in, dispatch_uid="nieuwestart.signin.succeeded")
def log_sign_in_succeeded(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    organisation = getattr(user, "organisation", None)
    by_provider = getattr(user, "backend", "") == OIDC_BACKEND
    _emit(
        logging.INFO,
        {
            "event": "sign_in",
            "result": "succeeded",
            "method": METHOD_ORGANISATION if by_provider else METHOD_PASSWORD,
            "username": user.get_username(),
            "user_id": user.pk,
            "organisation": organisation.code if organisation is not None else "",
            "role": getattr(user, "role", ""),
            "acr": getattr(user, "oidc_acr", "") if by_provider else "",
            "second_factor": getattr(user, "oidc_second_factor", "") if by_provider else "",
            "linked": "yes" if getattr(user, "oidc_linked_now", False) else "",
            "client": _client_address(request),
        },
    )


@receiver(user_login_failed, dispatch_uid="nieuwestart.signin.refused")
def log_sign_in_refused(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    by_provider = credentials.get("method") == METHOD_ORGANISATION
    if by_provider:
        reason = credentials.get("reason", "")
        username = credentials.get("username", "")
        user_id = credentials.get("user_id", "")
    else:
        reason, username, user_id = _password_account(credentials.get("username"))
    _emit(
        logging.WARNING,
        {
            "event": "sign_in",
            "result": "refused",
            "method": METHOD_ORGANISATION if by_provider else METHOD_PASSWORD,
            "reason": reason,
            "username": username,
            "user_id": user_id,
            "organisation": credentials.get("organisation", ""),
            "issuer": credentials.get("issuer", ""),
            "subject": credentials.get("subject", ""),
            "acr": credentials.get("acr", ""),
            "detail": credentials.get("detail", ""),
            "client": _client_address(request),
        },
    )


def log_session_ended(request: HttpRequest, *, reason: str) -> None:
    """A session ended by the application (not by the person signing out), e.g. its lifetime."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        user = None
    _emit(
        logging.INFO,
        {
            "event": "session_ended",
            "reason": reason,
            "username": user.get_username() if user is not None else "",
            "user_id": user.pk if user is not None else "",
            "client": _client_address(request),
        },
    )
