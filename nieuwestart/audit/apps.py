from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nieuwestart.audit"
    label = "audit"
