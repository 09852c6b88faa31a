"""Web routes of referrals."""

from django.urls import URLPattern

app_name = "referrals"
urlpatterns: list[URLPattern] = []
