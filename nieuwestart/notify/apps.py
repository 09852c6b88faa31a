from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "nieuwestart.notify"
    label = "notify"
