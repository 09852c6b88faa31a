from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "nieuwestart.retention"
    label = "retention"

    def ready(self) -> None:
        # A misread retention setting must stop the deployment, not a nightly run.
        from nieuwestart.retention import checks  # noqa: F401
