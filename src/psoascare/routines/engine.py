"""The guided-session engine: a pure state machine over a Plan, driven by an injected clock.

Nothing here sleeps, prints or speaks. A player calls `tick()` (or `advance(now)`) often, and acts on
the Cues it returns (show, beep, speak). Time only counts while running: a pause stops the step's
countdown, so the seconds held always match the plan however often the client pauses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Protocol

from psoascare.routines.plan import Plan, PlannedStep
from psoascare.routines.records import SessionRecord, StepRecord


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds; only differences matter."""
        ...


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()


class ScaledClock:
    """Routine seconds that pass `1 / scale` times faster than real ones (scale 0.01: a 30 s hold in 0.3 s).

    For trying a routine out and for tests; the records still speak in routine seconds.
    """

    def __init__(self, scale: float, base: Clock | None = None) -> None:
        if not scale > 0:
            raise ValueError(f"seconds scale must be more than 0, got {scale}")
        self.scale = scale
        self.base = base or MonotonicClock()

    def now(self) -> float:
        return self.base.now() / self.scale


class FakeClock:
    """A clock that only moves when told to; for tests."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += seconds
        return self._now


class State(Enum):
    NOT_STARTED = "not-started"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    ABANDONED = "abandoned"

    @property
    def is_over(self) -> bool:
        return self in (State.FINISHED, State.ABANDONED)


@dataclass(frozen=True)
class Cue:
    """Something to announce: a new step began (step set), or the session finished (step None)."""

    text: str
    index: int | None
    step: PlannedStep | None


class SessionError(RuntimeError):
    """An action that makes no sense in the session's state (resuming a session that is not paused)."""


FINISHED_CUE = "All done. Well done."


class Session:
    def __init__(self, plan: Plan, clock: Clock, *, utc_now: Callable[[], datetime] | None = None) -> None:
        if not plan.steps:
            raise SessionError("a plan with no steps cannot be played")
        self.plan = plan
        self.clock = clock
        self._utc_now = utc_now or (lambda: datetime.now(UTC))
        self.state = State.NOT_STARTED
        self.index = 0
        self._last_now = 0.0
        self._started_at_clock = 0.0
        self._ended_at_clock: float | None = None
        self._started_at_wall: datetime | None = None
        self._ended_at_wall: datetime | None = None
        self._step_start = 0.0
        self._paused_in_step = 0.0
        self._pause_began: float | None = None
        self._paused_total = 0.0
        self._active_total = 0.0
        self._records: list[StepRecord] = []

    # --- reading the state -------------------------------------------------------------------------

    @property
    def current_step(self) -> PlannedStep | None:
        return None if self.state.is_over else self.plan.steps[self.index]

    @property
    def next_step(self) -> PlannedStep | None:
        """The step after the current one, for the 'next:' preview."""
        if self.state.is_over or self.index + 1 >= len(self.plan.steps):
            return None
        return self.plan.steps[self.index + 1]

    def step_elapsed(self, now: float | None = None) -> float:
        """Active (unpaused) seconds spent in the current step."""
        if self.state is State.NOT_STARTED or self.state.is_over:
            return 0.0
        now = self._now(now)
        paused_now = now - self._pause_began if self._pause_began is not None else 0.0
        return max(0.0, now - self._step_start - self._paused_in_step - paused_now)

    def remaining_seconds(self, now: float | None = None) -> float:
        """Seconds left in the current step."""
        step = self.current_step
        if step is None:
            return 0.0
        return max(0.0, step.seconds - self.step_elapsed(now))

    def session_remaining_seconds(self, now: float | None = None) -> float:
        if self.state.is_over:
            return 0.0
        later = sum(step.seconds for step in self.plan.steps[self.index + 1 :])
        return self.remaining_seconds(now) + later

    @property
    def active_seconds(self) -> float:
        """Seconds spent in steps that are over (excludes pauses)."""
        return self._active_total

    @property
    def paused_seconds(self) -> float:
        return self._paused_total

    @property
    def elapsed_seconds(self) -> float:
        """Clock seconds from start to end, pauses included (only once the session is over)."""
        if self._ended_at_clock is None:
            raise SessionError("the session is not over yet")
        return self._ended_at_clock - self._started_at_clock

    @property
    def step_records(self) -> tuple[StepRecord, ...]:
        return tuple(self._records)

    # --- driving it ----------------------------------------------------------------------------------

    def start(self, now: float | None = None) -> list[Cue]:
        if self.state is not State.NOT_STARTED:
            raise SessionError(f"the session has already started ({self.state.value})")
        now = self._now(now)
        self.state = State.RUNNING
        self._started_at_clock = now
        self._started_at_wall = self._utc_now()
        self._step_start = now
        return [self._cue_for_current()]

    def tick(self) -> list[Cue]:
        return self.advance(self.clock.now())

    def advance(self, now: float | None = None) -> list[Cue]:
        """Moves past every step whose time is up by `now`; returns the cues of the steps that began."""
        now = self._now(now)
        cues: list[Cue] = []
        while self.state is State.RUNNING:
            step = self.plan.steps[self.index]
            if self.step_elapsed(now) < step.seconds:
                break
            # The next step starts exactly when this one ran out, not at `now`, so late ticks never
            # stretch the session.
            boundary = self._step_start + self._paused_in_step + step.seconds
            cues.extend(self._close_step(done=step.seconds, skipped=False, at=boundary))
        return cues

    def pause(self, now: float | None = None) -> None:
        was_over = self.state.is_over
        self.advance(now)
        if self.state.is_over and not was_over:
            return  # it finished just before the press: nothing left to pause
        if self.state is not State.RUNNING:
            raise SessionError(f"only a running session can pause (it is {self.state.value})")
        self.state = State.PAUSED
        self._pause_began = self._now(now)

    def resume(self, now: float | None = None) -> None:
        if self.state is not State.PAUSED:
            raise SessionError(f"only a paused session can resume (it is {self.state.value})")
        self._end_pause(self._now(now))
        self.state = State.RUNNING

    def toggle_pause(self, now: float | None = None) -> None:
        if self.state is State.PAUSED:
            self.resume(now)
        else:
            self.pause(now)

    def skip(self, now: float | None = None) -> list[Cue]:
        """Ends the current step now (marked skipped if it was work) and starts the next."""
        was_over = self.state.is_over
        cues = self.advance(now)
        if self.state.is_over and not was_over:
            return cues  # it finished just before the press: the press comes too late to skip anything
        if self.state not in (State.RUNNING, State.PAUSED):
            raise SessionError(f"nothing to skip: the session is {self.state.value}")
        now = self._now(now)
        was_paused = self.state is State.PAUSED
        done = self.step_elapsed(now)
        if was_paused:
            self._end_pause(now)
            self.state = State.RUNNING
        cues.extend(self._close_step(done=done, skipped=True, at=now))
        if was_paused and self.state is State.RUNNING:
            # Skipping does not unpause: the client asked to move on, not to start the clock.
            self.state = State.PAUSED
            self._pause_began = now
        return cues

    def abandon(self, now: float | None = None) -> None:
        """Stops for good; work done so far (the current step's partial time included) is kept."""
        self.advance(now)
        if self.state.is_over:
            return
        now = self._now(now)
        if self.state is State.NOT_STARTED:
            self._started_at_clock = now
            self._started_at_wall = self._utc_now()
        else:
            done = self.step_elapsed(now)
            if self._pause_began is not None:
                self._end_pause(now)
            step = self.plan.steps[self.index]
            self._active_total += done
            if step.phase.is_work and done > 0:
                self._records.append(_record(step, min(done, step.seconds), skipped=False))
        self.state = State.ABANDONED
        self._finish_at(now)

    def record(self) -> SessionRecord:
        """The SessionRecord of a finished or abandoned session."""
        if not self.state.is_over or self._started_at_wall is None or self._ended_at_wall is None:
            raise SessionError("a session is recorded only once it has finished or been abandoned")
        return SessionRecord(
            routine_slug=self.plan.routine_slug,
            title=self.plan.title,
            mode=self.plan.mode,
            protocol=self.plan.protocol,
            started_at=self._started_at_wall,
            ended_at=max(self._ended_at_wall, self._started_at_wall),
            completed=self.state is State.FINISHED,
            steps=tuple(self._records),
        )

    # --- internals ------------------------------------------------------------------------------------

    def _now(self, now: float | None) -> float:
        value = self.clock.now() if now is None else now
        # A clock that steps back (or a caller passing an old time) must not make time run backwards.
        self._last_now = max(self._last_now, value)
        return self._last_now

    def _end_pause(self, now: float) -> None:
        assert self._pause_began is not None
        paused = now - self._pause_began
        self._paused_in_step += paused
        self._paused_total += paused
        self._pause_began = None

    def _close_step(self, *, done: float, skipped: bool, at: float) -> list[Cue]:
        step = self.plan.steps[self.index]
        self._active_total += done
        if step.phase.is_work:
            self._records.append(_record(step, min(done, step.seconds), skipped=skipped))
        self.index += 1
        self._step_start = at
        self._paused_in_step = 0.0
        if self.index >= len(self.plan.steps):
            self.index = len(self.plan.steps) - 1
            self.state = State.FINISHED
            self._finish_at(at)
            return [Cue(FINISHED_CUE, None, None)]
        return [self._cue_for_current()]

    def _finish_at(self, at: float) -> None:
        self._ended_at_clock = at
        self._ended_at_wall = self._utc_now()

    def _cue_for_current(self) -> Cue:
        step = self.plan.steps[self.index]
        return Cue(step.cue, self.index, step)


def _record(step: PlannedStep, done: float, *, skipped: bool) -> StepRecord:
    return StepRecord(
        exercise=step.exercise,
        side=step.side,
        rep=step.rep,
        kind=step.phase.value,
        planned_seconds=step.seconds,
        done_seconds=done,
        skipped=skipped,
    )
