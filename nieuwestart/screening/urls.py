"""Web routes of the screening app, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.screening import views

app_name = "screening"
urlpatterns = [
    path("screening", views.screening, name="screening"),
    path("screening/bijdrage", views.contribute, name="contribute"),
]
