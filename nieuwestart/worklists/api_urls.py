"""API routes of the work lists, mounted under /api/v1/."""

from django.urls import path

from nieuwestart.worklists.api import WerklijstNieuwView, WerklijstView

urlpatterns = [
    path("werklijst", WerklijstView.as_view(), name="werklijst"),
    path("werklijst/nieuw", WerklijstNieuwView.as_view(), name="werklijst_nieuw"),
]
