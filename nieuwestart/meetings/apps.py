from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "nieuwestart.meetings"
    label = "meetings"
