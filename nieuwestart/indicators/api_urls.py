"""API routes of indicators, mounted under /api/v1/."""

from django.urls import path

from nieuwestart.indicators.api import IndicatorenView

urlpatterns = [
    path("indicatoren", IndicatorenView.as_view(), name="indicatoren"),
]
