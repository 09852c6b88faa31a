from django.urls import path

from nieuwestart.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.home, name="home"),
    path("bewaarplicht/<uuid:hold_id>/opheffen", views.hold_lift, name="hold_lift"),
]
