"""Session engine with REDIS_URL: read through the shared cache, written through to accounts.UserSession."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

from psoascare.web.accounts.sessions import user_id_of


class SessionStore(CachedDatabaseStore):
    cache_key_prefix = "psoascare.sessions."

    @classmethod
    def get_model_class(cls) -> Any:
        from psoascare.web.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance: Any = super().create_model_instance(data)
        instance.user_id = user_id_of(data)
        return instance
