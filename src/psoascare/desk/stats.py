"""Today and the last seven days, from the journal's desk events: sitting, longest bout, breaks, nudges."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from psoascare.desk.records import DeskEvent, DeskEventKind


@dataclass
class DaySummary:
    day: date
    sitting_minutes: float = 0.0
    longest_bout_minutes: float = 0.0
    bouts: int = 0
    nudges: int = 0
    breaks_taken: int = 0
    natural_breaks: int = 0
    snoozes: int = 0

    @property
    def breaks(self) -> int:
        return self.breaks_taken + self.natural_breaks

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["sitting_minutes"] = round(self.sitting_minutes, 1)
        data["longest_bout_minutes"] = round(self.longest_bout_minutes, 1)
        return data


def week_start(now: datetime, tz: tzinfo | None = None) -> datetime:
    """Midnight, local time, six days ago: the first moment the seven-day summary covers."""
    local = now.astimezone(tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=6)


def summarise(events: Iterable[DeskEvent], now: datetime, tz: tzinfo | None = None) -> list[DaySummary]:
    """Seven summaries, oldest first, the last being today (local days)."""
    today = now.astimezone(tz).date()
    days = {today - timedelta(days=offset): DaySummary(today - timedelta(days=offset)) for offset in range(6, -1, -1)}
    seen: set[tuple[str, datetime]] = set()
    for event in events:
        key = (event.kind.value, event.started_at)
        if key in seen:  # the same event delivered twice (a retried upload) counts once
            continue
        seen.add(key)
        summary = days.get(event.started_at.astimezone(tz).date())
        if summary is None:
            continue
        if event.kind is DeskEventKind.SITTING_BOUT and event.duration is not None:
            minutes = event.duration.total_seconds() / 60
            summary.sitting_minutes += minutes
            summary.longest_bout_minutes = max(summary.longest_bout_minutes, minutes)
            summary.bouts += 1
        elif event.kind is DeskEventKind.NUDGE:
            summary.nudges += 1
        elif event.kind is DeskEventKind.BREAK_TAKEN:
            summary.breaks_taken += 1
        elif event.kind is DeskEventKind.NATURAL_BREAK:
            summary.natural_breaks += 1
        elif event.kind is DeskEventKind.SNOOZED:
            summary.snoozes += 1
    return list(days.values())
