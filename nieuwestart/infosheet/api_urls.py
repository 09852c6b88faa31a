"""API routes of the infosheet app, mounted under /api/v1/trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.infosheet import api

urlpatterns = [
    path("informatieblad", api.InformatiebladView.as_view(), name="infosheet"),
    path(
        "informatieblad/versturen",
        api.InformatiebladVersturenView.as_view(),
        name="infosheet_send",
    ),
    path(
        "informatieblad/<int:nummer>",
        api.InformatiebladVersieView.as_view(),
        name="infosheet_version",
    ),
    path(
        "informatieblad/<int:nummer>/ontvangstbevestiging",
        api.OntvangstbevestigingView.as_view(),
        name="infosheet_acknowledge",
    ),
]
