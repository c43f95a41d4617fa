"""What is due on a given day: the routine's stretches at their times, and the hourly moves in working hours.

Pure and deterministic so the Today page, the calendar feed and the CLI agree on one list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

MOVE_EVERY_MINUTES_RANGE = (20, 120)
# An item can be done (ticked, or credited by a guided session) from an hour before its time, never earlier:
# a morning stretch done at 07:00 for 07:30 counts, the night one cannot be ticked at noon.
OPENS_BEFORE = timedelta(hours=1)


class ScheduleError(ValueError):
    """A schedule that cannot be followed (no times, a bad time, an interval out of range)."""


@dataclass(frozen=True)
class ScheduledExercise:
    slug: str
    title: str
    sides: tuple[str, ...]  # ("left", "right") or ("both",)


@dataclass(frozen=True)
class DueItem:
    key: str
    label: str
    at: time
    kind: str  # "stretch" or "move"
    exercise: str
    side: str
    slot: str  # "Morning", "Afternoon", "Night" or "Move"

    @property
    def opens_at(self) -> time:
        minutes = max(0, self.at.hour * 60 + self.at.minute - int(OPENS_BEFORE.total_seconds() // 60))
        return time(minutes // 60, minutes % 60)

    def is_open(self, now: time) -> bool:
        """True once the item may be done: from OPENS_BEFORE before its time."""
        return now >= self.opens_at


@dataclass(frozen=True)
class Schedule:
    times: tuple[time, ...] = (time(7, 30), time(21, 30))
    days: frozenset[int] = frozenset(range(7))  # Monday = 0
    move_every_minutes: int | None = 60
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    work_days: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))

    def __post_init__(self) -> None:
        if not self.times:
            raise ScheduleError("a routine needs at least one time of day")
        if not self.days:
            raise ScheduleError("a routine needs at least one day of the week")
        if any(day not in range(7) for day in self.days | self.work_days):
            raise ScheduleError("days of the week are numbered 0 (Monday) to 6 (Sunday)")
        if self.move_every_minutes is not None:
            low, high = MOVE_EVERY_MINUTES_RANGE
            if not low <= self.move_every_minutes <= high:
                raise ScheduleError(f"move every {low}–{high} minutes, not {self.move_every_minutes}")
        if self.work_end <= self.work_start:
            raise ScheduleError("working hours must end after they start")


def slot_name(at: time) -> str:
    if at.hour < 12:
        return "Morning"
    return "Afternoon" if at.hour < 18 else "Night"


def parse_time(text: str) -> time:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise ScheduleError(f"{text!r} is not a time of day like 07:30") from None


def move_times(schedule: Schedule) -> list[time]:
    """Every move_every_minutes after work starts, the last one no later than work ends."""
    if schedule.move_every_minutes is None:
        return []
    start = datetime.combine(date.min, schedule.work_start)
    end = datetime.combine(date.min, schedule.work_end)
    step = timedelta(minutes=schedule.move_every_minutes)
    moments, at = [], start + step
    while at <= end:
        moments.append(at.time())
        at += step
    return moments


def due_items(schedule: Schedule, exercises: Sequence[ScheduledExercise], day: date) -> list[DueItem]:
    items: list[DueItem] = []
    if day.weekday() in schedule.days:
        for at in sorted(schedule.times):
            slot = slot_name(at)
            for exercise in exercises:
                for side in exercise.sides:
                    side_text = "" if side == "both" else f" — {side}"
                    items.append(
                        DueItem(
                            key=f"{exercise.slug}:{side}:{at:%H%M}",
                            label=f"{exercise.title}{side_text}",
                            at=at,
                            kind="stretch",
                            exercise=exercise.slug,
                            side=side,
                            slot=slot,
                        )
                    )
    if day.weekday() in schedule.work_days:
        for at in move_times(schedule):
            items.append(
                DueItem(
                    key=f"move:{at:%H%M}",
                    label=f"Get up and move ({at:%H:%M})",
                    at=at,
                    kind="move",
                    exercise="move",
                    side="both",
                    slot="Move",
                )
            )
    return sorted(items, key=lambda item: (item.at, item.kind))


def due_between(
    schedule: Schedule, exercises: Sequence[ScheduledExercise], first: date, last: date
) -> dict[date, list[DueItem]]:
    """What is due on each day from `first` to `last`. What `due_items` gives depends on the day of the week only,
    so it is worked out once per weekday: a year of days (a client's streak) costs seven calls, not 365."""
    by_weekday: dict[int, list[DueItem]] = {}
    due = {}
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        weekday = day.weekday()
        if weekday not in by_weekday:
            by_weekday[weekday] = due_items(schedule, exercises, day)
        due[day] = list(by_weekday[weekday])
    return due
