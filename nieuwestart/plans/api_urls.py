"""API routes of the plans app, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
