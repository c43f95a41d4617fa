"""Absolute links for e-mails, the calendar feed and printed pages.

PSOASCARE_SITE_URL, when set, is the one public address and every link uses it. Without it, a link made while
answering a request uses that request's scheme and host (the browser's, behind a trusted proxy), and a link made
outside a request uses the address `psoascare serve` listens on.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    if request is not None and not settings.SITE_URL_CONFIGURED:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"
