from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "nieuwestart.access"
    label = "access"
