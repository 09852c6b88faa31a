"""Web routes of the plans app, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.plans import views

app_name = "plans"
urlpatterns = [
    path("plan", views.plan, name="plan"),
    path("plan/vaststellen", views.establish, name="establish"),
    path("plan/advies", views.advice, name="advice"),
    path("plan/versies", views.versions, name="versions"),
    path("plan/versies/<int:number>", views.version, name="version"),
]
