"""Web routes of handover, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.handover import views

app_name = "handover"
urlpatterns = [
    path("overdracht", views.handover, name="handover"),
    path("overdracht/<str:condition>", views.check, name="check"),
    path("vrijlaten", views.release, name="release"),
    path("afsluiten", views.close, name="close"),
]
