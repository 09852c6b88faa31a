"""Routes of the benchmark-only naive endpoints (nieuwestart/api/naive.py), under /naief/.

Included by nieuwestart/urls.py only when NIEUWESTART_BENCHMARK_NAIVE is on (tests and DEBUG
only); with the default settings every /naief/ URL is 404.
"""

from django.urls import path

from nieuwestart.api import naive

app_name = "naive"
urlpatterns = [
    path("werklijst", naive.NaiveWorklistView.as_view(), name="werklijst"),
    path("berichten", naive.NaiveNotificationsView.as_view(), name="berichten"),
    path("trajecten/<uuid:traject_id>", naive.NaiveTrajectoryView.as_view(), name="traject"),
    path(
        "trajecten/<uuid:traject_id>/screening",
        naive.NaiveScreeningView.as_view(),
        name="screening",
    ),
    path("trajecten/<uuid:traject_id>/plan", naive.NaivePlanView.as_view(), name="plan"),
]
