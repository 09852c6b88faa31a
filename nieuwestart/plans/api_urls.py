"""API routes of the plans app, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.plans import api

urlpatterns = [
    path("plan", api.PlanApiView.as_view(), name="plan"),
    path("plan/taken", api.PlanTakenApiView.as_view(), name="plan_taken"),
    path("plan/taken/<uuid:taak_id>", api.PlanTaakApiView.as_view(), name="plan_taak"),
    path("plan/vaststellen", api.PlanVaststellenApiView.as_view(), name="plan_vaststellen"),
    path("plan/versies", api.PlanVersiesApiView.as_view(), name="plan_versies"),
    path("plan/versies/<int:nummer>", api.PlanVersieApiView.as_view(), name="plan_versie"),
    path(
        "plan/reclasseringsadvies",
        api.ReclasseringsadviesApiView.as_view(),
        name="plan_reclasseringsadvies",
    ),
]
