from __future__ import annotations

from django.contrib import admin

from psoascare.web.admin import OwnedByTherapistAdmin
from psoascare.web.routines.models import CustomExercise


@admin.register(CustomExercise)
class CustomExerciseAdmin(OwnedByTherapistAdmin):
    list_display = ("title", "hold_seconds", "sides", "updated_at")
