"""The Today page's content for one client: what is due, what is done, today's pain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from psoascare.routines.schedule import DueItem
from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord, StretchSession
from psoascare.web.programs.models import Assignment


@dataclass(frozen=True)
class TodayItem:
    due: DueItem
    done: CompletedItem | None
    is_open: bool  # may be ticked now (not later today)


@dataclass(frozen=True)
class Today:
    day: date
    assignment: Assignment | None
    items: list[TodayItem]
    pain: PainRecord | None

    @property
    def open_keys(self) -> set[str]:
        """What may be ticked now: items already open (not later today), done or not."""
        return {item.due.key for item in self.items if item.is_open}

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    def item(self, key: str) -> DueItem:
        return next(item.due for item in self.items if item.due.key == key)

    def next_change(self) -> datetime:
        """Until when this page holds as it is, if nothing is recorded: the next item opens, or the day ends."""
        zone = timezone.get_current_timezone()
        openings = [datetime.combine(self.day, item.due.opens_at, zone) for item in self.items if not item.is_open]
        return min([*openings, datetime.combine(self.day + timedelta(days=1), time(0), zone)])

    def groups(self) -> list[tuple[str, list[TodayItem]]]:
        grouped: dict[str, list[TodayItem]] = {}
        for item in self.items:
            grouped.setdefault(item.due.slot, []).append(item)
        return list(grouped.items())


def today_for(client: User, day: date | None = None, now: datetime | None = None) -> Today:
    now = timezone.localtime(now)
    day = day or now.date()
    is_open = (lambda item: True) if day < now.date() else (lambda item: day == now.date() and item.is_open(now.time()))
    assignment = Assignment.objects.filter(client=client).first()
    due = assignment.due_on(day) if assignment else []
    done = {c.item_key: c for c in CompletedItem.objects.filter(client=client, day=day)}
    pain = PainRecord.objects.filter(client=client, day=day).first()
    return Today(day, assignment, [TodayItem(item, done.get(item.key), is_open(item)) for item in due], pain)


def tick(client: User, today: Today, key: str, undo: bool = False, done_at: datetime | None = None) -> None:
    if undo:
        CompletedItem.objects.filter(client=client, day=today.day, item_key=key).delete()
        return
    CompletedItem.objects.get_or_create(
        client=client,
        day=today.day,
        item_key=key,
        defaults={"label": today.item(key).label, "done_at": done_at or timezone.now()},
    )


OFFLINE_DAYS = 2  # a tick kept on a phone offline counts for its own day if it arrives within two days
OFFLINE_CLOCK_SKEW = timedelta(minutes=5)


def offline_time(raw: str) -> datetime | None:
    """When a tick kept on the device while offline was made (`made_at`, ISO 8601 with a UTC offset), so it
    counts for that day and time; None for a tick made now. ValueError says why a time cannot be used."""
    if not raw.strip():
        return None
    try:
        made_at = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(f"made_at is not an ISO 8601 date and time: {raw[:40]!r}") from None
    if made_at.tzinfo is None:
        raise ValueError("made_at must include a UTC offset")
    now = timezone.now()
    if made_at > now + OFFLINE_CLOCK_SKEW:
        raise ValueError("made_at is in the future: check this device's clock")
    if made_at < now - timedelta(days=OFFLINE_DAYS):
        raise ValueError(f"a tick kept offline counts only within {OFFLINE_DAYS} days")
    return made_at


def credit_session(session: StretchSession) -> list[str]:
    """Tick the Today items a finished guided session covered: its exercises and sides, at the latest routine
    time already open when it started (a late morning session counts for the morning). Returns the keys."""
    if not session.completed or session.mode != "home":
        return []
    started = timezone.localtime(session.started_at)
    assignment = Assignment.objects.filter(client=session.client).first()
    due = [item for item in (assignment.due_on(started.date()) if assignment else []) if item.kind == "stretch"]
    if not due:
        return []
    open_times = {item.at for item in due if item.is_open(started.time())}
    if not open_times:
        return []  # before the day's first slot opens: nothing in the future is ticked
    latest = max(open_times)
    done = {
        (step["exercise"], step["side"]) for step in session.steps if step["done_seconds"] > 0 and not step["skipped"]
    }
    ticked = []
    for item in due:
        if item.at == latest and (item.exercise, item.side) in done:
            CompletedItem.objects.get_or_create(
                client=session.client,
                day=started.date(),
                item_key=item.key,
                defaults={"label": item.label, "done_at": session.ended_at},
            )
            ticked.append(item.key)
    return ticked


BREAK_KINDS = ("break_taken", "natural_break")


def credit_break(event: DeskEvent) -> str | None:
    """Tick the hourly move a desk-timer break (web or desktop) stands for: of the open move items not yet
    done that day, the one whose time is nearest the break. Returns the key ticked, if any."""
    if event.kind not in BREAK_KINDS:
        return None
    at = timezone.localtime(event.started_at)
    assignment = Assignment.objects.filter(client=event.client).first()
    if assignment is None:
        return None
    done = set(CompletedItem.objects.filter(client=event.client, day=at.date()).values_list("item_key", flat=True))
    minutes = at.hour * 60 + at.minute
    candidates = [
        item
        for item in assignment.due_on(at.date())
        if item.kind == "move" and item.is_open(at.time()) and item.key not in done
    ]
    if not candidates:
        return None
    item = min(candidates, key=lambda due: abs(due.at.hour * 60 + due.at.minute - minutes))
    CompletedItem.objects.get_or_create(
        client=event.client,
        day=at.date(),
        item_key=item.key,
        defaults={"label": item.label, "done_at": event.started_at},
    )
    return item.key
