"""Session engine: Django's database sessions in accounts.UserSession, which records the user of each session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore


def user_id_of(data: dict[str, Any]) -> int | None:
    raw = data.get(SESSION_KEY)
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


class UserSessionRows:
    """For Django's database-backed session stores: rows in accounts.UserSession, with the session's user."""

    @classmethod
    def get_model_class(cls) -> Any:
        from psoascare.web.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance: Any = super().create_model_instance(data)  # type: ignore[misc]
        instance.user_id = user_id_of(data)
        return instance


class SessionStore(UserSessionRows, DatabaseStore):
    pass
