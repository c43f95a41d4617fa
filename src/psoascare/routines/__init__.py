"""Exercise library, routine templates, the guided-session engine and resisted-stretch protocols.

Typical use::

    routine = get_routine("bed-edge").with_overrides(item_overrides={"bed-edge-hang": {"hold_seconds": 45}})
    plan = build_plan(routine)                      # the timed steps, the same for every player
    session = Session(plan, MonotonicClock())
    session.start(); ...; session.tick()            # returns Cues to show/speak
    record = session.record()                       # SessionRecord for the journal

No Django, Typer or GUI imports here: the web app and the CLI build on this package.
"""

from __future__ import annotations

from psoascare.routines.engine import (
    Clock,
    Cue,
    FakeClock,
    MonotonicClock,
    ScaledClock,
    Session,
    SessionError,
    State,
)
from psoascare.routines.library import (
    Exercise,
    ExerciseLibrary,
    LibraryError,
    default_library,
    load_library,
)
from psoascare.routines.plan import Phase, Plan, PlannedStep, build_plan
from psoascare.routines.records import RecordError, SessionRecord, StepRecord
from psoascare.routines.templates import (
    Dose,
    ResistedProtocol,
    RoutineError,
    RoutineItem,
    RoutineTemplate,
    default_protocols,
    default_routines,
    get_routine,
    load_protocols,
    load_routines,
)

__all__ = [
    "Clock",
    "Cue",
    "Dose",
    "Exercise",
    "ExerciseLibrary",
    "FakeClock",
    "LibraryError",
    "MonotonicClock",
    "Phase",
    "Plan",
    "PlannedStep",
    "RecordError",
    "ResistedProtocol",
    "RoutineError",
    "RoutineItem",
    "RoutineTemplate",
    "ScaledClock",
    "Session",
    "SessionError",
    "SessionRecord",
    "State",
    "StepRecord",
    "build_plan",
    "default_library",
    "default_protocols",
    "default_routines",
    "get_routine",
    "load_library",
    "load_protocols",
    "load_routines",
]
