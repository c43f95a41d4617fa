from __future__ import annotations

import hashlib
import math
import time

import segno
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_required
from psoascare.web.calendarfeed.feed import build_feed
from psoascare.web.calendarfeed.models import CalendarFeed, live_feed_version, webcal_url
from psoascare.web.pagecache import PageCache, code_fingerprint

# Feeds are small (a few kB); 4 MB keeps the most-polled few hundred in each process.
FEEDS = PageCache("calendar-feed", local_bytes=4 * 1024 * 1024, timeout=24 * 3600)


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
    if version is None:  # no stamp to say when the bytes change: built afresh, never kept nor validated
        response = HttpResponse(_build(client_id)[0], content_type="text/calendar; charset=utf-8")
    else:
        key = FEEDS.key(hashlib.sha256(token.encode()).hexdigest()[:32], version)
        body, built = FEEDS.get_or_build(key, lambda: _build(client_id))
        etag = f'"{version}-{code_fingerprint()}"'
        last_modified = math.floor(built)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        response = not_modified or HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, no-cache, max-age=0"
    response["Content-Disposition"] = 'inline; filename="psoascare.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _build(client_id: int) -> tuple[bytes, float]:
    return build_feed(User.objects.select_related("profile").get(pk=client_id)), time.time()


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
