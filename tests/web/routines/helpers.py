"""Shared by the routine page tests: session records made by the engine itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from psoascare.routines import FakeClock, Session, build_plan, get_routine


def played(slug: str = "bed-edge", *, abandon_after: float | None = None, routine: Any = None) -> dict[str, Any]:
    """A session record made by the engine itself, as a player would post it."""
    clock = FakeClock()
    start = datetime.now(UTC) - timedelta(minutes=10)
    plan = build_plan(routine or get_routine(slug))
    session = Session(plan, clock, utc_now=lambda: start + timedelta(seconds=clock.now()))
    session.start()
    clock.advance(abandon_after if abandon_after is not None else plan.total_seconds)
    if abandon_after is not None:
        session.abandon()
    session.tick()
    return session.record().as_dict()
