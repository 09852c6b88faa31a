from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nieuwestart.core"
    label = "core"
