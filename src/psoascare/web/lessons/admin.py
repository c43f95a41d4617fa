from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from psoascare.web.accounts.models import Role
from psoascare.web.lessons.models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    """Therapists manage their own articles and videos here; they never see another therapist's."""

    list_display = ("title", "kind", "public", "shared_with_all", "created_at")
    list_filter = ("kind", "public")
    filter_horizontal = ("clients",)
    exclude = ("therapist",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Resource]:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(therapist=request.user)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "clients" and not request.user.is_superuser:
            from django.contrib.auth.models import User

            kwargs["queryset"] = User.objects.filter(profile__role=Role.CLIENT, profile__therapist=request.user.pk)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Resource, form: Any, change: bool) -> None:
        if not change:
            obj.therapist = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
