from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nieuwestart.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Every sign-in attempt, local and through the organisation (OIDC), is logged.
        from nieuwestart.accounts import signins  # noqa: F401
