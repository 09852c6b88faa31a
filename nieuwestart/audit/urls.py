from django.urls import path

from nieuwestart.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.home, name="home"),
    path("trajecten/<uuid:traject_id>", views.trajectory_log, name="trajectory"),
    path("gebruikers/<uuid:user_id>", views.user_log, name="user"),
]
