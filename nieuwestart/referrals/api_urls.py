"""API routes of referrals, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.referrals.api import VerwijzingApiView, VerwijzingenApiView

urlpatterns = [
    path("verwijzingen", VerwijzingenApiView.as_view(), name="verwijzingen"),
    path("verwijzingen/<uuid:verwijzing_id>", VerwijzingApiView.as_view(), name="verwijzing"),
]
