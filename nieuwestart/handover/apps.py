from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "nieuwestart.handover"
    label = "handover"

    def ready(self) -> None:
        # The release lives in `trajectories` (layer 5), which may not import this app: it
        # sends `trajectory_released` inside the release's transaction, and the outcome per
        # basic condition is recorded here (docs/handover.md).
        from nieuwestart.handover.services import record_outcomes_on_release
        from nieuwestart.trajectories.signals import trajectory_released

        trajectory_released.connect(
            record_outcomes_on_release, dispatch_uid="handover.record_outcomes_on_release"
        )
