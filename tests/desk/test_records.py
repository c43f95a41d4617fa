"""DeskEvent: the journal's contract, validated both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from psoascare.desk.records import DeskEvent, DeskEventKind, InvalidDeskEvent

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_it_round_trips_through_a_dict() -> None:
    event = DeskEvent(DeskEventKind.SITTING_BOUT, START, START + timedelta(minutes=50), "x")
    assert DeskEvent.from_dict(event.as_dict()) == event
    assert event.as_dict()["kind"] == "sitting_bout"
    assert event.duration == timedelta(minutes=50)


def test_it_reads_javascript_timestamps_and_converts_other_zones_to_utc() -> None:
    event = DeskEvent.from_dict({"kind": "break_taken", "started_at": "2026-11-23T09:00:00.000Z"})
    assert event.started_at == START and event.ended_at is None and event.detail == ""
    paris = DeskEvent(DeskEventKind.NUDGE, datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    assert paris.started_at == START and paris.started_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "JSON object"),
        ({"started_at": "2026-11-23T09:00:00Z"}, "kind is required"),
        ({"kind": "nap", "started_at": "2026-11-23T09:00:00Z"}, "kind must be one of"),
        ({"kind": "nudge"}, "started_at is required"),
        ({"kind": "nudge", "started_at": "yesterday"}, "not an ISO 8601"),
        ({"kind": "nudge", "started_at": 1700000000}, "ISO 8601 string"),
        ({"kind": "nudge", "started_at": "2026-11-23T09:00:00"}, "time zone"),
        ({"kind": "sitting_bout", "started_at": "2026-11-23T09:00:00Z", "ended_at": "2026-11-23T08:00:00Z"}, "before"),
        ({"kind": "sitting_bout", "started_at": "2026-11-23T09:00:00Z", "ended_at": "2026-11-25T09:00:00Z"}, "longer"),
        ({"kind": "nudge", "started_at": "2026-11-23T09:00:00Z", "detail": 5}, "detail must be a string"),
        ({"kind": "nudge", "started_at": "2026-11-23T09:00:00Z", "detail": "x" * 301}, "at most 300"),
        ({"kind": "nudge", "started_at": "2026-11-23T09:00:00Z", "client": 3}, "unknown field"),
    ],
)
def test_it_rejects_what_is_not_a_desk_event_with_a_clear_message(payload: object, message: str) -> None:
    with pytest.raises(InvalidDeskEvent, match=message):
        DeskEvent.from_dict(payload)


def test_it_is_frozen() -> None:
    event = DeskEvent(DeskEventKind.NUDGE, START)
    with pytest.raises(AttributeError):
        event.detail = "changed"  # type: ignore[misc]
