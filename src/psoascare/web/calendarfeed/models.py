"""One secret feed URL per client. Knowing the URL is the only key, so it can be stopped and replaced at once."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

# The safety gate reads today's pain and the 7 days before it; a day more keeps midnight on the safe side.
SAFETY_PAIN_DAYS = 8
VERSION_ANNOTATIONS = (
    "v_screenings",
    "v_screening_last",
    "v_reviewed",
    "v_reviewed_count",
    "v_pain",
    "v_pain_last",
    "v_pain_sum",
    "v_changes",
    "v_change_last",
)
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

    @classmethod
    def live_with_version(cls, token: str) -> CalendarFeed | None:
        """The live feed for this token, annotated in the same query with everything its bytes depend on (see
        `version`): one query for a calendar app's poll, however large the journal."""
        from psoascare.web.journal.models import PainRecord, RedFlagScreening
        from psoascare.web.programs.models import AssignmentChange

        client = OuterRef("client_id")
        since = timezone.localdate() - timedelta(days=SAFETY_PAIN_DAYS)

        screenings = RedFlagScreening.objects.filter(client_id=client).order_by().values("client_id")
        pain = PainRecord.objects.filter(client_id=client, day__gte=since).order_by().values("client_id")
        changes = AssignmentChange.objects.filter(assignment__client_id=client).order_by().values("assignment_id")
        annotations = {
            "v_screenings": screenings.annotate(n=Count("id")).values("n"),
            "v_screening_last": screenings.annotate(m=Max("id")).values("m"),
            "v_reviewed": screenings.annotate(m=Max("reviewed_at")).values("m"),
            "v_reviewed_count": screenings.annotate(n=Count("reviewed_at")).values("n"),
            "v_pain": pain.annotate(n=Count("id")).values("n"),
            "v_pain_last": pain.annotate(m=Max("recorded_at")).values("m"),
            "v_pain_sum": pain.annotate(s=Sum("score")).values("s"),
            "v_changes": changes.annotate(n=Count("id")).values("n"),
            "v_change_last": changes.annotate(m=Max("changed_at")).values("m"),
        }
        return (
            cls.objects.select_related("client__profile", "client__assignment__programme")
            .filter(token=token, client__is_active=True)
            .annotate(**{name: Subquery(query[:1]) for name, query in annotations.items()})
            .first()
        )

    def version(self) -> str:
        """Changes whenever the feed's bytes may: the assignment (its fields, programme and changes), the rows the
        safety gate reads (psoascare.web.journal.safety.safety_state: every screening of the client and the last
        SAFETY_PAIN_DAYS days of pain), whether the client has a therapist, the day and the site. Needs the
        annotations of `live_with_version`."""
        client = self.client
        assignment = getattr(client, "assignment", None)
        parts: list[object] = [
            settings.SITE_URL,
            settings.TIME_ZONE,
            timezone.localdate(),
            getattr(getattr(client, "profile", None), "therapist_id", None),
            *(getattr(self, name) for name in VERSION_ANNOTATIONS),
        ]
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
                [programme.title, programme.items, programme.times, programme.days] if programme else None,
            ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

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
