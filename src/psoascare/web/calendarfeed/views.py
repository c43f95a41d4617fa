from __future__ import annotations

import hashlib
import json
import math
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_required
from psoascare.web.calendarfeed.feed import build_feed
from psoascare.web.calendarfeed.models import CalendarFeed, webcal_url
from psoascare.web.journal.safety import safety_state
from psoascare.web.programs.models import Assignment

FEED_CACHE_SECONDS = 24 * 3600


def _feed_version(calendar_feed: CalendarFeed) -> str:
    """Everything the feed's bytes depend on, as one string: the assignment as it is now (with its programme and
    its change count), the safety gate's version, the day (the paused event is dated today) and the site."""
    client = calendar_feed.client
    assignment = (
        Assignment.objects.filter(client=client)
        .select_related("programme")
        .annotate(change_count=Count("changes"), last_change=Max("changes__changed_at"))
        .first()
    )
    state = safety_state(client)
    parts: list[object] = [settings.SITE_URL, settings.TIME_ZONE, timezone.localdate(), state.version]
    if assignment is not None:
        programme = assignment.programme
        parts += [
            assignment.pk,
            assignment.template_slug,
            json.dumps(assignment.item_overrides, sort_keys=True),
            assignment.times,
            assignment.days,
            assignment.move_every_minutes,
            assignment.assigned_at,
            assignment.change_count,
            assignment.last_change,
            json.dumps([programme.title, programme.items, programme.times, programme.days]) if programme else None,
        ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@require_safe  # GET, and HEAD for calendar apps that check the link first
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself. No log-in (calendar apps cannot log in): the token in the URL is the key.

    The bytes are cached per token and version (assignment, safety state, day), in Redis where configured, and
    the answer carries an ETag and Last-Modified, so a calendar app that asks again gets a 304 while nothing
    changed. Cache-Control is private: the URL is a secret, and no shared cache may keep a copy."""
    calendar_feed = CalendarFeed.live(token)
    if calendar_feed is None:
        raise Http404("No such calendar")
    version = _feed_version(calendar_feed)
    key = f"calendar-feed:{hashlib.sha256(token.encode()).hexdigest()[:32]}:{version}"
    cached = cache.get(key)
    if cached is None:
        cached = (build_feed(calendar_feed.client), time.time())
        cache.set(key, cached, FEED_CACHE_SECONDS)
    body, built = cached
    etag = f'"{version}"'
    last_modified = math.floor(built)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified or HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, no-cache, max-age=0"
    response["Content-Disposition"] = 'inline; filename="psoascare.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


@client_required
def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    calendar_feed = CalendarFeed.for_client(request.user)
    feed_url = calendar_feed.url(request)
    subscribe_url = webcal_url(feed_url)
    # segno draws the code from the URL's bits; nothing from the user is written into the SVG as text.
    qr_svg = segno.make(subscribe_url, error="m").svg_inline(scale=4, title="QR code of your calendar link")
    context = {
        "feed_url": feed_url,
        "subscribe_url": subscribe_url,
        "qr_svg": mark_safe(qr_svg),
        "calendar_feed": calendar_feed,
    }
    return render(request, "calendarfeed/calendar.html", context)


@client_required
@require_POST
def new_link(request: AuthenticatedHttpRequest) -> HttpResponse:
    CalendarFeed.for_client(request.user).rotate()
    messages.success(request, "The old link no longer works. Add the new link below to your calendar app.")
    return redirect("calendarfeed:page")
