"""One client's recent history as a single list, newest first, for the therapist's client page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from psoascare.web.clinic.models import Message
from psoascare.web.journal.models import (
    CompletedItem,
    DeskEvent,
    PainRecord,
    PsfsAssessment,
    RedFlagScreening,
    StretchSession,
)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str


def timeline(client: User, days: int = 30, limit: int = 200, *, reader: User) -> list[TimelineEntry]:
    """The newest `limit` entries of the last `days` days: each source gives at most its newest `limit` rows (an
    index scan each), so a busy desk timer costs no more than a quiet one."""
    since = timezone.now() - timedelta(days=days)
    entries = [
        *(
            TimelineEntry(p.recorded_at, "pain", f"Pain {p.score}/10" + (f": {p.note}" if p.note else ""))
            for p in PainRecord.objects.filter(client=client, recorded_at__gte=since).order_by("-recorded_at")[:limit]
        ),
        *(
            TimelineEntry(c.done_at, "done", f"Done: {c.label}")
            for c in CompletedItem.objects.filter(client=client, done_at__gte=since).order_by("-done_at")[:limit]
        ),
        *(
            TimelineEntry(
                s.started_at,
                "session",
                f"{s.title}: {'finished' if s.completed else 'stopped early'}, {s.seconds_done:.0f} s held",
            )
            for s in StretchSession.objects.filter(client=client, started_at__gte=since).order_by("-started_at")[:limit]
        ),
        *(
            TimelineEntry(
                d.started_at,
                "desk",
                f"Desk: {d.get_kind_display()}" + (f" ({d.minutes:.0f} min)" if d.minutes is not None else ""),
            )
            for d in DeskEvent.objects.filter(client=client, started_at__gte=since).order_by("-started_at")[:limit]
        ),
        *(
            TimelineEntry(a.recorded_at, "psfs", f"Activities score (PSFS) {a.score:.1f}")
            for a in PsfsAssessment.objects.filter(client=client, recorded_at__gte=since).order_by("-recorded_at")[
                :limit
            ]
        ),
        *(
            TimelineEntry(r.answered_at, "safety", f"Safety questions: {r.get_outcome_display()}")
            for r in RedFlagScreening.objects.filter(client=client, answered_at__gte=since).order_by("-answered_at")[
                :limit
            ]
        ),
        *(
            TimelineEntry(m.sent_at, "message", f"Message from {m.sender.username}: {m.body[:80]}")
            # Only the messages to the therapist reading: a client who moved keeps the old conversation private.
            for m in Message.objects.filter(sender=client, recipient=reader, sent_at__gte=since)
            .select_related("sender")
            .order_by("-sent_at")[:limit]
        ),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]
