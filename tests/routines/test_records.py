"""SessionRecord: the dict form round-trips and from_dict rejects what the journal must not store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from psoascare.routines.records import RecordError, SessionRecord, StepRecord

START = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)


def record(**changes: Any) -> SessionRecord:
    fields: dict[str, Any] = {
        "routine_slug": "bed-edge",
        "title": "Bed-edge hang",
        "mode": "home",
        "protocol": None,
        "started_at": START,
        "ended_at": START + timedelta(minutes=3),
        "completed": True,
        "steps": (StepRecord("bed-edge-hang", "left", 1, "hold", 30.0, 30.0, False),),
    }
    fields.update(changes)
    return SessionRecord(**fields)


def test_it_round_trips_through_json() -> None:
    original = record()
    again = SessionRecord.from_dict(json.loads(json.dumps(original.as_dict())))
    assert again == original
    assert original.as_dict()["started_at"] == "2026-11-25T07:30:00+00:00"


def test_it_accepts_z_and_other_offsets_and_stores_utc() -> None:
    payload = record().as_dict()
    payload["started_at"] = "2026-11-25T08:30:00+01:00"
    payload["ended_at"] = "2026-11-25T07:33:00Z"
    parsed = SessionRecord.from_dict(payload)
    assert parsed.started_at == START and parsed.started_at.tzinfo == UTC


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("steps"), "missing field(s): steps"),
        (lambda d: d.update(extra=1), "unknown field(s): extra"),
        (lambda d: d.update(started_at="2026-11-25T07:30:00"), "must include a UTC offset"),
        (lambda d: d.update(started_at="yesterday"), "not an ISO 8601"),
        (lambda d: d.update(ended_at="2026-11-25T07:00:00Z"), "ended_at is before started_at"),
        (lambda d: d.update(mode="gym"), "mode must be one of"),
        (lambda d: d.update(mode="clinic"), "must name its protocol"),
        (lambda d: d.update(protocol="pnf-contract-relax"), "home session has no protocol"),
        (lambda d: d.update(completed="yes"), "completed must be true or false"),
        (lambda d: d.update(routine_slug="../etc"), "routine_slug must be a slug"),
        (lambda d: d.update(steps="many"), "steps must be a list"),
        (lambda d: d["steps"][0].update(side="middle"), "steps[0]: side must be one of"),
        (lambda d: d["steps"][0].update(done_seconds=31), "cannot be more than planned_seconds"),
        (lambda d: d["steps"][0].update(planned_seconds=-1), "planned_seconds must be more than 0"),
        (lambda d: d["steps"][0].update(rep=0), "rep must be a whole number of at least 1"),
        (lambda d: d["steps"][0].update(rep=True), "rep must be a whole number"),
        (lambda d: d["steps"][0].update(kind="dance"), "kind must be one of"),
        (lambda d: d["steps"][0].pop("skipped"), "missing field(s): skipped"),
        (lambda d: d.update(steps=[]), "completed session must have at least one step"),
    ],
)
def test_it_rejects_a_bad_payload_naming_the_field(mutate: Any, message: str) -> None:
    payload = record().as_dict()
    mutate(payload)
    with pytest.raises(RecordError) as caught:
        SessionRecord.from_dict(payload)
    assert message in str(caught.value)


def test_it_rejects_a_payload_that_is_not_an_object() -> None:
    with pytest.raises(RecordError, match="must be a JSON object"):
        SessionRecord.from_dict([1, 2])


def test_it_rejects_a_naive_datetime_in_code() -> None:
    with pytest.raises(RecordError, match="timezone-aware"):
        record(started_at=datetime(2026, 11, 25, 7, 30))


def test_it_sums_done_and_planned_seconds() -> None:
    steps = (
        StepRecord("bed-edge-hang", "left", 1, "hold", 30.0, 30.0, False),
        StepRecord("bed-edge-hang", "right", 1, "hold", 30.0, 12.5, True),
    )
    assert (record(steps=steps).done_seconds, record(steps=steps).planned_seconds) == (42.5, 60.0)
