from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "nieuwestart.plans"
    label = "plans"
