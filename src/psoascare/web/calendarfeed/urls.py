from __future__ import annotations

from django.urls import path

from psoascare.web.calendarfeed import views

app_name = "calendarfeed"
urlpatterns = [
    path("", views.calendar_page, name="page"),
    path("new-link/", views.new_link, name="new_link"),
    path("<str:token>.ics", views.feed, name="feed"),
]
