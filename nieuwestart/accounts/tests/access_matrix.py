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
