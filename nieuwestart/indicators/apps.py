from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "nieuwestart.indicators"
    label = "indicators"
