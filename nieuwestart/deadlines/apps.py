from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "nieuwestart.deadlines"
    label = "deadlines"
    verbose_name = _("Termijnen")

    def ready(self) -> None:
        from nieuwestart.deadlines import signals

        signals.connect()
