from __future__ import annotations

from django.contrib import admin

from psoascare.web.admin import OwnedByTherapistAdmin
from psoascare.web.programs.models import ProgrammeTemplate


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(OwnedByTherapistAdmin):
    list_display = ("title", "times", "move_every_minutes", "created_at")
