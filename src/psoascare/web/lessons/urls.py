from __future__ import annotations

from django.urls import path

from psoascare.web.lessons import views

app_name = "lessons"
urlpatterns = [
    path("psoas/", views.psoas, name="psoas"),
    path("red-flags/", views.red_flag_list, name="red_flags"),
    path("figure/<slug:posture>/<str:side>/", views.leg_figure, name="leg_figure"),
]
