from __future__ import annotations

from django.urls import path

from psoascare.web.routines import views

app_name = "routines"
urlpatterns = [
    path("", views.routine_list, name="list"),
    path("exercises/", views.exercise_list, name="exercises"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise"),
    path("custom/", views.custom_exercises, name="custom"),
    path("custom/<int:pk>/", views.custom_exercise_edit, name="custom_edit"),
    path("clinic/<int:client_id>/<slug:slug>/play/", views.clinic_player, name="clinic_play"),
    path("clinic/<int:client_id>/<slug:slug>/sessions/", views.record_clinic_session, name="clinic_sessions"),
    path("<slug:slug>/play/", views.player, name="play"),
    path("<slug:slug>/sessions/", views.record_session, name="sessions"),
]
