"""API routes of notify, mounted under /api/v1/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
