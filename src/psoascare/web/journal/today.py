"""The Today page's content for one client: what is due, what is done, today's pain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.utils import timezone

from psoascare.routines.schedule import DueItem
from psoascare.web.journal.models import CompletedItem, PainRecord
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
