"""API routes of the deadlines app, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.deadlines import api

urlpatterns = [
    path("termijnen", api.TermijnenView.as_view(), name="termijnen"),
]
