from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from psoascare.web.privacy.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so not even an administrator edits it here."""

    list_display = ("at", "actor_name", "action", "client", "path", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "client__username", "path")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
