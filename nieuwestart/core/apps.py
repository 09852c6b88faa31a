from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nieuwestart.core"
    label = "core"

    def ready(self) -> None:
        from nieuwestart.core import lookups  # noqa: F401  # registers `__any_of`
