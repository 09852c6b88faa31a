"""API v1 routes. No trailing slashes (NL API Design Rules): a URL with one is 404."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView

from nieuwestart.audit.api import LogboekView
from nieuwestart.organisations.api import OrganisatiesView
from nieuwestart.trajectories.api import DetentiemeldingenView, TrajectenView, TrajectView

app_name = "api"
urlpatterns = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="openapi",
    ),
    path("detentiemeldingen", DetentiemeldingenView.as_view(), name="detentiemeldingen"),
    path("organisaties", OrganisatiesView.as_view(), name="organisaties"),
    path("trajecten", TrajectenView.as_view(), name="trajecten"),
    path("trajecten/<uuid:traject_id>", TrajectView.as_view(), name="traject"),
    path("trajecten/<uuid:traject_id>/logboek", LogboekView.as_view(), name="logboek"),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.screening.api_urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.plans.api_urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.infosheet.api_urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.deadlines.api_urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.referrals.api_urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.meetings.api_urls")),
    path("trajecten/<uuid:traject_id>/", include("nieuwestart.handover.api_urls")),
    path("", include("nieuwestart.notify.api_urls")),
    path("", include("nieuwestart.indicators.api_urls")),
    path("", include("nieuwestart.worklists.api_urls")),
]
