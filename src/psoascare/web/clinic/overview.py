"""Each client at a glance for the therapist: adherence this week, pain and its trend, red flags, last activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Max
from django.utils import timezone

from psoascare.knowledge.outcomes import Change, nprs_weekly_change
from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord, RedFlagScreening, StretchSession
from psoascare.web.journal.safety import safety_state
from psoascare.web.programs.models import Assignment

WEEK = 7


@dataclass(frozen=True)
class Adherence:
    done: int
    due: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None


def stretch_adherence(client: User, end: date, days: int = WEEK, now: datetime | None = None) -> Adherence:
    """Ticked stretch items against those already due: over the `days` days up to `end`, from the day the
    programme started, and today only up to the current time (an evening stretch is not missed at noon)."""
    assignment = Assignment.objects.filter(client=client).first()
    if assignment is None:
        return Adherence(0, 0)
    now = timezone.localtime(now)
    start = max(end - timedelta(days=days - 1), timezone.localtime(assignment.assigned_at).date())
    scheduled = {
        (day, item.key): day < now.date() or (day == now.date() and item.at <= now.time())
        for day, items in assignment.due_between(start, end).items()
        for item in items
        if item.kind == "stretch"
    }
    done = set(CompletedItem.objects.filter(client=client, day__range=(start, end)).values_list("day", "item_key"))
    # Due: what is past its time, and what was done a little early (it no longer waits to be done).
    due_keys = {key for key, past in scheduled.items() if past or key in done}
    return Adherence(len(due_keys & done), len(due_keys))


@dataclass(frozen=True)
class ClientSummary:
    client: User
    adherence: Adherence
    last_pain: PainRecord | None
    pain_trend: Change | None
    open_red_flag: RedFlagScreening | None
    last_activity: datetime | None
    paused: bool
    has_routine: bool

    @property
    def attention(self) -> tuple[int, ...]:
        """Sort key: red flags first, then pain getting worse, low adherence, and long silence."""
        now = timezone.now()
        silent_days = (now - self.last_activity).days if self.last_activity else 999
        adherence = self.adherence.percent if self.adherence.percent is not None else 100
        return (
            0 if self.open_red_flag else 1,
            0 if self.pain_trend and self.pain_trend.meaningful and self.pain_trend.direction == "worse" else 1,
            adherence,
            -silent_days,
        )


def pain_trend(client: User, end: date) -> Change | None:
    """This week's mean pain against last week's (the same rule as the client's own chart)."""
    scores = PainRecord.objects.filter(client=client, day__gt=end - timedelta(days=2 * WEEK), day__lte=end)
    return nprs_weekly_change(dict(scores.values_list("day", "score")), end)


def last_activity(client: User) -> datetime | None:
    moments = [
        CompletedItem.objects.filter(client=client).aggregate(at=Max("done_at"))["at"],
        PainRecord.objects.filter(client=client).aggregate(at=Max("recorded_at"))["at"],
        StretchSession.objects.filter(client=client).aggregate(at=Max("ended_at"))["at"],
        DeskEvent.objects.filter(client=client).aggregate(at=Max("started_at"))["at"],
    ]
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def summarise(client: User, today: date) -> ClientSummary:
    state = safety_state(client, today)
    assignment = Assignment.objects.filter(client=client).first()
    return ClientSummary(
        client=client,
        adherence=stretch_adherence(client, today),
        last_pain=PainRecord.objects.filter(client=client).first(),
        pain_trend=pain_trend(client, today),
        open_red_flag=state.flagged[0] if state.flagged else None,
        last_activity=last_activity(client),
        paused=state.paused,
        has_routine=assignment is not None,
    )


def dashboard_rows(clients: list[User], today: date) -> list[ClientSummary]:
    return sorted((summarise(client, today) for client in clients), key=lambda row: row.attention)
