"""Included by the project at /desk/."""

from __future__ import annotations

from django.urls import path

from psoascare.web.desktimer import views

app_name = "desktimer"

urlpatterns = [
    path("", views.timer, name="timer"),
    path("events/", views.record_event, name="events"),
]
