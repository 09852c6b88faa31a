"""API routes of the screening app, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.screening import api

urlpatterns = [
    path("screening", api.TrajectScreeningView.as_view(), name="screening"),
    path("screening/bijdragen", api.BijdragenView.as_view(), name="screening_bijdragen"),
]
