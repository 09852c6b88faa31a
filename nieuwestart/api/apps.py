from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "nieuwestart.api"
    label = "api"

    def ready(self) -> None:
        from nieuwestart.api import schema  # noqa: F401  (registers the OpenAPI extension)
