"""Counting a user's sessions in every table Django may keep them in, whatever the session engine."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from psoascare.web.accounts.models import UserSession


def stored_sessions_of(user_id: int) -> int:
    decoder = SessionStore()
    count = 0
    for model in (Session, UserSession):
        for data in model.objects.values_list("session_data", flat=True):
            if decoder.decode(data).get("_auth_user_id") == str(user_id):
                count += 1
    return count
