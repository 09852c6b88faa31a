"""Web routes of meetings, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.meetings import views

app_name = "meetings"
urlpatterns = [
    path("overleggen", views.meeting_list, name="list"),
    path("overleggen/nieuw", views.plan, name="plan"),
    path("overleggen/<uuid:overleg_id>", views.detail, name="detail"),
    path("overleggen/<uuid:overleg_id>/pakket", views.pack, name="pack"),
    path("overleggen/<uuid:overleg_id>/pakket.pdf", views.pack_pdf, name="pack_pdf"),
    path("overleggen/<uuid:overleg_id>/verslag", views.record, name="record"),
    path("overleggen/<uuid:overleg_id>/afgelasten", views.cancel, name="cancel"),
]
