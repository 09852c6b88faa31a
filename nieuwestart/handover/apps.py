from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "nieuwestart.handover"
    label = "handover"
