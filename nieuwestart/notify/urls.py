"""Web routes of notify, mounted under /berichten/."""

from django.urls import path

from nieuwestart.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("gelezen", views.mark_read, name="mark_read"),
    path("alles-gelezen", views.mark_all_read, name="mark_all_read"),
    path("instellingen", views.preference, name="preference"),
]
