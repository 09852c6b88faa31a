"""Settings for Nieuwe Start, read from the environment.

One settings module for every environment (healthchecks' style). The defaults are safe for the
embedded demo on a developer's laptop; production sets its values through environment
variables (see docs/configuration.md). Demo mode is never on unless NIEUWESTART_DEMO says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from nieuwestart.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Demo mode: demo accounts with the password "demo", no second factor, plain HTTP on loopback.
DEMO_MODE = env_bool("NIEUWESTART_DEMO", False)
DEBUG = env_bool("DJANGO_DEBUG", False)
# The test suite runs over plain HTTP against the test client and a loopback live server.
TESTING = env_bool("NIEUWESTART_TESTING", False)

_secret = os.environ.get("DJANGO_SECRET_KEY", "")
if not _secret:
    if not (DEMO_MODE or DEBUG or TESTING):
        raise RuntimeError(
            "DJANGO_SECRET_KEY is niet gezet. Zet deze variabele, of start in demomodus "
            "(NIEUWESTART_DEMO=1)."
        )
    _secret = "onveilig-alleen-voor-demo-en-tests-" + "x" * 40
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "nieuwestart.core",
    "nieuwestart.organisations",
    "nieuwestart.accounts",
    "nieuwestart.audit",
    "nieuwestart.access",
    "nieuwestart.trajectories",
    "nieuwestart.screening",
    "nieuwestart.plans",
    "nieuwestart.infosheet",
    "nieuwestart.referrals",
    "nieuwestart.meetings",
    "nieuwestart.deadlines",
    "nieuwestart.handover",
    "nieuwestart.worklists",
    "nieuwestart.indicators",
    "nieuwestart.notify",
    "nieuwestart.retention",
    "nieuwestart.api",
    "nieuwestart.demo",
]

MIDDLEWARE = [
    "nieuwestart.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "nieuwestart.core.middleware.ApiVersionMiddleware",
    "nieuwestart.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nieuwestart.accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "nieuwestart.accounts.middleware.ResolvedUserMiddleware",
    "nieuwestart.accounts.middleware.SecondFactorMiddleware",
    "nieuwestart.accounts.middleware.PageQuotaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "nieuwestart.urls"
WSGI_APPLICATION = "nieuwestart.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "nieuwestart.core.templates_backend.DjangoTemplates",
        # The name Django would give its own backend, which tools and tests look up.
        "NAME": "django",
        "DIRS": [BASE_DIR / "nieuwestart" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "nieuwestart.core.context_processors.site",
                "nieuwestart.notify.context_processors.notifications",
            ],
            # Django's i18n tags with constant texts remembered per language
            # (nieuwestart/core/templatetags/i18n_kept.py); templates still `{% load i18n %}`.
            "libraries": {"i18n": "nieuwestart.core.templatetags.i18n_kept"},
        },
    },
]
FORM_RENDERER = "nieuwestart.core.forms.QuickUtrechtFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("NIEUWESTART_DB_PREPARED", True):
    # Parameters bound by PostgreSQL, not pasted into the SQL by psycopg, so a statement that
    # runs often is prepared once per connection (after 5 runs) and PostgreSQL stops parsing
    # and planning it on every request: about a tenth less CPU per request under load
    # (decision 0018). Switch it off behind a connection pooler in transaction mode that does
    # not keep prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "nieuwestart.accounts.backends.LockoutModelBackend",
    # Sign-in through the organisation (OpenID Connect); it only answers its own callback.
    "nieuwestart.accounts.oidc.OidcBackend",
]
# ASVS 5.0 V6.2 (nieuwestart/accounts/passwords.py, docs/sign-in.md "Passwords"): 12 to 128
# characters of any kind, no composition rules, no expiry; not breached or common; not mostly
# context words. NIEUWESTART_PASSWORD_BLOCKLIST: an optional larger list of breached passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "nieuwestart.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "nieuwestart.accounts.passwords.MaximumLengthValidator"},
    {
        "NAME": "nieuwestart.accounts.passwords.BreachedPasswordValidator",
        "OPTIONS": {"extra_list_path": os.environ.get("NIEUWESTART_PASSWORD_BLOCKLIST", "")},
    },
    {"NAME": "nieuwestart.accounts.passwords.ContextWordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "trajectories:worklist"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in protection. A second factor (TOTP) is required outside demo mode.
REQUIRE_SECOND_FACTOR = env_bool("NIEUWESTART_REQUIRE_2FA", not DEMO_MODE)
LOGIN_FAILURE_LIMIT = env_int("NIEUWESTART_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("NIEUWESTART_LOGIN_LOCKOUT_MINUTES", 15)
# Rate limits per minute (nieuwestart.accounts.ratelimits), counted in the database so that every
# app replica shares them. 0 switches one off.
RATE_SIGNIN_PER_MINUTE = env_int("NIEUWESTART_RATE_SIGNIN_PER_MINUTE", 30)
RATE_SECOND_FACTOR_PER_MINUTE = env_int("NIEUWESTART_RATE_SECOND_FACTOR_PER_MINUTE", 10)
RATE_PASSWORD_CHANGE_PER_MINUTE = env_int("NIEUWESTART_RATE_PASSWORD_CHANGE_PER_MINUTE", 10)
RATE_OIDC_CALLBACK_PER_MINUTE = env_int("NIEUWESTART_RATE_OIDC_CALLBACK_PER_MINUTE", 30)
RATE_API_TOKEN_FAILURES_PER_MINUTE = env_int("NIEUWESTART_RATE_API_TOKEN_FAILURES_PER_MINUTE", 30)
OTP_TOTP_ISSUER = "Nieuwe Start"

# Idle sessions expire: a session in use is renewed, silence ends it.
SESSION_COOKIE_AGE = env_int("NIEUWESTART_SESSION_IDLE_MINUTES", 30) * 60
if SESSION_COOKIE_AGE < 120:
    raise RuntimeError("NIEUWESTART_SESSION_IDLE_MINUTES moet minstens 2 zijn.")
# Renewed by accounts.middleware.IdleSessionMiddleware at most once a minute (a tenth of a short
# idle time), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
# Django's database sessions; the row is read with kept SQL (accounts.sessions).
SESSION_ENGINE = "nieuwestart.accounts.sessions"
SESSION_RENEW_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# However active, a session ends this many hours after the sign-in (accounts/middleware.py).
SESSION_MAX_HOURS = env_int("NIEUWESTART_SESSION_MAX_HOURS", 10)
if SESSION_MAX_HOURS < 1:
    raise RuntimeError("NIEUWESTART_SESSION_MAX_HOURS moet minstens 1 zijn.")

_secure_default = not (DEMO_MODE or DEBUG or TESTING)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", _secure_default)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The __Host- prefix: the browser keeps such a cookie only if it is Secure, for path / and without
# a Domain, so no other host (a sibling subdomain) can set or overwrite it. Over plain HTTP (demo,
# tests) the cookie cannot be Secure, so the plain names stay.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _secure_default)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if _secure_default else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Behind the ingress: trust its X-Forwarded-Proto, and take the client address for rate limits
# and the sign-in log from the last X-Forwarded-For hop (the one the ingress added).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content Security Policy without 'unsafe-inline': all script and style come from our own files.
# The Utrecht CSS draws a few icons as data: URIs, hence img-src data:.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# Health probes come over plain HTTP inside the cluster. The API is never redirected: a plain-HTTP
# API call is refused (core/middleware.py, ASVS 4.1.2), so a client that leaks its token notices.
SECURE_REDIRECT_EXEMPT = [r"^gezond/", r"^api/"]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "nieuwestart" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "nieuwestart" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("NIEUWESTART_MANIFEST_STATIC", not (DEMO_MODE or DEBUG or TESTING))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEMO_MODE or DEBUG or TESTING

# Quotas on reading and exporting (nieuwestart.accounts.ratelimits, ASVS 2.4.1), counted in the
# database like the rate limits above: API requests per token per minute, and exports (CSV, XLSX,
# PDF; web and API together) per account per hour. 0 switches one off.
API_QUOTA_PER_MINUTE = env_int("NIEUWESTART_API_QUOTUM_PER_MINUUT", 600)
EXPORT_QUOTA_PER_HOUR = env_int("NIEUWESTART_EXPORT_QUOTUM_PER_UUR", 120)
WEB_QUOTA_PER_MINUTE = env_int("NIEUWESTART_WEB_QUOTUM_PER_MINUUT", 300)
# Requests a process counts before it writes them, for the API and page quotas (1: every one).
QUOTA_BATCH = env_int("NIEUWESTART_QUOTUM_BATCH", 10)
if QUOTA_BATCH < 1:
    raise RuntimeError("NIEUWESTART_QUOTUM_BATCH moet minstens 1 zijn.")

# The hottest read queries keep their SQL per process (nieuwestart.core.compiled); 0 builds it
# on every request, as Django does (for comparison, and as a way out).
COMPILED_QUERIES = env_bool("NIEUWESTART_COMPILED_QUERIES", True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Tokens only: a browser session must not reach the API around the second factor.
        "nieuwestart.accounts.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "nieuwestart.accounts.ratelimits.ApiQuota",
        "nieuwestart.accounts.ratelimits.ExportQuota",
    ],
    # DRF's JSON, and the answer's objects let go of once rendered (core/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["nieuwestart.core.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "nieuwestart.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "nieuwestart.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nieuwe Start API",
    "DESCRIPTION": (
        "Gedeeld re-integratiedossier van penitentiaire inrichtingen, reclassering en "
        "gemeenten. Volgt de NL API Design Rules."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, so clients get stable, readable enum names.
    "ENUM_NAME_OVERRIDES": {
        "JaNeeOnbekendEnum": "nieuwestart.screening.models.Answer",
        "BasisvoorwaardeEnum": "nieuwestart.screening.models.Domain",
        "ScreeningStatusEnum": "nieuwestart.screening.models.Status",
        "ActiePartnerEnum": "nieuwestart.screening.models.Partner",
        "PlanStatusEnum": "nieuwestart.plans.models.PlanStatus",
        "PlanDomeinEnum": "nieuwestart.plans.models.PlanDomain",
        "TaakStatusEnum": "nieuwestart.plans.models.PlanTaskStatus",
        "FaseEnum": "nieuwestart.trajectories.models.Phase",
        "OverlegSoortEnum": "nieuwestart.meetings.models.MeetingKind",
        "OverlegStatusEnum": "nieuwestart.meetings.models.MeetingStatus",
        "DeelnemerSoortEnum": "nieuwestart.meetings.models.ParticipantKind",
        "AanwezigheidEnum": "nieuwestart.meetings.models.Attendance",
        "AgendapuntBronEnum": "nieuwestart.meetings.models.AgendaSource",
    },
}
API_VERSION = "1.0.0"

# Municipality size classes (inhabitants): small below, large from.
MUNICIPALITY_SMALL_BELOW = env_int("NIEUWESTART_GEMEENTE_KLEIN_ONDER", 30_000)
MUNICIPALITY_LARGE_FROM = env_int("NIEUWESTART_GEMEENTE_GROOT_VANAF", 100_000)

# E-mail (Django 6.1 MAILERS). Tests keep mail in memory (django.core.mail.outbox), demo and
# development print it to the console, everything else sends through SMTP. Nothing sends mail
# directly: notifications go through the outbox table (nieuwestart.notify, docs/notifications.md).
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend"
    if DEMO_MODE or DEBUG
    else SMTP_BACKEND,
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        # Server options only for SMTP: other backends refuse options they do not know.
        "OPTIONS": {
            key: value
            for key, value in {
                "host": os.environ.get("DJANGO_EMAIL_HOST") or "localhost",
                "port": env_int("DJANGO_EMAIL_PORT", 0) or None,
                "username": os.environ.get("DJANGO_EMAIL_USER"),
                "password": os.environ.get("DJANGO_EMAIL_PASSWORD"),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False) or None,
                "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", False) or None,
                # Without a time-out a hanging mail server would hang the scheduler.
                "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10),
            }.items()
            if value
        }
        if EMAIL_BACKEND_PATH == SMTP_BACKEND
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "nieuwestart@localhost")

# Notifications and the e-mail digest (docs/notifications.md).
# The address users reach the application on; links in e-mail start with it.
NOTIFY_SITE_URL = os.environ.get("NIEUWESTART_SITE_URL", "http://127.0.0.1:8000")
# An open deadline due within this many working days gives a "termijn binnenkort" notification.
NOTIFY_DUE_WITHIN_WORKING_DAYS = env_int("NIEUWESTART_BERICHT_TERMIJN_WERKDAGEN", 3)
# Outbox: first retry after this many minutes, doubling each time (at most six hours).
NOTIFY_OUTBOX_RETRY_MINUTES = env_int("NIEUWESTART_OUTBOX_WACHT_MINUTEN", 5)
# Outbox: after this many failed attempts a message is "mislukt" (kept, an administrator requeues).
NOTIFY_OUTBOX_MAX_ATTEMPTS = env_int("NIEUWESTART_OUTBOX_MAX_POGINGEN", 12)
# Outbox: messages handed to the mail server per scheduler run.
NOTIFY_OUTBOX_BATCH = env_int("NIEUWESTART_OUTBOX_PER_RUN", 200)

# Logs go to standard error: one JSON object per line in strict mode, readable text when relaxed
# (nieuwestart/core/logging.py, docs/deployment.md#logs).
LOG_FORMAT = os.environ.get("NIEUWESTART_LOG_FORMAT", "").strip().lower() or (
    "text" if DEMO_MODE or DEBUG or TESTING else "json"
)
LOGGING = logging_config(log_format=LOG_FORMAT, level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"))

# OpenID Connect: sign-in through the organisation's identity provider, beside local accounts
# (NL GOV Assurance profile; docs/sign-in.md). Off unless NIEUWESTART_OIDC_ENABLED is set. The
# OIDC_OP_* and OIDC_RP_* names are mozilla-django-oidc's settings, with the same variable names.
NIEUWESTART_OIDC_ENABLED = env_bool("NIEUWESTART_OIDC_ENABLED", False)
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_END_SESSION_ENDPOINT = os.environ.get("OIDC_OP_END_SESSION_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
# private_key_jwt (what the profile asks) or client_secret_basic (a documented deviation).
OIDC_RP_CLIENT_AUTH = os.environ.get("OIDC_RP_CLIENT_AUTH", "private_key_jwt")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_CLIENT_PRIVATE_KEY_FILE = os.environ.get("OIDC_RP_CLIENT_PRIVATE_KEY_FILE", "")
OIDC_RP_CLIENT_KEY_ID = os.environ.get("OIDC_RP_CLIENT_KEY_ID", "")
OIDC_RP_SCOPES = " ".join(env_list("OIDC_RP_SCOPES", ["openid", "email", "profile"]))
# ID tokens must be signed with the provider's key from its JWKS; never "none" or HS*.
OIDC_RP_ID_TOKEN_ALGORITHMS = env_list("OIDC_RP_ID_TOKEN_ALGORITHMS", ["RS256", "PS256"])
OIDC_RP_SIGN_ALGO = OIDC_RP_ID_TOKEN_ALGORITHMS[0] if OIDC_RP_ID_TOKEN_ALGORITHMS else "RS256"
# The claim that names the person's organisation; its value is our organisation code.
NIEUWESTART_OIDC_ORGANISATION_CLAIM = os.environ.get(
    "NIEUWESTART_OIDC_ORGANISATION_CLAIM", "organisation_code"
)
# acr values that count as a second factor: with one of these the local TOTP step is skipped.
NIEUWESTART_OIDC_ACR_SECOND_FACTOR = env_list(
    "NIEUWESTART_OIDC_ACR_SECOND_FACTOR",
    [
        "http://eidas.europa.eu/LoA/substantial",
        "http://eidas.europa.eu/LoA/high",
        "urn:etoegang:core:assurance-class:loa3",
        "urn:etoegang:core:assurance-class:loa4",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
    ],
)
# Optional acr_values sent in the authentication request (a wish; the answer is still checked).
OIDC_AUTH_REQUEST_EXTRA_PARAMS = (
    {"acr_values": " ".join(env_list("NIEUWESTART_OIDC_ACR_VALUES", []))}
    if env_list("NIEUWESTART_OIDC_ACR_VALUES", [])
    else {}
)
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_PKCE_CODE_VERIFIER_SIZE = 64
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False  # accounts are made by the functional administrator, never by a sign-in
OIDC_ALLOW_UNSECURED_JWT = False
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_AUTHENTICATE_CLASS = "nieuwestart.accounts.oidc.OidcRequestView"
OIDC_CALLBACK_CLASS = "nieuwestart.accounts.oidc.OidcCallbackView"
OIDC_OP_LOGOUT_URL_METHOD = "nieuwestart.accounts.oidc.provider_logout_url"
LOGIN_REDIRECT_URL_FAILURE = LOGIN_URL
if NIEUWESTART_OIDC_ENABLED:
    _oidc_credential = (
        "OIDC_RP_CLIENT_PRIVATE_KEY_FILE"
        if OIDC_RP_CLIENT_AUTH == "private_key_jwt"
        else "OIDC_RP_CLIENT_SECRET"
    )
    _oidc_required = {
        "OIDC_OP_ISSUER": OIDC_OP_ISSUER,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
        "OIDC_RP_CLIENT_ID": OIDC_RP_CLIENT_ID,
        _oidc_credential: os.environ.get(_oidc_credential, ""),
    }
    _oidc_missing = [name for name, value in _oidc_required.items() if not value]
    if _oidc_missing:
        raise RuntimeError(
            "OpenID Connect staat aan, maar dit ontbreekt: " + ", ".join(_oidc_missing)
        )
    if OIDC_RP_CLIENT_AUTH not in {"private_key_jwt", "client_secret_basic"}:
        raise RuntimeError("OIDC_RP_CLIENT_AUTH is private_key_jwt of client_secret_basic.")
    if not OIDC_RP_ID_TOKEN_ALGORITHMS or set(OIDC_RP_ID_TOKEN_ALGORITHMS) - {"RS256", "PS256"}:
        raise RuntimeError("OIDC_RP_ID_TOKEN_ALGORITHMS mag alleen RS256 en PS256 bevatten.")
    _oidc_urls = [
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
        OIDC_OP_END_SESSION_ENDPOINT,
    ]
    if _secure_default and any(url and not url.startswith("https://") for url in _oidc_urls):
        raise RuntimeError("De adressen van de OpenID-provider moeten met https:// beginnen.")
    if OIDC_OP_END_SESSION_ENDPOINT:
        # Signing out posts a form that redirects to the provider: form-action must allow it.
        from urllib.parse import urlsplit

        _end_session = urlsplit(OIDC_OP_END_SESSION_ENDPOINT)
        SECURE_CSP["form-action"] = [CSP.SELF, f"{_end_session.scheme}://{_end_session.netloc}"]

# --- Benchmark (issue 6, docs/benchmarks.md) ---------------------------------------------------
# The naive endpoints under /naief/ answer the same queries WITHOUT the access policy and the
# processing log, only to measure what the chokepoint costs. Never in production: only together
# with NIEUWESTART_TESTING or DJANGO_DEBUG, and refused otherwise.
BENCHMARK_NAIVE = env_bool("NIEUWESTART_BENCHMARK_NAIVE", False)
if BENCHMARK_NAIVE and not (TESTING or DEBUG):
    raise RuntimeError(
        "NIEUWESTART_BENCHMARK_NAIVE mag alleen samen met NIEUWESTART_TESTING of DJANGO_DEBUG: "
        "de naïeve eindpunten slaan de toegangsregels en het verwerkingenlog over."
    )

# Synthetic BSNs (nieuwestart/core/bsn.py): numbers starting with 999 that fail the elfproef on
# purpose, so a benchmark can use more distinct people than the 9,091 RvIG test numbers without
# using a number that could be a real BSN. On, the inbound validation accepts them as well.
# Never in production: only together with NIEUWESTART_TESTING or DJANGO_DEBUG, and refused
# otherwise.
SYNTHETIC_BSNS = env_bool("NIEUWESTART_SYNTHETIC_BSNS", False)
if SYNTHETIC_BSNS and not (TESTING or DEBUG):
    raise RuntimeError(
        "NIEUWESTART_SYNTHETIC_BSNS mag alleen samen met NIEUWESTART_TESTING of DJANGO_DEBUG: "
        "dan worden ook BSN's geaccepteerd die niet kloppen met de elfproef."
    )

# Retention (docs/retention.md, nieuwestart/retention/categories.py). Terms per data category in
# months after a trajectory is closed, with the action: the defaults are in the code; override
# per category as "zorginhoud=3:anonimiseren,plan=36:verwijderen". The processing log has its own
# term in months per entry (at least 12: the database refuses to purge younger entries). Nothing
# is removed until a report announced it this many days before (time for a legal hold).
RETENTION_TERMS = os.environ.get("NIEUWESTART_BEWAARTERMIJNEN", "")
RETENTION_LOG_MONTHS = env_int("NIEUWESTART_BEWAARTERMIJN_LOG_MAANDEN", 60)
RETENTION_NOTICE_DAYS = env_int("NIEUWESTART_BEWAARTERMIJN_AANKONDIGING_DAGEN", 7)
# Uploaded detention notifications lose their personal data this many days after the import.
RETENTION_IMPORT_DAYS = env_int("NIEUWESTART_BEWAARTERMIJN_IMPORT_DAGEN", 30)
