from __future__ import annotations

from django.urls import path

from psoascare.web.journal import views

app_name = "journal"
urlpatterns = [
    path("", views.history, name="history"),
    path("pain/<int:pk>/", views.pain_detail, name="pain"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("psfs/", views.psfs, name="psfs"),
]
