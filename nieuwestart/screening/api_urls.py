"""API routes of the screening app, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
