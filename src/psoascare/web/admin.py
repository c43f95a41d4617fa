"""The admin base for content therapists own: each therapist sees and edits only their own rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from psoascare.web.accounts.models import Role


class OwnedByTherapistAdmin(admin.ModelAdmin):
    """Rows belong to `model.therapist`; superusers see all, a therapist only theirs, and new rows are theirs."""

    exclude = ("therapist",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(therapist=request.user.pk)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is User and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(profile__role=Role.CLIENT, profile__therapist=request.user.pk)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if not change:
            obj.therapist = request.user  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
