"""API routes of the work lists, mounted under /api/v1/."""

from django.urls import path

from nieuwestart.worklists.api import WerklijstNieuwView, WerklijstView, WerklijstWachtlijstenView

urlpatterns = [
    path("werklijst", WerklijstView.as_view(), name="werklijst"),
    path("werklijst/nieuw", WerklijstNieuwView.as_view(), name="werklijst_nieuw"),
    path(
        "werklijst/wachtlijsten",
        WerklijstWachtlijstenView.as_view(),
        name="werklijst_wachtlijsten",
    ),
]
