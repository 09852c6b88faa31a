"""URL configuration: the web UI, the API under /api/v1 and health endpoints."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("nieuwestart.api.urls")),
]
