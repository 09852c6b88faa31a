"""Web routes of the screening app, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import URLPattern

app_name = "screening"
urlpatterns: list[URLPattern] = []
