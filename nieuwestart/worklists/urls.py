"""Web routes of the work lists, mounted under /werk/."""

from django.urls import path

from nieuwestart.worklists import views

app_name = "worklists"
urlpatterns = [
    path("", views.home, name="home"),
    path("nieuw/<uuid:traject_id>/oppakken", views.pick_up, name="pick_up"),
]
