"""The admin base for content therapists own. Therapists manage it in the app (resources, programme templates,
their own exercises); /admin/ is only for the people who run the site, who see every therapist's rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User

from psoascare.web.accounts.models import Role


class OwnedByTherapistAdmin(admin.ModelAdmin):
    """Rows belong to `model.therapist`; an operator sees them all and may move one to another therapist."""

    list_select_related = ("therapist",)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "therapist":
            kwargs["queryset"] = User.objects.filter(profile__role=Role.THERAPIST).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
