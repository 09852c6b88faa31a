"""API routes of handover, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.handover import api

urlpatterns = [
    path("overdracht", api.OverdrachtView.as_view(), name="handover"),
    path(
        "overdracht/<str:basisvoorwaarde>",
        api.OverdrachtBasisvoorwaardeView.as_view(),
        name="handover_condition",
    ),
    path("vrijlating", api.VrijlatingView.as_view(), name="handover_release"),
    path("afsluiting", api.AfsluitingView.as_view(), name="handover_close"),
]
