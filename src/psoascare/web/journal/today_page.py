"""The Today page, cached per client and version: a client opens it many times a day, and it changes only when
something is recorded, the therapist changes the programme, or an item's time comes.

The key names the client, how the navigation shows them, and the version of everything else the page shows
(`psoascare.web.journal.versions.today_version`, read in the same statement as the logged-in user); a copy is
kept until its next item opens or the day ends. The page is kept without its CSRF tokens, which each answer fills
in for its own request. A page that shows a one-time message (after a tick or a save) is never cached.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from psoascare.web.accounts.access import AuthenticatedHttpRequest
from psoascare.web.journal.versions import today_version_for
from psoascare.web.pagecache import PageCache

# Roughly 10 kB a page: 8 MB keeps the pages of the most active few hundred clients in each process.
TODAY_PAGES = PageCache("today", local_bytes=8 * 1024 * 1024, timeout=24 * 3600)
# Rendered where {% csrf_token %} puts the token; never a valid token itself.
CSRF_PLACEHOLDER = "csrf-token-filled-in-per-request"


def page_key(request: AuthenticatedHttpRequest) -> str | None:
    """The cache key of this request's Today page, or None when the page must be rendered afresh."""
    if request.session.get(SessionStorage.session_key):
        return None
    version = today_version_for(request.user)
    if version is None:
        return None
    user = request.user
    return TODAY_PAGES.key(user.pk, user.username, user.is_staff, version)


def cached_page(request: AuthenticatedHttpRequest, key: str | None) -> HttpResponse | None:
    page = TODAY_PAGES.get(key) if key else None
    if page is None or timezone.now().timestamp() >= page[1]:
        return None
    return _answer(request, page[0])


def keep_page(
    request: AuthenticatedHttpRequest, key: str, rendered: HttpResponse, holds_until: datetime
) -> HttpResponse:
    """Keeps a page rendered with `csrf_token=CSRF_PLACEHOLDER` and answers it."""
    TODAY_PAGES.set(key, (rendered.content, holds_until.timestamp()))
    return _answer(request, rendered.content)


def _answer(request: AuthenticatedHttpRequest, body: bytes) -> HttpResponse:
    return HttpResponse(body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode()))
