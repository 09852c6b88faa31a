"""Web routes of the infosheet app, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import URLPattern

app_name = "infosheet"
urlpatterns: list[URLPattern] = []
