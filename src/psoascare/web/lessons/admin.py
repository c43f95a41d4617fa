from __future__ import annotations

from django.contrib import admin

from psoascare.web.admin import OwnedByTherapistAdmin
from psoascare.web.lessons.models import Resource


@admin.register(Resource)
class ResourceAdmin(OwnedByTherapistAdmin):
    list_display = ("title", "kind", "public", "shared_with_all", "created_at")
    list_filter = ("kind", "public")
    filter_horizontal = ("clients",)
