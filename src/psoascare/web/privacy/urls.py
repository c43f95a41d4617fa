from __future__ import annotations

from django.urls import path

from psoascare.web.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.json", views.export_json, name="export_json"),
    path("export.zip", views.export_zip, name="export_zip"),
    path("delete/", views.delete_account, name="delete"),
    path("access-log/", views.access_log, name="access_log"),
    path("clients/<int:client_id>/export.json", views.client_export_json, name="client_export_json"),
]
