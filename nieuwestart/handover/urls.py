"""Web routes of handover."""

from django.urls import URLPattern

app_name = "handover"
urlpatterns: list[URLPattern] = []
