from django.urls import path

from nieuwestart.trajectories import views

app_name = "trajectories"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("trajecten/<uuid:traject_id>", views.detail, name="detail"),
    path(
        "trajecten/<uuid:traject_id>/terugkeergemeente",
        views.change_return_municipality,
        name="return_municipality",
    ),
    path("trajecten/<uuid:traject_id>/betrokkenen", views.assign, name="assign"),
    path("trajecten/<uuid:traject_id>/fase", views.change_phase, name="phase"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<uuid:batch_id>", views.import_progress, name="import_progress"),
    path("import/<uuid:batch_id>/verwerk", views.import_step, name="import_step"),
]
