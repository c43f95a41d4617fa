from __future__ import annotations

from django.apps import AppConfig


class CalendarFeedConfig(AppConfig):
    name = "psoascare.web.calendarfeed"
    label = "calendarfeed"
    verbose_name = "Calendar feeds"
