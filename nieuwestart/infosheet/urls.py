"""Web routes of the infosheet app, mounted under /trajecten/<uuid:traject_id>/."""

from django.urls import path

from nieuwestart.infosheet import views

app_name = "infosheet"
urlpatterns = [
    path("informatieblad", views.sheet, name="sheet"),
    path("informatieblad.pdf", views.sheet_pdf, name="sheet_pdf"),
    path("informatieblad/versturen", views.send, name="send"),
    path("informatieblad/<int:number>", views.version, name="version"),
    path("informatieblad/<int:number>.pdf", views.version_pdf, name="version_pdf"),
    path("informatieblad/<int:number>/ontvangen", views.acknowledge, name="acknowledge"),
    path("mijn-plan", views.my_plan, name="my_plan"),
    path("mijn-plan.pdf", views.my_plan_pdf, name="my_plan_pdf"),
]
