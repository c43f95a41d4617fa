from __future__ import annotations

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_required
from psoascare.web.calendarfeed.feed import build_feed
from psoascare.web.calendarfeed.models import CalendarFeed, webcal_url


@require_safe  # GET, and HEAD for calendar apps that check the link first
@never_cache  # the URL is a secret: no shared cache may keep a copy of the client's routine
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself. No log-in (calendar apps cannot log in): the token in the URL is the key."""
    calendar_feed = CalendarFeed.live(token)
    if calendar_feed is None:
        raise Http404("No such calendar")
    response = HttpResponse(build_feed(calendar_feed.client), content_type="text/calendar; charset=utf-8")
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
