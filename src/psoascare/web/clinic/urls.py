from __future__ import annotations

from django.urls import path

from psoascare.web.clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clients/<int:client_id>/", views.client_detail, name="client"),
    path("clients/<int:client_id>/messages/", views.send_to_client, name="send"),
    path("clients/<int:client_id>/resume/", views.resume, name="resume"),
    path("alerts/<int:pk>/dismiss/", views.dismiss_alert, name="dismiss_alert"),
    path("settings/", views.settings_page, name="settings"),
    path("resources/", views.resources, name="resources"),
    path("resources/<int:pk>/", views.resources, name="resource"),
    path("resources/<int:pk>/delete/", views.delete_resource, name="delete_resource"),
]
