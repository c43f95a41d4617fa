from __future__ import annotations

from django.contrib import admin

from psoascare.web.accounts.models import Invitation, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "therapist", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "therapist", "created_at", "expires_at", "used_at")
    readonly_fields = ("token_hash",)
