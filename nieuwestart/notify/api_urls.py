"""API routes of notify, mounted under /api/v1/."""

from django.urls import path

from nieuwestart.notify.api import BerichtenView, BerichtGelezenView

urlpatterns = [
    path("berichten", BerichtenView.as_view(), name="berichten"),
    path(
        "berichten/<uuid:bericht_id>/gelezen", BerichtGelezenView.as_view(), name="bericht_gelezen"
    ),
]
