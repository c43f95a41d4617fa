"""The installable web app: its manifest, the service worker (served from the site's root so its scope covers
every page), the favicon, and the list of what a client's phone keeps for offline use.

What works offline, and how: the service worker (static/psoascare/sw.js) keeps the lesson, Today and the
client's assigned routine's player, with the files they use; a session recorded offline waits in the
browser's outbox (static/psoascare/pwa.js) and is sent when the connection is back, with an Idempotency-Key
the server stores it once under (journal.StretchSession.client_key).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from psoascare.routines import RoutineError, build_plan
from psoascare.web.accounts.models import Role, role_of

STATIC = Path(__file__).resolve().parent / "static" / "psoascare"
THEME_COLOUR = "#b3261e"  # the brand red of site.css and the icon
# What every page of the offline set needs besides its own HTML (the pages' own images are found in them).
SHARED_ASSETS = ("psoascare/site.css", "psoascare/pwa.js", "psoascare/icons/icon.svg")
PLAYER_ASSETS = ("routines/player.js", "routines/player.css")


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "PsoasCare",
        "short_name": "PsoasCare",
        "description": "Your home routine, the lesson about the psoas, and your journal.",
        "id": "/",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f9fb",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("psoascare/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("psoascare/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("psoascare/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("psoascare/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@cache
def _service_worker_source() -> bytes:
    return (STATIC / "sw.js").read_bytes()


@require_GET
@never_cache  # browsers check for a new worker on each visit; a cached old one would linger
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page says; a PNG answers it."""
    return FileResponse((STATIC / "icons" / "favicon-32.png").open("rb"), content_type="image/png")


def offline_urls(user: object) -> list[str]:
    """What the service worker keeps for this person: the lesson for everyone; for a client, Today and the player
    of their assigned routine (only while their safety gate allows exercise) with the pictures it shows."""
    from psoascare.web.journal.safety import safety_state
    from psoascare.web.programs.models import Assignment, routine_for_client

    urls = [reverse("lessons:psoas"), *(static(path) for path in SHARED_ASSETS)]
    if not isinstance(user, User) or role_of(user) != Role.CLIENT:
        return urls
    urls.append(reverse("today"))
    assignment = Assignment.objects.filter(client=user).first()
    if assignment is None or not safety_state(user).allows_exercise:
        return urls
    try:
        plan = build_plan(routine_for_client(user, assignment.template_slug))
    except RoutineError:
        return urls
    urls.append(reverse("routines:play", args=[assignment.template_slug]))
    urls += [static(path) for path in PLAYER_ASSETS]
    postures = dict.fromkeys(step.posture for step in plan.steps)
    urls += [reverse("figure", args=[f"{posture}-side.png"]) for posture in postures]
    return urls


@require_GET
@never_cache
def offline_list(request: HttpRequest) -> JsonResponse:
    """The service worker asks for this list (with the person's cookies) and keeps what is on it; a page that
    drops off it (the safety gate shut, a new routine) is dropped from the phone too."""
    return JsonResponse({"urls": offline_urls(request.user)})
