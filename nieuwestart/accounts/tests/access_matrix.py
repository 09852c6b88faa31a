"""Access-matrix rows of accounts (merged by tests/test_access_matrix.py).

The organisation sign-in routes hold no personal data and are the way in, not a view on a
trajectory: they answer 404 while NIEUWESTART_OIDC_ENABLED is off (as in the matrix test) and
are tested for every case in nieuwestart/accounts/tests/test_oidc.py.
"""

NOT_IN_MATRIX = {
    "oidc/authenticate/",  # starts the sign-in at the provider
    "oidc/callback/",  # the provider's answer: state, PKCE, ID token and account checks
    "oidc/logout/",  # mozilla-django-oidc's POST-only logout; ours is account/uitloggen
}

# One's own password change page (nieuwestart.accounts.passwords): every signed-in persona
# reaches its own page and nobody else's; there is no id in the URL. The flow, the second factor
# first and the organisation sign-in are in accounts/tests/test_password_change.py.
WEB_MATRIX = [
    (
        "get",
        "/account/wachtwoord",
        {
            "anonymous": 302,
            "alice": 200,
            "mia": 200,
            "bob": 200,
            "carol": 200,
            "dave": 200,
            "priya": 200,
            "justid": 200,
            "admin_user": 200,
        },
    ),
]
