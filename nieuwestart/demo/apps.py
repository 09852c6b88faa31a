from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "nieuwestart.demo"
    label = "demo"
