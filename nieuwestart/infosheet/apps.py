from django.apps import AppConfig


class InfosheetConfig(AppConfig):
    name = "nieuwestart.infosheet"
    label = "infosheet"
