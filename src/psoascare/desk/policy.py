"""The sitting policy: when to nudge someone to get up, from what their keyboard and mouse say.

Pure and clock-injected: no I/O, no sleeping. The runner feeds it `ActivitySample`s and sleeps for
`seconds_until_next_check()`; tests feed it a fake clock and run whole working days in zero time.

Definitions (see /work/shared/domain/dosing.md, "Sitting and moving"):
- *Sitting time* runs from the first input of a bout to the latest input. Gaps shorter than the
  natural-break threshold count as sitting (reading, thinking, listening: still in the chair); the
  idle time since the last input does not count until input resumes.
- An idle spell of `natural_break_minutes` (5) or more is a natural break: the bout ends at the last
  input and the count starts again when input resumes.
- After a nudge, an idle spell of `break_taken_seconds` (60) is the one-minute move: a break taken.
- While the screen is locked the person is treated as away (the lock counts as idle time); during a
  full-screen video call they are treated as sitting, and any nudge waits until the call is over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from enum import Enum, IntEnum

from psoascare.desk.clock import Clock
from psoascare.desk.moves import Move, MoveSuggester
from psoascare.desk.records import DeskEvent, DeskEventKind

MIN_EVERY_MINUTES = 20
MAX_EVERY_MINUTES = 120
SNOOZE_CHOICES_MINUTES = (5, 10)
# The longest the runner ever sleeps: bounds how late a returning person's bout starts to be counted.
MAX_CHECK_SECONDS = 30.0
# When a nudge is due but held (locked screen, video call), look again this often.
HELD_NUDGE_CHECK_SECONDS = 5.0
# Idle clocks are read in milliseconds against our own clock; input this close to the reset point is
# the same input, not a return.
RETURN_TOLERANCE = timedelta(seconds=1)


class State(Enum):
    DORMANT = "dormant"  # outside working hours
    AWAY = "away"  # between bouts: after a break, or before the first input
    SITTING = "sitting"  # counting towards the next nudge
    NUDGED = "nudged"  # nudge shown; waiting for the person to get up
    SNOOZED = "snoozed"  # nudge put off for 5 or 10 minutes of sitting


class NudgeLevel(IntEnum):
    GENTLE = 0
    REMINDER = 1
    FIRM = 2  # snoozes used up: no snooze offered


class InvalidSettings(ValueError):
    pass


class SnoozeRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class WorkingHours:
    """Days (0 = Monday) and a daily window in local time; start == end means all day."""

    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(8, 0)
    end: time = time(18, 0)

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(range(7)):
            raise InvalidSettings("working days must be a non-empty set of weekdays 0 (Monday) to 6 (Sunday)")

    @classmethod
    def always(cls) -> WorkingHours:
        return cls(days=frozenset(range(7)), start=time(0), end=time(0))

    @classmethod
    def parse(cls, days: str, hours: str) -> WorkingHours:
        """From CLI text: days "mon-fri" or "mon,tue,thu"; hours "08:00-18:00"."""
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        chosen: set[int] = set()
        for part in days.lower().replace(" ", "").split(","):
            first, _, last = part.partition("-")
            if first not in names or (last and last not in names):
                raise InvalidSettings(f"unknown day in {days!r}; use mon..sun, e.g. mon-fri or mon,wed,fri")
            a, b = names.index(first), names.index(last or first)
            chosen.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        try:
            start_text, end_text = hours.split("-")
            start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        except ValueError:
            raise InvalidSettings(f"working hours must look like 08:00-18:00, got {hours!r}") from None
        return cls(days=frozenset(chosen), start=start, end=end)

    def contains(self, local: datetime) -> bool:
        clock_time = local.time().replace(tzinfo=None)
        if self.start == self.end:
            return local.weekday() in self.days
        if self.start < self.end:
            return local.weekday() in self.days and self.start <= clock_time < self.end
        # A window over midnight belongs to the day it starts on.
        if clock_time >= self.start:
            return local.weekday() in self.days
        return clock_time < self.end and (local.weekday() - 1) % 7 in self.days

    def seconds_until_open(self, local: datetime, limit: float) -> float:
        """How long until the window opens, found by stepping minutes, at most `limit` seconds."""
        probe = local.replace(second=0, microsecond=0)
        waited = 0.0
        while waited < limit:
            probe += timedelta(minutes=1)
            waited = (probe - local).total_seconds()
            if self.contains(probe):
                return waited
        return limit


@dataclass(frozen=True)
class PolicySettings:
    every_minutes: int = 60
    natural_break_minutes: float = 5
    break_taken_seconds: float = 60
    remind_minutes: float = 5  # an ignored nudge comes back after this much more sitting
    max_snoozes_in_row: int = 2
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    time_zone: tzinfo | None = None  # None: the machine's local zone

    def __post_init__(self) -> None:
        if isinstance(self.every_minutes, bool) or not isinstance(self.every_minutes, int):
            raise InvalidSettings("every_minutes must be a whole number of minutes")
        if not MIN_EVERY_MINUTES <= self.every_minutes <= MAX_EVERY_MINUTES:
            raise InvalidSettings(
                f"every_minutes must be between {MIN_EVERY_MINUTES} and {MAX_EVERY_MINUTES}, got {self.every_minutes}"
            )
        if self.break_taken_seconds >= self.natural_break_minutes * 60:
            raise InvalidSettings("a break taken after a nudge must be shorter than a natural break")
        if self.max_snoozes_in_row < 0 or self.remind_minutes <= 0:
            raise InvalidSettings("snooze limit and reminder interval must be positive")


@dataclass(frozen=True)
class ActivitySample:
    idle_seconds: float
    screen_locked: bool = False
    in_video_call: bool = False


# --- events out ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SittingBout:
    started_at: datetime
    ended_at: datetime

    def to_record(self) -> DeskEvent:
        return DeskEvent(DeskEventKind.SITTING_BOUT, self.started_at, self.ended_at)


@dataclass(frozen=True)
class Nudge:
    at: datetime
    level: NudgeLevel
    sitting_minutes: float
    move: Move
    snooze_allowed: bool

    def message(self) -> str:
        minutes = round(self.sitting_minutes)
        if self.level is NudgeLevel.FIRM:
            head = f"You have been sitting for {minutes} minutes. Time to stand up now."
        elif self.level is NudgeLevel.REMINDER:
            head = f"Still sitting: {minutes} minutes. Time for a one-minute move."
        else:
            head = f"{minutes} minutes of sitting. Stand up and move for a minute."
        return f"{head}\n{self.move.one_line()}"

    def to_record(self) -> DeskEvent:
        return DeskEvent(DeskEventKind.NUDGE, self.at, None, f"level={self.level.name.lower()} move={self.move.slug}")


@dataclass(frozen=True)
class BreakTaken:
    started_at: datetime  # the last input before the person got up
    detected_at: datetime

    def to_record(self) -> DeskEvent:
        return DeskEvent(DeskEventKind.BREAK_TAKEN, self.started_at, None)


@dataclass(frozen=True)
class Snoozed:
    at: datetime
    minutes: int
    snoozes_in_row: int

    def to_record(self) -> DeskEvent:
        return DeskEvent(DeskEventKind.SNOOZED, self.at, None, f"minutes={self.minutes}")


@dataclass(frozen=True)
class NaturalBreak:
    started_at: datetime  # the last input before the idle spell
    detected_at: datetime

    def to_record(self) -> DeskEvent:
        return DeskEvent(DeskEventKind.NATURAL_BREAK, self.started_at, None)


PolicyEvent = SittingBout | Nudge | BreakTaken | Snoozed | NaturalBreak


class DeskPolicy:
    def __init__(
        self, clock: Clock, settings: PolicySettings | None = None, moves: MoveSuggester | None = None
    ) -> None:
        self.clock = clock
        self.settings = settings or PolicySettings()
        self.moves = moves or MoveSuggester()
        self.state = State.AWAY
        self._bout_start: datetime | None = None
        self._last_input: datetime | None = None
        # The input instant a break was counted from; input after it (plus tolerance) is a return.
        self._away_since: datetime | None = None
        self._due_sitting_seconds = self._interval_seconds
        self._nudges_in_bout = 0
        self._snoozes_in_row = 0
        self._lock_seen_since: datetime | None = None
        self._call_last_seen: datetime | None = None
        self._nudge_held = False
        self._last_now: datetime | None = None

    # --- derived values ---------------------------------------------------------------------------

    @property
    def _interval_seconds(self) -> float:
        return self.settings.every_minutes * 60.0

    @property
    def open_bout(self) -> tuple[datetime, datetime] | None:
        """(first input, latest input) of the bout being counted, or None between bouts."""
        if self._bout_start is None or self._last_input is None or self._last_input <= self._bout_start:
            return None
        return self._bout_start, self._last_input

    @property
    def sitting_seconds(self) -> float:
        if self._bout_start is None or self._last_input is None:
            return 0.0
        return max(0.0, (self._last_input - self._bout_start).total_seconds())

    @property
    def seconds_until_nudge(self) -> float | None:
        """Sitting still to do before the next nudge, or None when no bout is being counted."""
        if self.state in (State.SITTING, State.NUDGED, State.SNOOZED):
            return max(0.0, self._due_sitting_seconds - self.sitting_seconds)
        return None

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.settings.time_zone)

    # --- input ------------------------------------------------------------------------------------

    def update(self, sample: ActivitySample) -> list[PolicyEvent]:
        """Takes one look at the activity source; returns what happened since the last look."""
        now = self.clock.now()
        self._last_now = now
        events: list[PolicyEvent] = []
        if not self.settings.working_hours.contains(self._local(now)):
            if self.state is not State.DORMANT:
                events += self._end_bout(self._last_input or now)
                self.state = State.DORMANT
                self._away_since = None
            return events
        if self.state is State.DORMANT:
            self.state = State.AWAY
            self._away_since = now  # sitting counts from the first input inside working hours

        last_input = self._effective_last_input(now, sample)
        self._last_input = last_input
        away = (now - last_input).total_seconds()

        if self.state is State.AWAY:
            if self._away_since is None and away >= self.settings.natural_break_minutes * 60:
                self._away_since = last_input  # started while nobody was at the desk
            if self._away_since is not None and last_input <= self._away_since + RETURN_TOLERANCE:
                return events
            # Back (or first input): the return happened after the previous look at the latest; counting
            # from the latest input keeps us from ever claiming sitting that did not happen.
            self._start_bout(last_input)
            return events

        nudge_outstanding = self.state in (State.NUDGED, State.SNOOZED)
        if nudge_outstanding and away >= self.settings.break_taken_seconds:
            events.append(BreakTaken(started_at=last_input, detected_at=now))
            events += self._end_bout(last_input)
            return events
        if away >= self.settings.natural_break_minutes * 60:
            events.append(NaturalBreak(started_at=last_input, detected_at=now))
            events += self._end_bout(last_input)
            return events

        if self.sitting_seconds >= self._due_sitting_seconds:
            if sample.screen_locked or sample.in_video_call:
                self._nudge_held = True
            else:
                self._nudge_held = False
                events.append(self._nudge(now))
        return events

    def _effective_last_input(self, now: datetime, sample: ActivitySample) -> datetime:
        last_input = now - timedelta(seconds=max(0.0, sample.idle_seconds))
        if sample.in_video_call:
            self._call_last_seen = now
        if self._call_last_seen is not None and self._call_last_seen > last_input:
            last_input = self._call_last_seen  # talking on a call is sitting, not an absence
        if sample.screen_locked:
            if self._lock_seen_since is None:
                self._lock_seen_since = now
            last_input = min(last_input, self._lock_seen_since)
        else:
            self._lock_seen_since = None
        if self._last_input is not None and self.state is not State.AWAY:
            # Idle clocks can wobble by milliseconds; the last input never moves backwards in a bout.
            last_input = max(last_input, min(self._last_input, now))
        return min(last_input, now)

    def _start_bout(self, started_at: datetime) -> None:
        self.state = State.SITTING
        self._bout_start = started_at
        self._away_since = None
        self._due_sitting_seconds = self._interval_seconds
        self._nudges_in_bout = 0
        self._snoozes_in_row = 0
        self._nudge_held = False

    def _end_bout(self, ended_at: datetime) -> list[PolicyEvent]:
        events: list[PolicyEvent] = []
        if self._bout_start is not None and ended_at > self._bout_start:
            events.append(SittingBout(started_at=self._bout_start, ended_at=ended_at))
        self._bout_start = None
        self.state = State.AWAY
        self._away_since = ended_at
        self._nudges_in_bout = 0
        self._snoozes_in_row = 0
        self._nudge_held = False
        return events

    def _nudge(self, now: datetime) -> Nudge:
        snoozes_used_up = self._snoozes_in_row >= self.settings.max_snoozes_in_row
        if snoozes_used_up or self._nudges_in_bout >= 2:
            level = NudgeLevel.FIRM
        elif self._nudges_in_bout == 1:
            level = NudgeLevel.REMINDER
        else:
            level = NudgeLevel.GENTLE
        self._nudges_in_bout += 1
        self.state = State.NUDGED
        # Ignored, it comes back after a few more minutes of sitting.
        self._due_sitting_seconds = self.sitting_seconds + self.settings.remind_minutes * 60
        return Nudge(
            at=now,
            level=level,
            sitting_minutes=self.sitting_seconds / 60,
            move=self.moves.next_move(),
            snooze_allowed=not snoozes_used_up,
        )

    # --- the person's answers ---------------------------------------------------------------------

    def snooze(self, minutes: int) -> Snoozed:
        if minutes not in SNOOZE_CHOICES_MINUTES:
            raise ValueError(f"snooze for {' or '.join(map(str, SNOOZE_CHOICES_MINUTES))} minutes, not {minutes}")
        if self.state is not State.NUDGED:
            raise SnoozeRefused("there is no nudge to snooze")
        if self._snoozes_in_row >= self.settings.max_snoozes_in_row:
            raise SnoozeRefused(f"already snoozed {self._snoozes_in_row} times in a row; time to get up for a minute")
        self._snoozes_in_row += 1
        self.state = State.SNOOZED
        self._due_sitting_seconds = self.sitting_seconds + minutes * 60
        return Snoozed(at=self.clock.now(), minutes=minutes, snoozes_in_row=self._snoozes_in_row)

    def take_break(self) -> list[PolicyEvent]:
        """The person says they are getting up now."""
        now = self.clock.now()
        if self._bout_start is None:
            return []
        return [BreakTaken(started_at=now, detected_at=now), *self._end_bout(now)]

    def close(self) -> list[PolicyEvent]:
        """On exit: the open bout, up to the last input, so nothing sat is lost."""
        if self._bout_start is None or self._last_input is None:
            return []
        return self._end_bout(self._last_input)

    # --- pacing -----------------------------------------------------------------------------------

    def seconds_until_next_check(self) -> float:
        """How long the runner may sleep and still see every threshold on time (at most 30 s)."""
        now = self._last_now
        if now is None:
            return 0.0
        if self.state is State.DORMANT:
            return self.settings.working_hours.seconds_until_open(self._local(now), MAX_CHECK_SECONDS)
        if self.state is State.AWAY or self._last_input is None:
            return MAX_CHECK_SECONDS
        away = (now - self._last_input).total_seconds()
        waits = [MAX_CHECK_SECONDS]
        # Still idle at the threshold? Look exactly then, so a spell of just over 5 minutes is not missed.
        thresholds = [self.settings.natural_break_minutes * 60]
        if self.state in (State.NUDGED, State.SNOOZED):
            thresholds.append(self.settings.break_taken_seconds)
        waits += [threshold - away for threshold in thresholds if threshold > away]
        if self._nudge_held:
            waits.append(HELD_NUDGE_CHECK_SECONDS)
        elif away < 1.0:
            # Sitting grows at most one second per second, so the nudge cannot fall due sooner.
            waits.append(self._due_sitting_seconds - self.sitting_seconds)
        else:
            # Idle: sitting only grows once input resumes, whenever that is; a few seconds' lag on the
            # return is fine, polling fast through an idle spell is not.
            waits.append(max(self._due_sitting_seconds - self.sitting_seconds, HELD_NUDGE_CHECK_SECONDS))
        return max(0.01, min(waits))
