from django.apps import AppConfig


class TrajectoriesConfig(AppConfig):
    name = "nieuwestart.trajectories"
    label = "trajectories"
