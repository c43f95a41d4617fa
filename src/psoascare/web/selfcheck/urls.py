from __future__ import annotations

from django.urls import path

from psoascare.web.selfcheck import views

app_name = "selfcheck"
urlpatterns = [
    path("", views.own_page, name="page"),
    path("<int:pk>/", views.detail, name="detail"),
    path("client/<int:client_id>/", views.client_page, name="client"),
]
