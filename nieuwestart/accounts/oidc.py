"""Sign-in through the organisation: OpenID Connect, NL GOV Assurance profile, beside local accounts.

The rules (docs/sign-in.md):

- Off unless `NIEUWESTART_OIDC_ENABLED`: the routes under /oidc/ answer 404 and nothing else
  changes. Local accounts (password and TOTP) keep working next to it.
- Authorization code flow only, with PKCE (S256), `state` and `nonce`. mozilla-django-oidc makes
  them and keeps them in the session; the callback accepts a state once, for ten minutes.
- The relying party authenticates at the token endpoint with `private_key_jwt` (what the profile
  asks) or `client_secret_basic` (a documented deviation for providers without it).
- The ID token must be signed (RS256 or PS256) with a key from the provider's JWKS, come from the
  configured issuer, be meant for our client id, be valid now, and carry our nonce. Anything else
  is refused; `none` and HMAC algorithms never pass.
- No accounts are made from a sign-in: the functional administrator sets organisation and role.
  An account is found by its stored (issuer, subject) pair, or, the first time, by a verified
  e-mail address (`email_verified` true) of an account of the organisation named in the
  organisation claim; then the pair is stored. Unknown people, unverified addresses, inactive or
  locked accounts and accounts of another organisation are refused with a Dutch message.
- With an `acr` in `NIEUWESTART_OIDC_ACR_SECOND_FACTOR` (read from the verified ID token only,
  never from userinfo) the provider's sign-in counts as the second factor (the session is verified
  through django-otp with the linked identity); with any other `acr` the local TOTP step still
  follows. Such a weak sign-in is refused for an account without a confirmed TOTP device: setting
  one up after the provider's password alone would make that password the only factor.
- When organisation sign-in is switched off, sessions that were started through it end (the
  backend no longer finds their user) and /oidc/logout/ answers 404 as well.
- Every attempt, success or refusal, goes to the sign-in log (nieuwestart.accounts.signins).
- Returns to the callback are rate limited per client address (nieuwestart.accounts.ratelimits).
"""

from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.auth import OIDCAuthenticationBackend  # type: ignore[import-untyped]
from mozilla_django_oidc.views import (  # type: ignore[import-untyped]
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)
from requests.auth import HTTPBasicAuth

from nieuwestart.accounts.backends import user_for_session
from nieuwestart.accounts.models import OidcIdentity, User
from nieuwestart.accounts.ratelimits import (
    OIDC_CALLBACK,
    address_key,
    rate_limit_failure,
    rate_limit_reached,
    rate_limited_page,
)
from nieuwestart.accounts.signins import METHOD_ORGANISATION, OIDC_BACKEND

ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 (a session key name)
STATE_MAX_AGE_SECONDS = 600
# Clock difference we accept between us and the provider, and how old an ID token may be.
LEEWAY_SECONDS = 60
ID_TOKEN_MAX_AGE_SECONDS = 600
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SECOND_FACTOR_PROVIDER = "organisatie"
SECOND_FACTOR_TOTP = "totp"

# What the person reads, per kind of refusal; the log keeps the precise reason.
MESSAGES = {
    "unknown_account": gettext_lazy(
        "wij vinden geen account dat bij u hoort. Vraag de functioneel beheerder van uw "
        "organisatie om een account voor Nieuwe Start."
    ),
    "email_not_verified": gettext_lazy(
        "uw organisatie heeft niet bevestigd dat uw e-mailadres klopt. Daarom kunnen wij uw "
        "account niet vinden. Vraag de functioneel beheerder om hulp."
    ),
    "inactive": gettext_lazy(
        "uw account staat uit. Neem contact op met de functioneel beheerder van uw organisatie."
    ),
    "locked": gettext_lazy(
        "uw account is tijdelijk geblokkeerd. Probeer het later opnieuw, of neem contact op met "
        "de functioneel beheerder."
    ),
    "other_organisation": gettext_lazy(
        "uw account hoort bij een andere organisatie dan de organisatie waarmee u inlogt. Neem "
        "contact op met de functioneel beheerder."
    ),
    "no_organisation": gettext_lazy(
        "uw organisatie heeft niet doorgegeven bij welke organisatie u werkt. Neem contact op "
        "met de functioneel beheerder."
    ),
    "already_linked": gettext_lazy(
        "uw account is al gekoppeld aan een andere inlog bij uw organisatie. Neem contact op "
        "met de functioneel beheerder."
    ),
    "ambiguous_email": gettext_lazy(
        "er zijn meer accounts met uw e-mailadres. Neem contact op met de functioneel beheerder."
    ),
    "no_second_factor": gettext_lazy(
        "uw organisatie bevestigt niet dat u met een tweede factor bent ingelogd, en u heeft in "
        "Nieuwe Start nog geen tweede factor ingesteld. Vraag de functioneel beheerder om hulp."
    ),
    "invalid_response": gettext_lazy(
        "het antwoord van de inlogdienst van uw organisatie klopt niet of is verlopen. Probeer "
        "het opnieuw."
    ),
    "provider_error": gettext_lazy(
        "het inloggen bij uw organisatie is afgebroken of niet gelukt. Probeer het opnieuw."
    ),
    "provider_unreachable": gettext_lazy(
        "de inlogdienst van uw organisatie is nu niet bereikbaar. Probeer het later opnieuw, of "
        "log in met uw gebruikersnaam."
    ),
}
# Precise reasons (for the log) that share one message.
MESSAGE_OF_REASON = {
    "bad_state": "invalid_response",
    "bad_nonce": "invalid_response",
    "bad_signature": "invalid_response",
    "bad_algorithm": "invalid_response",
    "bad_id_token": "invalid_response",
    "wrong_issuer": "invalid_response",
    "wrong_audience": "invalid_response",
    "expired": "invalid_response",
    "missing_claim": "invalid_response",
    "token_refused": "invalid_response",
    "userinfo_mismatch": "invalid_response",
}


class SignInRefused(Exception):
    """An organisation sign-in that may not succeed; `reason` is logged, its message shown."""

    def __init__(
        self,
        reason: str,
        *,
        detail: str = "",
        claims: dict[str, Any] | None = None,
        user: User | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.claims = claims or {}
        self.user = user

    @property
    def message(self) -> str:
        text = MESSAGES[MESSAGE_OF_REASON.get(self.reason, self.reason)]
        return _("U kunt niet inloggen via uw organisatie: %(reason)s") % {"reason": text}


def oidc_enabled() -> bool:
    return bool(getattr(settings, "NIEUWESTART_OIDC_ENABLED", False))


def acr_counts_as_second_factor(acr: object) -> bool:
    return isinstance(acr, str) and acr in settings.NIEUWESTART_OIDC_ACR_SECOND_FACTOR


def has_local_second_factor(user: User) -> bool:
    """Whether the account has a TOTP device that was set up and confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class OidcBackend(OIDCAuthenticationBackend):
    """Checks the provider's answer and finds the linked account; never creates one.

    Listed in AUTHENTICATION_BACKENDS so a session started through the provider stays valid;
    its `authenticate` takes only the callback's keyword arguments, so Django skips it for a
    username and password.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads and checks its settings here; ours are read when used, because the
        # backend is listed even when organisation sign-in is off.
        self.UserModel = User

    def get_user(self, user_id: int) -> User | None:
        # Switched off: sessions started through the provider end at their next request.
        if not oidc_enabled():
            return None
        # Django's own check (inactive accounts lose their session), not the library's.
        return user_for_session(self, user_id)

    def authenticate(
        self,
        request: HttpRequest,
        *,
        oidc_code: str,
        oidc_nonce: str,
        oidc_code_verifier: str,
    ) -> User:
        """The account for this callback, or SignInRefused. Checks every step of the answer."""
        tokens = self._token_response(request, oidc_code, oidc_code_verifier)
        id_token_claims = self._verified_id_token(tokens["id_token"], oidc_nonce)
        userinfo = self._userinfo(tokens, id_token_claims)
        # `acr` says how strongly the person signed in: only the signed ID token may say so, so a
        # userinfo `acr` is dropped, also when the ID token has none.
        userinfo.pop("acr", None)
        claims = {**userinfo, **id_token_claims}  # the ID token's claims win
        acr = id_token_claims.get("acr")
        user, identity, linked_now = account_for_claims(
            claims, second_factor_by_provider=acr_counts_as_second_factor(acr)
        )
        user.oidc_acr = acr if isinstance(acr, str) else ""  # type: ignore[attr-defined]
        user.oidc_identity = identity  # type: ignore[attr-defined]
        user.oidc_linked_now = linked_now  # type: ignore[attr-defined]
        user.oidc_id_token = tokens["id_token"]  # type: ignore[attr-defined]
        user.oidc_second_factor = (  # type: ignore[attr-defined]
            SECOND_FACTOR_PROVIDER if acr_counts_as_second_factor(acr) else SECOND_FACTOR_TOTP
        )
        return user

    # -- token endpoint ----------------------------------------------------------------------

    def _token_response(self, request: HttpRequest, code: str, verifier: str) -> dict[str, Any]:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.build_absolute_uri(reverse("oidc_authentication_callback")),
            "code_verifier": verifier,
        }
        basic = None
        if settings.OIDC_RP_CLIENT_AUTH == "client_secret_basic":
            # RFC 6749, 2.3.1: id and secret are form-encoded before they go into Basic.
            basic = HTTPBasicAuth(
                quote(settings.OIDC_RP_CLIENT_ID, safe=""),
                quote(settings.OIDC_RP_CLIENT_SECRET, safe=""),
            )
        else:
            data["client_id"] = settings.OIDC_RP_CLIENT_ID
            data["client_assertion_type"] = CLIENT_ASSERTION_TYPE
            data["client_assertion"] = client_assertion()
        try:
            response = requests.post(
                settings.OIDC_OP_TOKEN_ENDPOINT,
                data=data,
                auth=basic,
                timeout=settings.OIDC_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise SignInRefused("provider_unreachable", detail=type(exc).__name__) from exc
        if response.status_code != 200:
            raise SignInRefused(
                "token_refused", detail=f"{response.status_code} {_error_code(response)}"
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise SignInRefused("token_refused", detail="no JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
            raise SignInRefused("token_refused", detail="no id_token")
        if str(body.get("token_type", "")).lower() != "bearer":
            raise SignInRefused("token_refused", detail="token_type")
        return body

    # -- ID token ----------------------------------------------------------------------------

    def _verified_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError as exc:
            raise SignInRefused("bad_id_token", detail="header") from exc
        algorithm = header.get("alg")
        if algorithm not in settings.OIDC_RP_ID_TOKEN_ALGORITHMS:
            raise SignInRefused("bad_algorithm", detail=str(algorithm)[:20])
        key = self._signing_key(header)
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=[algorithm],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise SignInRefused("bad_signature") from exc
        except jwt.InvalidIssuerError as exc:
            raise SignInRefused("wrong_issuer") from exc
        except jwt.InvalidAudienceError as exc:
            raise SignInRefused("wrong_audience") from exc
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:
            raise SignInRefused("expired") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise SignInRefused("missing_claim", detail=exc.claim) from exc
        except jwt.PyJWTError as exc:
            raise SignInRefused("bad_id_token", detail=type(exc).__name__) from exc
        token_nonce = claims.get("nonce")
        if not isinstance(token_nonce, str) or not secrets.compare_digest(token_nonce, nonce):
            raise SignInRefused("bad_nonce", claims=claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if (len(audiences) > 1 or "azp" in claims) and claims.get(
            "azp"
        ) != settings.OIDC_RP_CLIENT_ID:
            raise SignInRefused("wrong_audience", detail="azp", claims=claims)
        if time.time() - float(claims["iat"]) > ID_TOKEN_MAX_AGE_SECONDS + LEEWAY_SECONDS:
            raise SignInRefused("expired", detail="iat", claims=claims)
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise SignInRefused("missing_claim", detail="sub", claims=claims)
        return claims

    def _signing_key(self, header: dict[str, Any]) -> jwt.PyJWK:
        """The one RSA signing key in the provider's JWKS that fits the token's kid and alg."""
        try:
            response = requests.get(
                settings.OIDC_OP_JWKS_ENDPOINT,
                timeout=settings.OIDC_TIMEOUT,
                allow_redirects=False,
            )
            response.raise_for_status()
            keys = response.json()["keys"]
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise SignInRefused("provider_unreachable", detail="jwks") from exc
        kid = header.get("kid")
        fitting = [
            key
            for key in keys
            if isinstance(key, dict)
            and key.get("kty") == "RSA"
            and key.get("use", "sig") == "sig"
            and (kid is None or key.get("kid") == kid)
            and key.get("alg", header["alg"]) == header["alg"]
        ]
        if len(fitting) != 1:
            raise SignInRefused("bad_signature", detail=f"{len(fitting)} keys fit")
        try:
            return jwt.PyJWK(fitting[0], algorithm=header["alg"])
        except jwt.PyJWTError as exc:
            raise SignInRefused("bad_signature", detail="key") from exc

    # -- userinfo ----------------------------------------------------------------------------

    def _userinfo(self, tokens: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
        if not settings.OIDC_OP_USER_ENDPOINT:
            return {}
        try:
            response = requests.get(
                settings.OIDC_OP_USER_ENDPOINT,
                headers={"Authorization": f"Bearer {tokens.get('access_token', '')}"},
                timeout=settings.OIDC_TIMEOUT,
                allow_redirects=False,
            )
            response.raise_for_status()
            userinfo = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInRefused("provider_unreachable", detail="userinfo", claims=claims) from exc
        # OpenID Connect Core 5.3.2: a userinfo answer about someone else must not be used.
        if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
            raise SignInRefused("userinfo_mismatch", claims=claims)
        return userinfo


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:60]
    except (ValueError, AttributeError):
        return ""


def client_assertion() -> str:
    """A fresh private_key_jwt assertion (RFC 7523) for one call to the token endpoint."""
    now = int(time.time())
    claims = {
        "iss": settings.OIDC_RP_CLIENT_ID,
        "sub": settings.OIDC_RP_CLIENT_ID,
        "aud": settings.OIDC_OP_TOKEN_ENDPOINT,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 60,
    }
    key = Path(settings.OIDC_RP_CLIENT_PRIVATE_KEY_FILE).read_bytes()
    headers = {"kid": settings.OIDC_RP_CLIENT_KEY_ID} if settings.OIDC_RP_CLIENT_KEY_ID else None
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


# -- account linking -----------------------------------------------------------------------------


def account_for_claims(
    claims: dict[str, Any], *, second_factor_by_provider: bool = True
) -> tuple[User, OidcIdentity, bool]:
    """The existing, active account of the person in these (verified) claims, and its link.

    Returns (user, identity, linked_now). Raises SignInRefused when there is no such account, and
    when the provider's sign-in is not a second factor (`second_factor_by_provider` false) while
    the account has no confirmed TOTP device of its own: the TOTP step would then set one up, and
    the provider's password alone would give a verified session.
    """
    issuer, subject = claims["iss"], claims["sub"]
    organisation_code = claims.get(settings.NIEUWESTART_OIDC_ORGANISATION_CLAIM)
    if not isinstance(organisation_code, str) or not organisation_code:
        raise SignInRefused("no_organisation", claims=claims)
    identity = (
        OidcIdentity.objects.select_related("user", "user__organisation")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    linked_now = False
    if identity is not None:
        user = identity.user
        if not identity.confirmed:
            raise SignInRefused("inactive", detail="link switched off", claims=claims, user=user)
    else:
        user = _account_by_verified_email(claims, organisation_code)
    if user.organisation is None or user.organisation.code != organisation_code:
        raise SignInRefused("other_organisation", claims=claims, user=user)
    if not user.is_active:
        raise SignInRefused("inactive", claims=claims, user=user)
    if user.is_locked():
        raise SignInRefused("locked", claims=claims, user=user)
    if (
        settings.REQUIRE_SECOND_FACTOR
        and not second_factor_by_provider
        and not has_local_second_factor(user)
    ):
        raise SignInRefused("no_second_factor", claims=claims, user=user)
    if identity is None:
        identity = oidc_identity_link(user=user, issuer=issuer, subject=subject, claims=claims)
        linked_now = True
    OidcIdentity.objects.filter(pk=identity.pk).update(last_sign_in_at=timezone.now())
    return user, identity, linked_now


def _account_by_verified_email(claims: dict[str, Any], organisation_code: str) -> User:
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise SignInRefused("unknown_account", detail="no e-mail", claims=claims)
    if claims.get("email_verified") is not True:
        raise SignInRefused("email_not_verified", claims=claims)
    with_email = list(User.objects.select_related("organisation").filter(email__iexact=email))
    if not with_email:
        raise SignInRefused("unknown_account", claims=claims)
    in_organisation = [
        user
        for user in with_email
        if user.organisation is not None and user.organisation.code == organisation_code
    ]
    if not in_organisation:
        raise SignInRefused("other_organisation", claims=claims, user=with_email[0])
    if len(in_organisation) > 1:
        raise SignInRefused("ambiguous_email", claims=claims)
    return in_organisation[0]


@transaction.atomic
def oidc_identity_link(
    *, user: User, issuer: str, subject: str, claims: dict[str, Any]
) -> OidcIdentity:
    """Store the (issuer, subject) pair for this account: once, never a second person."""
    if OidcIdentity.objects.filter(user=user, issuer=issuer).exists():
        raise SignInRefused("already_linked", claims=claims, user=user)
    try:
        with transaction.atomic():
            return OidcIdentity.objects.create(
                user=user, issuer=issuer, subject=subject, name="organisatie-inlog"
            )
    except IntegrityError as exc:  # a parallel first sign-in won the race
        raise SignInRefused("already_linked", detail="race", claims=claims, user=user) from exc


# -- views ---------------------------------------------------------------------------------------


class OidcRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE challenge (S256)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        response: HttpResponse = super().get(request)
        return response


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code (or an error)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        wait = rate_limit_reached(limit=OIDC_CALLBACK, who=address_key(request))
        if wait:
            return rate_limited_page(request, wait)
        try:
            user = _callback_user(request)
        except SignInRefused as refusal:
            rate_limit_failure(limit=OIDC_CALLBACK, who=address_key(request))
            return _refuse(request, refusal)
        next_url = self.success_url
        user.backend = OIDC_BACKEND  # as auth.authenticate() would; the sign-in log reads it
        auth.login(request, user, backend=OIDC_BACKEND)
        if user.oidc_second_factor == SECOND_FACTOR_PROVIDER:  # type: ignore[attr-defined]
            otp_login(request, user.oidc_identity)  # type: ignore[attr-defined]
        request.session[ID_TOKEN_SESSION_KEY] = user.oidc_id_token  # type: ignore[attr-defined]
        return HttpResponseRedirect(next_url)


def _callback_user(request: HttpRequest) -> User:
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states")
    entry = None
    if isinstance(states, dict) and state in states:
        # A state is good for one answer only.
        entry = states.pop(state)
        request.session["oidc_states"] = states
        # Stored now, not when the response goes out: Django does not save the session after a
        # 5xx answer, and an error later on must not leave this state usable again.
        request.session.save()
    if request.GET.get("error"):
        raise SignInRefused("provider_error", detail=request.GET["error"][:60])
    if entry is None:
        raise SignInRefused("bad_state")
    if time.time() - float(entry.get("added_on", 0)) > STATE_MAX_AGE_SECONDS:
        raise SignInRefused("bad_state", detail="expired")
    # RFC 9207: when the provider names itself in the answer, it must be the one we expect.
    if "iss" in request.GET and request.GET["iss"] != settings.OIDC_OP_ISSUER:
        raise SignInRefused("wrong_issuer", detail="authorization response")
    code = request.GET.get("code")
    if not code or not entry.get("code_verifier") or not entry.get("nonce"):
        raise SignInRefused("provider_error", detail="no code")
    return OidcBackend().authenticate(
        request,
        oidc_code=code,
        oidc_nonce=entry["nonce"],
        oidc_code_verifier=entry["code_verifier"],
    )


class OidcLogoutView(OIDCLogoutView):
    """The library's /oidc/logout/, routed only while organisation sign-in is on."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not oidc_enabled():
            raise Http404
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response


def _refuse(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    claims, user = refusal.claims, refusal.user
    organisation = claims.get(settings.NIEUWESTART_OIDC_ORGANISATION_CLAIM, "")
    user_login_failed.send(
        sender=__name__,
        credentials={
            "method": METHOD_ORGANISATION,
            "reason": refusal.reason,
            "detail": refusal.detail,
            "issuer": claims.get("iss", ""),
            "subject": claims.get("sub", ""),
            "organisation": organisation if isinstance(organisation, str) else "",
            "acr": claims.get("acr", ""),
            "username": user.get_username() if user is not None else "",
            "user_id": user.pk if user is not None else "",
        },
        request=request,
    )
    # A failed sign-in never leaves anyone signed in.
    if request.user.is_authenticated:
        auth.logout(request)
    messages.error(request, refusal.message)
    return redirect(settings.LOGIN_URL)


def provider_logout_url(request: HttpRequest) -> str:
    """Where the browser goes after signing out, read before the session ends.

    The provider's end_session endpoint (RP-initiated logout) when one is configured and this
    session came from the provider; otherwise the login page.
    """
    login_url = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    endpoint = settings.OIDC_OP_END_SESSION_ENDPOINT
    if not (oidc_enabled() and endpoint and id_token):
        return login_url
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(login_url),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
