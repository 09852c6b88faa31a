from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nieuwestart.accounts"
    label = "accounts"
