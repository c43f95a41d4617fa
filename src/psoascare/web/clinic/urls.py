from __future__ import annotations

from django.urls import path

from psoascare.web.clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clients/<int:client_id>/", views.client_detail, name="client"),
]
