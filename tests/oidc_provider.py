"""A small, real OpenID provider on 127.0.0.1 for tests and for trying organisation sign-in.

It is strict where a relying party could go wrong, so a test against it fails when our side
does: it answers only the authorization code flow, requires PKCE with S256 and checks the
code_verifier, accepts a code once, for one client and one redirect_uri, and checks the client's
authentication (client_secret_basic, or private_key_jwt against the public key it was given).
ID tokens are signed with an RSA key made at start (RS256 by default) and published in its JWKS.

Tests steer it through attributes:

- `user`: the claims of the person who signs in next (`sub`, `email`, `email_verified`, the
  organisation claim, `acr`, ...).
- `id_token_overrides`: claims to change in the next ID tokens (a wrong `iss`, another `nonce`).
- `sign_with`: `"provider"` (default), `"other-key"` (a key not in the JWKS, same kid), `"none"`
  or `"HS256"` (signed with the client secret).
- `authorize_error`: answer the next authorization requests with this OAuth error instead.
- `token_requests`: what the token endpoint saw and said, for assertions.

Run it by hand (see docs/sign-in.md):

    .venv/bin/python -m tests.oidc_provider --port 8081 --email cm.almelo@demo.example \
        --organisation PI-ALMELO --redirect-uri http://127.0.0.1:8000/oidc/callback/
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

KEY_ID = "stub-key-1"
CODE_LIFETIME_SECONDS = 60


def new_rsa_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def provider_keys() -> tuple[RSAPrivateKey, RSAPrivateKey]:
    """The provider's signing key and a stranger's key; made once per process (2048-bit RSA
    generation takes a noticeable fraction of a second)."""
    return new_rsa_key(), new_rsa_key()


def public_jwk(key: RSAPrivateKey, kid: str, alg: str = "RS256") -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "use": "sig", "alg": alg})
    return jwk


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    claims: dict[str, Any]
    expires: float
    used: bool = False


@dataclass
class StubProvider:
    """The provider's state; `start()` serves it on a free port of 127.0.0.1."""

    client_id: str = "nieuwestart"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    client_auth: str = "client_secret_basic"  # or "private_key_jwt"
    client_public_key: Any = None  # for private_key_jwt
    redirect_uris: set[str] = field(default_factory=set)
    organisation_claim: str = "organisation_code"
    user: dict[str, Any] = field(default_factory=dict)
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    userinfo_overrides: dict[str, Any] = field(default_factory=dict)
    sign_with: str = "provider"
    algorithm: str = "RS256"
    authorize_error: str = ""
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key, self.other_key = provider_keys()
        self.grants: dict[str, Grant] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.seen_assertions: set[str] = set()
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- life cycle --------------------------------------------------------------------------

    def start(self, port: int = 0) -> StubProvider:
        provider = self

        class Handler(StubHandler):
            stub = provider

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        assert self.server is not None, "start() the provider first"
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def issuer(self) -> str:
        return self.url

    def endpoints(self) -> dict[str, str]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "end_session_endpoint": f"{self.url}/logout",
        }

    def django_settings(self) -> dict[str, Any]:
        """The relying party's settings for this provider (client_secret_basic)."""
        points = self.endpoints()
        return {
            "NIEUWESTART_OIDC_ENABLED": True,
            "OIDC_OP_ISSUER": points["issuer"],
            "OIDC_OP_AUTHORIZATION_ENDPOINT": points["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": points["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": points["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": points["jwks_uri"],
            "OIDC_OP_END_SESSION_ENDPOINT": points["end_session_endpoint"],
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_AUTH": "client_secret_basic",
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "NIEUWESTART_OIDC_ORGANISATION_CLAIM": self.organisation_claim,
        }

    # -- what the endpoints do ---------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            **self.endpoints(),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "PS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["sub", "email", "email_verified", "acr", self.organisation_claim],
            "acr_values_supported": [
                "http://eidas.europa.eu/LoA/low",
                "http://eidas.europa.eu/LoA/substantial",
                "http://eidas.europa.eu/LoA/high",
            ],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.key, KEY_ID, self.algorithm)]}

    def authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) for an authorization request."""
        self.authorize_requests.append(params)
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            # Never redirect to an unknown address (RFC 6749, 4.1.2.1).
            return 400, {}, "unknown client or redirect_uri"
        state = params.get("state", "")

        def back(**answer: str) -> tuple[int, dict[str, str], str]:
            query = urlencode({**answer, "state": state, "iss": self.issuer})
            return 302, {"Location": f"{redirect_uri}?{query}"}, ""

        if self.authorize_error:
            return back(error=self.authorize_error)
        if params.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in params.get("scope", "").split():
            return back(error="invalid_scope")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE S256 required")
        if not params.get("nonce") or not state:
            return back(error="invalid_request", error_description="state and nonce required")
        code = secrets.token_urlsafe(32)
        with self.lock:
            self.grants[code] = Grant(
                client_id=self.client_id,
                redirect_uri=redirect_uri,
                code_challenge=params["code_challenge"],
                nonce=params["nonce"],
                claims=dict(self.user),
                expires=time.time() + CODE_LIFETIME_SECONDS,
            )
        return back(code=code)

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        status, body = self._token(form, authorization)
        self.token_requests.append(
            {"status": status, "error": body.get("error", ""), "form": dict(form)}
        )
        return status, body

    def _token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        client_error = self._client_authentication(form, authorization)
        if client_error:
            return 401, {"error": "invalid_client", "error_description": client_error}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            grant = self.grants.get(form.get("code", ""))
            if grant is None or grant.used or grant.expires < time.time():
                return 400, {"error": "invalid_grant", "error_description": "unknown code"}
            grant.used = True  # a code is good once, whatever happens next
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128 or not secrets.compare_digest(
            s256(verifier), grant.code_challenge
        ):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification"}
        access_token = secrets.token_urlsafe(32)
        self.access_tokens[access_token] = grant.claims
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant),
        }

    def _client_authentication(self, form: dict[str, str], authorization: str) -> str:
        """An empty string when the client proved who it is, else what was wrong."""
        if self.client_auth == "client_secret_basic":
            if not authorization.startswith("Basic "):
                return "client_secret_basic required"
            try:
                decoded = base64.b64decode(authorization[6:]).decode()
            except ValueError:
                return "bad Basic header"
            client_id, _, secret = decoded.partition(":")
            if unquote(client_id) != self.client_id or not secrets.compare_digest(
                unquote(secret), self.client_secret
            ):
                return "wrong client id or secret"
            if "client_secret" in form or "client_assertion" in form:
                return "more than one authentication method"
            return ""
        if authorization or "client_secret" in form:
            return "private_key_jwt only"
        if form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return "client_assertion_type"
        try:
            claims = jwt.decode(
                form.get("client_assertion", ""),
                self.client_public_key,
                algorithms=["RS256", "PS256"],
                audience=self.endpoints()["token_endpoint"],
                issuer=self.client_id,
                options={"require": ["iss", "sub", "aud", "exp", "jti"]},
            )
        except jwt.PyJWTError as exc:
            return f"client_assertion: {type(exc).__name__}"
        if claims["sub"] != self.client_id:
            return "client_assertion sub"
        with self.lock:
            if claims["jti"] in self.seen_assertions:
                return "client_assertion replayed"
            self.seen_assertions.add(claims["jti"])
        return ""

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": grant.nonce,
            **grant.claims,
            **self.id_token_overrides,
        }
        headers = {"kid": KEY_ID}
        if self.sign_with == "none":
            return jwt.encode(claims, None, algorithm="none", headers=headers)
        if self.sign_with == "HS256":
            return jwt.encode(claims, self.client_secret, algorithm="HS256", headers=headers)
        key = self.other_key if self.sign_with == "other-key" else self.key
        return jwt.encode(claims, key, algorithm=self.algorithm, headers=headers)

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        token = authorization.removeprefix("Bearer ")
        claims = self.access_tokens.get(token) if authorization.startswith("Bearer ") else None
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, {**claims, **self.userinfo_overrides}


class StubHandler(BaseHTTPRequestHandler):
    stub: StubProvider
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet in tests

    def _send(self, status: int, body: Any = "", headers: dict[str, str] | None = None) -> None:
        if isinstance(body, dict):
            payload = json.dumps(body).encode()
            content_type = "application/json"
        else:
            payload = str(body).encode()
            content_type = "text/plain; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        stub = self.stub
        if parts.path == "/.well-known/openid-configuration":
            self._send(200, stub.discovery())
        elif parts.path == "/jwks":
            self._send(200, stub.jwks())
        elif parts.path == "/authorize":
            status, headers, body = stub.authorize(params)
            self._send(status, body, headers)
        elif parts.path == "/userinfo":
            status, answer = stub.userinfo(self.headers.get("Authorization", ""))
            self._send(status, answer)
        elif parts.path == "/logout":
            stub.logouts.append(params)
            target = params.get("post_logout_redirect_uri", "")
            if target.startswith(("http://", "https://")):
                self._send(302, "", {"Location": target})
            else:
                self._send(200, "signed out")
        else:
            self._send(404, "not found")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        form = {key: values[0] for key, values in parse_qs(raw).items()}
        if urlsplit(self.path).path == "/token":
            status, answer = self.stub.token(form, self.headers.get("Authorization", ""))
            self._send(status, answer)
        else:
            self._send(404, "not found")


def main() -> None:
    parser = argparse.ArgumentParser(description="A stub OpenID provider on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--client-id", default="nieuwestart")
    parser.add_argument("--client-secret", default="stub-secret-only-for-local-tries")
    parser.add_argument("--redirect-uri", default="http://127.0.0.1:8000/oidc/callback/")
    parser.add_argument("--sub", default="stub-user-1")
    parser.add_argument("--email", default="cm.almelo@demo.example")
    parser.add_argument("--organisation", default="PI-ALMELO")
    parser.add_argument("--acr", default="http://eidas.europa.eu/LoA/substantial")
    args = parser.parse_args()
    stub = StubProvider(
        client_id=args.client_id,
        client_secret=args.client_secret,
        redirect_uris={args.redirect_uri},
        user={
            "sub": args.sub,
            "email": args.email,
            "email_verified": True,
            "organisation_code": args.organisation,
            "acr": args.acr,
        },
    ).start(args.port)
    print(f"Stub OpenID provider on {stub.url}. Start the demo with:")
    for name, value in stub.django_settings().items():
        print(f"  {name}={'1' if value is True else value} \\")
    print("  make demo")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stub.stop()


if __name__ == "__main__":
    main()
