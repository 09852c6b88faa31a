"""Web routes of the plans app, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import URLPattern

app_name = "plans"
urlpatterns: list[URLPattern] = []
