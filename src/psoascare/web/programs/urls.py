from __future__ import annotations

from django.urls import path

from psoascare.web.programs import views

app_name = "programs"
urlpatterns = [
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/", views.templates, name="template"),
    path("templates/<int:pk>/delete/", views.delete_template, name="delete_template"),
    path("clients/<int:client_id>/", views.assign, name="assign"),
]
