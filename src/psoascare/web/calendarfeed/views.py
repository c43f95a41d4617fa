from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import segno
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_required
from psoascare.web.calendarfeed.feed import build_feed
from psoascare.web.calendarfeed.models import CalendarFeed, live_feed_version, webcal_url

FEED_CACHE_SECONDS = 24 * 3600
# The bytes are keyed by their full version, so a copy can never be stale: each process keeps the most-polled
# feeds in its own memory (no round trip), and Redis, where configured, shares the rest between processes.
LOCAL_FEEDS = 512
_local_feeds: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
_local_lock = threading.Lock()


def _cached_feed(key: str, build: Callable[[], bytes]) -> tuple[bytes, float]:
    with _local_lock:
        found = _local_feeds.get(key)
        if found is not None:
            _local_feeds.move_to_end(key)
            return found
    found = cache.get(key)
    if found is None:
        found = (build(), time.time())
        cache.set(key, found, FEED_CACHE_SECONDS)
    with _local_lock:
        _local_feeds[key] = found
        while len(_local_feeds) > LOCAL_FEEDS:
            _local_feeds.popitem(last=False)
    return found


@require_safe  # GET, and HEAD for calendar apps that check the link first
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself. No log-in (calendar apps cannot log in): the token in the URL is the key.

    The bytes are cached per token and version (assignment, safety state, day), in Redis where configured, and
    the answer carries an ETag and Last-Modified, so a calendar app that asks again gets a 304 while nothing
    changed. Cache-Control is private: the URL is a secret, and no shared cache may keep a copy."""
    found = live_feed_version(token)
    if found is None:
        raise Http404("No such calendar")
    client_id, version = found
    key = f"calendar-feed:{hashlib.sha256(token.encode()).hexdigest()[:32]}:{version}"
    body, built = _cached_feed(key, lambda: build_feed(User.objects.select_related("profile").get(pk=client_id)))
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
