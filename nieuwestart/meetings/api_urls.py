"""API routes of meetings, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.meetings import api

urlpatterns = [
    path("overleggen", api.OverleggenApiView.as_view(), name="overleggen"),
    path(
        "overleggen/agendavoorstel",
        api.AgendavoorstelApiView.as_view(),
        name="overleg_agendavoorstel",
    ),
    path("overleggen/<uuid:overleg_id>", api.OverlegApiView.as_view(), name="overleg"),
    path(
        "overleggen/<uuid:overleg_id>/verslag",
        api.OverlegVerslagApiView.as_view(),
        name="overleg_verslag",
    ),
    path(
        "overleggen/<uuid:overleg_id>/afgelasten",
        api.OverlegAfgelastenApiView.as_view(),
        name="overleg_afgelasten",
    ),
]
