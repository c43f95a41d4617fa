"""Form helpers shared by the apps."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict


def bound_data(request: HttpRequest) -> QueryDict | None:
    """POST data whenever the method is POST, even when empty (so an empty form is an error, not a blank page)."""
    return request.POST if request.method == "POST" else None
