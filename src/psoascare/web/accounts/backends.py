"""Django's model backend, loading the user's profile (and their therapist's) with the user: every page asks
for the role, and the client pages for the therapist's video link, so one query instead of three."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User


class ProfileBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("profile__therapist__profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
