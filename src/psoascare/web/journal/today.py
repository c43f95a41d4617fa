"""The Today page's content for one client: what is due, what is done, today's pain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.utils import timezone

from psoascare.routines.schedule import DueItem
from psoascare.web.journal.models import CompletedItem, PainRecord, StretchSession
from psoascare.web.programs.models import Assignment


@dataclass(frozen=True)
class TodayItem:
    due: DueItem
    done: CompletedItem | None


@dataclass(frozen=True)
class Today:
    day: date
    assignment: Assignment | None
    items: list[TodayItem]
    pain: PainRecord | None

    @property
    def due_keys(self) -> set[str]:
        return {item.due.key for item in self.items}

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    def item(self, key: str) -> DueItem:
        return next(item.due for item in self.items if item.due.key == key)

    def groups(self) -> list[tuple[str, list[TodayItem]]]:
        grouped: dict[str, list[TodayItem]] = {}
        for item in self.items:
            grouped.setdefault(item.due.slot, []).append(item)
        return list(grouped.items())


def today_for(client: User, day: date | None = None) -> Today:
    day = day or timezone.localdate()
    assignment = Assignment.objects.filter(client=client).first()
    due = assignment.due_on(day) if assignment else []
    done = {c.item_key: c for c in CompletedItem.objects.filter(client=client, day=day)}
    pain = PainRecord.objects.filter(client=client, day=day).first()
    return Today(day, assignment, [TodayItem(item, done.get(item.key)) for item in due], pain)


def tick(client: User, today: Today, key: str, undo: bool = False) -> None:
    if undo:
        CompletedItem.objects.filter(client=client, day=today.day, item_key=key).delete()
        return
    CompletedItem.objects.get_or_create(
        client=client, day=today.day, item_key=key, defaults={"label": today.item(key).label}
    )


def credit_session(session: StretchSession) -> list[str]:
    """Tick the Today items a finished guided session covered: its exercises and sides, at the routine time
    nearest to when it started. Returns the keys ticked."""
    if not session.completed or session.mode != "home":
        return []
    started = timezone.localtime(session.started_at)
    assignment = Assignment.objects.filter(client=session.client).first()
    due = [item for item in (assignment.due_on(started.date()) if assignment else []) if item.kind == "stretch"]
    if not due:
        return []
    minutes = started.hour * 60 + started.minute
    nearest = min({item.at for item in due}, key=lambda at: abs(at.hour * 60 + at.minute - minutes))
    done = {
        (step["exercise"], step["side"]) for step in session.steps if step["done_seconds"] > 0 and not step["skipped"]
    }
    ticked = []
    for item in due:
        if item.at == nearest and (item.exercise, item.side) in done:
            CompletedItem.objects.get_or_create(
                client=session.client,
                day=started.date(),
                item_key=item.key,
                defaults={"label": item.label, "done_at": session.ended_at},
            )
            ticked.append(item.key)
    return ticked
