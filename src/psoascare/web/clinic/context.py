"""Template context for every page: how many messages wait unread (the navigation's badge)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from psoascare.web.clinic.models import Message


def unread_messages(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    # Lazy: pages that do not show the navigation (feeds, JSON) never run the query.
    count = SimpleLazyObject(lambda: Message.objects.filter(recipient=user, read_at__isnull=True).count())
    return {"unread_messages": count}
