from __future__ import annotations

from django.urls import path

from psoascare.web.handout import views

app_name = "handout"
urlpatterns = [
    path("", views.own_handout, name="own"),
    path("handout.pdf", views.own_handout_pdf, name="own_pdf"),
    path("clients/<int:client_id>/", views.client_handout, name="client"),
    path("clients/<int:client_id>/handout.pdf", views.client_handout_pdf, name="client_pdf"),
]
