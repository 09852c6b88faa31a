from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "nieuwestart.api"
    label = "api"
