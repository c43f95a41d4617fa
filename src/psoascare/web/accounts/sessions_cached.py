"""Session engine with REDIS_URL: read through the shared cache, written through to accounts.UserSession."""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

from psoascare.web.accounts.sessions import UserSessionRows


class SessionStore(UserSessionRows, CachedDatabaseStore):
    cache_key_prefix = "psoascare.sessions."
