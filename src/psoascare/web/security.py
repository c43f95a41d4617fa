"""Content-Security-Policy for the app's own pages: scripts only from this site, video frames only from the
privacy-friendly players the lesson embeds after a click."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes size the schematic figures; no inline scripts are allowed.
        "style-src 'self' 'unsafe-inline'",
        # Therapists may link their own exercise photos from any https site.
        "img-src 'self' data: https:",
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin and the API's Swagger page ship their own inline scripts.
EXEMPT_PREFIXES = ("/admin/", "/api/docs")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES):
            response.setdefault("Content-Security-Policy", POLICY)
        return response


# The published API description holds no one's data and may be cached.
PUBLIC_JSON_PATHS = ("/api/openapi.json",)


class PrivateJsonMiddleware:
    """Every JSON answer (the API, the player's and desk timer's endpoints) holds someone's health data or a
    token: no browser or shared cache may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("application/json") and request.path not in PUBLIC_JSON_PATHS:
            patch_cache_control(response, private=True, no_store=True)
        return response
