"""One secret feed URL per client. Knowing the URL is the only key, so it can be stopped and replaced at once."""

from __future__ import annotations

import secrets
from functools import cache

from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from psoascare.web.journal.versions import digest
from psoascare.web.rawsql import read_row, table

TOKEN_BYTES = 32  # 256 bits: the URL cannot be guessed, and calendar apps cannot send a password


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarFeed(models.Model):
    """The client's live feed secret. Rotating replaces the token in place, so only one URL ever works."""

    client = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    # When the client last stopped a link (None: this is the first link they were given).
    revoked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        # Never the token: this string can end up in the admin, logs and error reports.
        return f"calendar feed of {self.client}"

    @classmethod
    def for_client(cls, client: User) -> CalendarFeed:
        """The client's feed, made on first use."""
        feed, _ = cls.objects.get_or_create(client=client)
        return feed

    @classmethod
    def live(cls, token: str) -> CalendarFeed | None:
        """The feed this token opens, or None for an unknown or stopped token or a deactivated account."""
        return cls.objects.select_related("client__profile").filter(token=token, client__is_active=True).first()

    def rotate(self) -> str:
        """Stops the current URL now and gives the client a new one; returns the new token."""
        self.token = new_token()
        self.revoked = timezone.now()
        self.created_at = self.revoked
        self.save(update_fields=["token", "revoked", "created_at"])
        return self.token

    def path(self) -> str:
        return reverse("calendarfeed:feed", kwargs={"token": self.token})

    def url(self, request: HttpRequest | None = None) -> str:
        """The feed's absolute URL (psoascare.web.links: PSOASCARE_SITE_URL when set, else the request's)."""
        from psoascare.web.links import absolute_url

        return absolute_url(self.path(), request)


def feed_url_for(client: User, request: HttpRequest | None = None) -> str:
    """The absolute URL of the client's feed (made on first use): from the request's host, else SITE_URL."""
    return CalendarFeed.for_client(client).url(request)


def webcal_url(feed_url: str) -> str:
    """The same feed as a webcal:// link, which Apple devices open as a subscription rather than an import."""
    return "webcal://" + feed_url.split("://", 1)[1]


@cache
def _version_sql() -> str:
    """One query for a calendar app's poll: the feed's client, if the account is active, and their page stamp
    (psoascare.web.journal.stamps), which moves with everything the feed's bytes depend on."""
    from psoascare.web.journal.models import PageStamp

    return f"""
        SELECT f.client_id, s.stamp
        FROM {table(CalendarFeed)} f
        JOIN {table(User)} u ON u.id = f.client_id AND u.is_active
        LEFT JOIN {table(PageStamp)} s ON s.client_id = f.client_id
        WHERE f.token = %(token)s
    """


def live_feed_version(token: str) -> tuple[int, str | None] | None:
    """(client id, version) of the live feed this token opens, or None (unknown, stopped, or a deactivated
    account). The version changes whenever the feed's bytes may: with the client's page stamp (the assignment,
    its programme and its changes, the rows the safety gate reads, the client's therapist), the day, the site's
    address and zone. It is None when the client has no stamp: then nothing may be cached."""
    row = read_row(_version_sql(), {"token": token})
    if row is None:
        return None
    client_id, stamp = int(row[0]), row[1]
    return client_id, None if stamp is None else digest(row, timezone.localdate())
