from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "nieuwestart.screening"
    label = "screening"
