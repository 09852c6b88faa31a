from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "nieuwestart.organisations"
    label = "organisations"
