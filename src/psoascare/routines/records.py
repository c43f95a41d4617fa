"""What a guided session leaves behind: the SessionRecord the journal, the web app and the API store.

The dict form (`as_dict`) is the wire format: the browser player posts it, the API accepts it, and
`from_dict` is the one place that decides whether such a payload is acceptable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

MODES: Final = ("home", "clinic")
SIDES: Final = ("left", "right", "both")
STEP_KINDS: Final = ("hold", "contract", "relax", "reps")

# Limits that keep a hostile or broken payload from filling the database; no real session comes near.
MAX_STEPS: Final = 2000
MAX_STEP_SECONDS: Final = 3600.0
MAX_SESSION: Final = timedelta(hours=12)
MAX_TEXT: Final = 200
SLUG_PATTERN: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


CLOCK_TOLERANCE_SECONDS = 2.0  # a browser's timers and clock may disagree by a little


class RecordError(ValueError):
    """A session record (or its dict form) that cannot be stored; the message names the field."""


@dataclass(frozen=True)
class StepRecord:
    """One timed piece of work in a session (holds, contractions, relaxations, a block of reps)."""

    exercise: str
    side: str
    rep: int
    kind: str
    planned_seconds: float
    done_seconds: float
    skipped: bool

    def __post_init__(self) -> None:
        _check_slug("exercise", self.exercise)
        _check_choice("side", self.side, SIDES)
        _check_choice("kind", self.kind, STEP_KINDS)
        if isinstance(self.rep, bool) or not isinstance(self.rep, int) or self.rep < 1:
            raise RecordError(f"rep must be a whole number of at least 1, got {self.rep!r}")
        _check_seconds("planned_seconds", self.planned_seconds, allow_zero=False)
        _check_seconds("done_seconds", self.done_seconds, allow_zero=True)
        if self.done_seconds > self.planned_seconds:
            raise RecordError(
                f"done_seconds ({self.done_seconds:g}) cannot be more than planned_seconds ({self.planned_seconds:g})"
            )
        if not isinstance(self.skipped, bool):
            raise RecordError(f"skipped must be true or false, got {self.skipped!r}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "side": self.side,
            "rep": self.rep,
            "kind": self.kind,
            "planned_seconds": self.planned_seconds,
            "done_seconds": self.done_seconds,
            "skipped": self.skipped,
        }

    @classmethod
    def from_dict(cls, data: object) -> StepRecord:
        fields = _exact_keys("step", data, _STEP_KEYS)
        return cls(
            exercise=_text("exercise", fields["exercise"]),
            side=_text("side", fields["side"]),
            rep=_whole("rep", fields["rep"]),
            kind=_text("kind", fields["kind"]),
            planned_seconds=_number("planned_seconds", fields["planned_seconds"]),
            done_seconds=_number("done_seconds", fields["done_seconds"]),
            skipped=_flag("skipped", fields["skipped"]),
        )


@dataclass(frozen=True)
class SessionRecord:
    """A finished or abandoned guided session, exactly as the journal stores it."""

    routine_slug: str
    title: str
    mode: str
    protocol: str | None
    started_at: datetime
    ended_at: datetime
    completed: bool
    steps: tuple[StepRecord, ...]

    def __post_init__(self) -> None:
        _check_slug("routine_slug", self.routine_slug)
        if not isinstance(self.title, str) or not self.title.strip() or len(self.title) > MAX_TEXT:
            raise RecordError(f"title must be non-empty text of at most {MAX_TEXT} characters")
        _check_choice("mode", self.mode, MODES)
        if self.protocol is not None:
            _check_slug("protocol", self.protocol)
        # A clinic session is a resisted-stretch protocol; a home session never names one.
        if self.mode == "clinic" and self.protocol is None:
            raise RecordError("a clinic session must name its protocol")
        if self.mode == "home" and self.protocol is not None:
            raise RecordError("a home session has no protocol (protocol must be null)")
        for name in ("started_at", "ended_at"):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
                raise RecordError(f"{name} must be a timezone-aware date and time")
        if self.ended_at < self.started_at:
            raise RecordError("ended_at is before started_at")
        if self.ended_at - self.started_at > MAX_SESSION:
            raise RecordError(f"a session cannot last more than {MAX_SESSION}")
        if not isinstance(self.completed, bool):
            raise RecordError(f"completed must be true or false, got {self.completed!r}")
        if not isinstance(self.steps, tuple) or not all(isinstance(s, StepRecord) for s in self.steps):
            raise RecordError("steps must be a tuple of StepRecord")
        if len(self.steps) > MAX_STEPS:
            raise RecordError(f"a session has at most {MAX_STEPS} steps, got {len(self.steps)}")
        if self.completed and not self.steps:
            raise RecordError("a completed session must have at least one step")

    def check_recordable(self) -> None:
        """Raises RecordError for what is not adherence: a session stopped before any work was done, or a
        faster preview (its steps add up to more time than passed between start and end)."""
        if self.done_seconds == 0:
            raise RecordError("nothing was done before the session stopped, so there is nothing to record")
        elapsed = (self.ended_at - self.started_at).total_seconds()
        if self.done_seconds > elapsed + CLOCK_TOLERANCE_SECONDS:
            raise RecordError(
                f"the steps add up to {self.done_seconds:g} s but only {elapsed:g} s passed between started_at "
                "and ended_at: a faster preview is not recorded"
            )

    @property
    def done_seconds(self) -> float:
        """Seconds of actual work (holds, contractions, reps) done, rests and transitions excluded."""
        return sum(step.done_seconds for step in self.steps)

    @property
    def planned_seconds(self) -> float:
        return sum(step.planned_seconds for step in self.steps)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601 in UTC."""
        return {
            "routine_slug": self.routine_slug,
            "title": self.title,
            "mode": self.mode,
            "protocol": self.protocol,
            "started_at": self.started_at.astimezone(UTC).isoformat(),
            "ended_at": self.ended_at.astimezone(UTC).isoformat(),
            "completed": self.completed,
            "steps": [step.as_dict() for step in self.steps],
        }

    @classmethod
    def from_dict(cls, data: object) -> SessionRecord:
        """Validates a payload (for example a browser's POST body); raises RecordError naming the field."""
        fields = _exact_keys("session", data, _SESSION_KEYS)
        raw_steps = fields["steps"]
        if not isinstance(raw_steps, list):
            raise RecordError("steps must be a list")
        if len(raw_steps) > MAX_STEPS:
            raise RecordError(f"a session has at most {MAX_STEPS} steps, got {len(raw_steps)}")
        steps = []
        for index, raw in enumerate(raw_steps):
            try:
                steps.append(StepRecord.from_dict(raw))
            except RecordError as exc:
                raise RecordError(f"steps[{index}]: {exc}") from None
        protocol = fields["protocol"]
        return cls(
            routine_slug=_text("routine_slug", fields["routine_slug"]),
            title=_text("title", fields["title"]),
            mode=_text("mode", fields["mode"]),
            protocol=None if protocol is None else _text("protocol", protocol),
            started_at=_instant("started_at", fields["started_at"]),
            ended_at=_instant("ended_at", fields["ended_at"]),
            completed=_flag("completed", fields["completed"]),
            steps=tuple(steps),
        )


_STEP_KEYS: Final = frozenset({"exercise", "side", "rep", "kind", "planned_seconds", "done_seconds", "skipped"})
_SESSION_KEYS: Final = frozenset(
    {"routine_slug", "title", "mode", "protocol", "started_at", "ended_at", "completed", "steps"}
)


def _exact_keys(what: str, data: object, keys: frozenset[str]) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise RecordError(f"a {what} must be a JSON object, got {type(data).__name__}")
    missing = sorted(keys - set(data))
    unknown = sorted(str(key) for key in set(data) - keys)
    if missing:
        raise RecordError(f"{what} is missing field(s): {', '.join(missing)}")
    if unknown:
        raise RecordError(f"{what} has unknown field(s): {', '.join(unknown)}")
    return data


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise RecordError(f"{name} must be text, got {type(value).__name__}")
    return value


def _whole(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{name} must be a whole number, got {value!r}")
    return value


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"{name} must be a number, got {value!r}")
    return float(value)


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise RecordError(f"{name} must be true or false, got {value!r}")
    return value


def _instant(name: str, value: object) -> datetime:
    if not isinstance(value, str):
        raise RecordError(f"{name} must be an ISO 8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name} is not an ISO 8601 date-time: {value[:40]!r}") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise RecordError(f"{name} must include a UTC offset (for example 'Z' or '+00:00')")
    return parsed.astimezone(UTC)


def _check_slug(name: str, value: object) -> None:
    if not isinstance(value, str) or len(value) > MAX_TEXT or not SLUG_PATTERN.match(value):
        raise RecordError(f"{name} must be a slug (lower-case words joined by '-'), got {value!r}")


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise RecordError(f"{name} must be one of {', '.join(choices)}, got {value!r}")


def _check_seconds(name: str, value: object, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RecordError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "at least 0" if allow_zero else "more than 0"
        raise RecordError(f"{name} must be {bound}, got {value:g}")
    if value > MAX_STEP_SECONDS:
        raise RecordError(f"{name} must be at most {MAX_STEP_SECONDS:g} s, got {value:g}")
