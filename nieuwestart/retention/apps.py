from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "nieuwestart.retention"
    label = "retention"
