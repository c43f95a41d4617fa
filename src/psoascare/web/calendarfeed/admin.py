from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from psoascare.web.calendarfeed.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    # The token is a password in all but name: the admin shows who has a feed, never the secret.
    list_display = ("client", "created_at", "revoked")
    fields = ("client", "created_at", "revoked")
    readonly_fields = ("client", "created_at", "revoked")
    search_fields = ("client__username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
