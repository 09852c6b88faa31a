from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nieuwestart.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Every sign-in attempt, local and through the organisation (OIDC), is logged, and every
        # sign-in stores its time in the session, for the absolute session lifetime.
        from nieuwestart.accounts import session_lifetime, signins  # noqa: F401
