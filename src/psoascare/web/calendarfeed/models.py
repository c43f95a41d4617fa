"""One secret feed URL per client. Knowing the URL is the only key, so it can be stopped and replaced at once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

# The safety gate reads today's pain and the 7 days before it; a day more keeps midnight on the safe side.
SAFETY_PAIN_DAYS = 8
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
    """One query for a calendar app's poll: the feed's client and everything the feed's bytes depend on. Written
    as SQL that SQLite and PostgreSQL share (scalar subqueries, each one index probe), and built once, since the
    ORM's compilation of the same query would cost more than running it."""
    from psoascare.web.accounts.models import Profile
    from psoascare.web.journal.models import PainRecord, RedFlagScreening
    from psoascare.web.programs.models import Assignment, AssignmentChange, ProgrammeTemplate

    def table(model: type[models.Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    screenings = f"FROM {table(RedFlagScreening)} s WHERE s.client_id = f.client_id"
    pain = f"FROM {table(PainRecord)} r WHERE r.client_id = f.client_id AND r.day >= %s"
    changes = f"FROM {table(AssignmentChange)} c WHERE c.assignment_id = a.id"
    return f"""
        SELECT f.client_id, p.therapist_id,
            a.id, a.template_slug, a.programme_id, a.item_overrides, a.times, a.days, a.move_every_minutes,
            a.assigned_at, g.title, g.items, g.times, g.days,
            (SELECT COUNT(*) {screenings}), (SELECT MAX(s.id) {screenings}),
            (SELECT MAX(s.reviewed_at) {screenings}), (SELECT COUNT(s.reviewed_at) {screenings}),
            (SELECT COUNT(*) {pain}), (SELECT MAX(r.recorded_at) {pain}), (SELECT SUM(r.score) {pain}),
            (SELECT COUNT(*) {changes}), (SELECT MAX(c.changed_at) {changes})
        FROM {table(CalendarFeed)} f
        JOIN {table(User)} u ON u.id = f.client_id AND u.is_active
        LEFT JOIN {table(Profile)} p ON p.user_id = f.client_id
        LEFT JOIN {table(Assignment)} a ON a.client_id = f.client_id
        LEFT JOIN {table(ProgrammeTemplate)} g ON g.id = a.programme_id
        WHERE f.token = %s
    """


def live_feed_version(token: str) -> tuple[int, str] | None:
    """(client id, version) of the live feed this token opens, or None (unknown, stopped, or a deactivated
    account). The version changes whenever the feed's bytes may: the assignment's fields, its programme and its
    changes; the rows the safety gate reads (psoascare.web.journal.safety.safety_state: every screening of the
    client and the last SAFETY_PAIN_DAYS days of pain, whose counts, sums and latest times move with any
    insert, review or new score); whether the client has a therapist; the day; the site's address and zone."""
    since = timezone.localdate() - timedelta(days=SAFETY_PAIN_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [since, since, since, token])
        row = cursor.fetchone()
    if row is None:
        return None
    parts = (settings.SITE_URL, settings.TIME_ZONE, timezone.localdate(), *row)
    return int(row[0]), hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
