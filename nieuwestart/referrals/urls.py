"""Web routes of referrals, mounted at trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.referrals import views

app_name = "referrals"
urlpatterns = [
    path("verwijzingen/nieuw", views.create, name="create"),
    path("verwijzingen/<uuid:verwijzing_id>", views.edit, name="edit"),
]
