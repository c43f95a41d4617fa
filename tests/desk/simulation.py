"""A fake clock and a scripted person at a desk, so policy tests run whole days in zero time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from psoascare.desk.policy import ActivitySample, DeskPolicy, PolicyEvent

# A Monday, 09:00 UTC: inside the default working hours when the policy's zone is UTC.
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = MONDAY_MORNING) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


@dataclass
class ScriptedDesk:
    """Alternating spells of input ("active") and no input ("idle"), from a start time."""

    start: datetime
    spells: list[tuple[str, float]] = field(default_factory=list)
    locked_between: list[tuple[datetime, datetime]] = field(default_factory=list)
    call_between: list[tuple[datetime, datetime]] = field(default_factory=list)

    def then(self, kind: str, minutes: float) -> ScriptedDesk:
        assert kind in ("active", "idle")
        self.spells.append((kind, minutes * 60))
        return self

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=sum(seconds for _, seconds in self.spells))

    def last_input(self, at: datetime) -> datetime:
        cursor = self.start
        last = self.start
        for kind, seconds in self.spells:
            spell_end = cursor + timedelta(seconds=seconds)
            if kind == "active":
                last = min(at, spell_end)
            if at < spell_end:
                break
            cursor = spell_end
        return min(last, at)

    def sample(self, at: datetime) -> ActivitySample:
        return ActivitySample(
            idle_seconds=(at - self.last_input(at)).total_seconds(),
            screen_locked=any(a <= at < b for a, b in self.locked_between),
            in_video_call=any(a <= at < b for a, b in self.call_between),
        )


@dataclass
class Run:
    events: list[tuple[datetime, PolicyEvent]] = field(default_factory=list)
    checks: int = 0

    def of(self, kind: type) -> list:
        return [event for _, event in self.events if isinstance(event, kind)]


def drive(
    policy: DeskPolicy, clock: FakeClock, desk: ScriptedDesk, until: datetime, run: Run | None = None, on_event=None
) -> Run:
    """Looks at the desk as the runner would: update, then sleep as long as the policy asks."""
    run = run or Run()
    while clock.now() < until:
        for event in policy.update(desk.sample(clock.now())):
            run.events.append((clock.now(), event))
            if on_event is not None:
                on_event(event)
        run.checks += 1
        clock.advance(policy.seconds_until_next_check())
    return run
