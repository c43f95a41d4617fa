"""What the desk timer writes to the journal: one `DeskEvent` per bout, nudge, break or snooze."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

MAX_DETAIL_LENGTH = 300  # the journal stores at most 300 characters


class DeskEventKind(StrEnum):
    SITTING_BOUT = "sitting_bout"
    NUDGE = "nudge"
    BREAK_TAKEN = "break_taken"
    SNOOZED = "snoozed"
    NATURAL_BREAK = "natural_break"


class InvalidDeskEvent(ValueError):
    """A payload that is not a desk event; the message says which field and why."""


def _require_aware_utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidDeskEvent(f"{field} must carry a time zone (UTC), got a naive datetime")
    return value.astimezone(UTC)


def _parse_datetime(raw: object, field: str) -> datetime:
    if not isinstance(raw, str):
        raise InvalidDeskEvent(f"{field} must be an ISO 8601 string, got {type(raw).__name__}")
    try:
        # fromisoformat on 3.11 reads "Z" as UTC, which JavaScript's toISOString() writes.
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidDeskEvent(f"{field} is not an ISO 8601 date and time: {raw!r}") from None
    return _require_aware_utc(parsed, field)


@dataclass(frozen=True)
class DeskEvent:
    kind: DeskEventKind
    started_at: datetime
    ended_at: datetime | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        # Validating here means no code path can build an event the journal would reject later.
        if not isinstance(self.kind, DeskEventKind):
            try:
                object.__setattr__(self, "kind", DeskEventKind(self.kind))
            except ValueError:
                allowed = ", ".join(kind.value for kind in DeskEventKind)
                raise InvalidDeskEvent(f"kind must be one of {allowed}; got {self.kind!r}") from None
        if not isinstance(self.started_at, datetime):
            raise InvalidDeskEvent("started_at must be a datetime")
        object.__setattr__(self, "started_at", _require_aware_utc(self.started_at, "started_at"))
        if self.ended_at is not None:
            if not isinstance(self.ended_at, datetime):
                raise InvalidDeskEvent("ended_at must be a datetime or null")
            ended = _require_aware_utc(self.ended_at, "ended_at")
            if ended < self.started_at:
                raise InvalidDeskEvent("ended_at must not be before started_at")
            if ended - self.started_at > timedelta(days=1):
                raise InvalidDeskEvent("an event longer than a day is not a desk event")
            object.__setattr__(self, "ended_at", ended)
        if not isinstance(self.detail, str):
            raise InvalidDeskEvent("detail must be a string")
        if len(self.detail) > MAX_DETAIL_LENGTH:
            raise InvalidDeskEvent(f"detail must be at most {MAX_DETAIL_LENGTH} characters")

    @property
    def duration(self) -> timedelta | None:
        return None if self.ended_at is None else self.ended_at - self.started_at

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "started_at": self.started_at.isoformat(),
            "ended_at": None if self.ended_at is None else self.ended_at.isoformat(),
            "detail": self.detail,
        }

    @classmethod
    def from_dict(cls, payload: object) -> DeskEvent:
        """Builds an event from untrusted JSON; raises InvalidDeskEvent with a message fit for a 400."""
        if not isinstance(payload, dict):
            raise InvalidDeskEvent("a desk event must be a JSON object")
        unknown = sorted(set(payload) - {"kind", "started_at", "ended_at", "detail"})
        if unknown:
            raise InvalidDeskEvent(f"unknown field(s): {', '.join(map(str, unknown))}")
        for field in ("kind", "started_at"):
            if field not in payload:
                raise InvalidDeskEvent(f"{field} is required")
        raw_ended = payload.get("ended_at")
        return cls(
            kind=payload["kind"],
            started_at=_parse_datetime(payload["started_at"], "started_at"),
            ended_at=None if raw_ended is None else _parse_datetime(raw_ended, "ended_at"),
            detail=payload.get("detail", ""),
        )
