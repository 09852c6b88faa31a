from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "nieuwestart.worklists"
    label = "worklists"
