"""Turns a routine template into the flat list of timed steps a player goes through.

Both players (terminal and browser) play this same list, so the order and the times agree everywhere.
Order for a home exercise: prepare, then for each set the sides in order (a switch between sides), with
a rest between sets and none after the last. For a clinic protocol, per side: prepare (or switch),
contract/relax for each rep, then the final hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

from psoascare.routines.library import Exercise, ExerciseLibrary, default_library
from psoascare.routines.records import RecordError, SessionRecord
from psoascare.routines.templates import Dose, ResistedProtocol, RoutineTemplate, resolve_dose


class Phase(Enum):
    """What a step is. Work phases (hold, contract, relax, reps) become StepRecords; the others do not."""

    PREPARE = "prepare"
    HOLD = "hold"
    CONTRACT = "contract"
    RELAX = "relax"
    REPS = "reps"
    SWITCH = "switch"
    REST = "rest"

    @property
    def is_work(self) -> bool:
        return self in WORK_PHASES


WORK_PHASES = frozenset({Phase.HOLD, Phase.CONTRACT, Phase.RELAX, Phase.REPS})


@dataclass(frozen=True)
class PlannedStep:
    phase: Phase
    exercise: str
    title: str
    side: str
    rep: int
    seconds: float
    cue: str
    posture: str

    @property
    def label(self) -> str:
        """A short on-screen label, e.g. 'Bed-edge hang: left leg, hold 1/2'."""
        side = "" if self.side == "both" else f"{self.side} leg, "
        return f"{self.title}: {side}{self.phase.value} {self.rep}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase.value,
            "work": self.phase.is_work,
            "exercise": self.exercise,
            "title": self.title,
            "side": self.side,
            "rep": self.rep,
            "seconds": self.seconds,
            "cue": self.cue,
            "posture": self.posture,
        }


@dataclass(frozen=True)
class Plan:
    routine_slug: str
    title: str
    mode: str
    protocol: str | None
    steps: tuple[PlannedStep, ...]

    @property
    def total_seconds(self) -> float:
        return sum(step.seconds for step in self.steps)

    @property
    def work_seconds(self) -> float:
        return sum(step.seconds for step in self.steps if step.phase.is_work)

    def as_dict(self) -> dict[str, Any]:
        """The JSON the browser player runs."""
        return {
            "routine_slug": self.routine_slug,
            "title": self.title,
            "mode": self.mode,
            "protocol": self.protocol,
            "total_seconds": self.total_seconds,
            "steps": [step.as_dict() for step in self.steps],
        }


def side_words(side: str) -> str:
    return {"left": "Left leg", "right": "Right leg"}.get(side, "")


def _spoken(side: str, what: str) -> str:
    words = side_words(side)
    return f"{words}: {what}" if words else what[:1].upper() + what[1:]


def _seconds(value: float) -> str:
    return f"{value:g} seconds"


def build_plan(routine: RoutineTemplate, library: ExerciseLibrary | None = None) -> Plan:
    library = library or default_library()
    steps: list[PlannedStep] = []
    for item in routine.items:
        exercise = library.get(item.exercise)
        dose = resolve_dose(item, exercise)
        if routine.protocol is not None:
            steps.extend(_protocol_steps(exercise, dose, routine.protocol, routine.switch_seconds))
        else:
            steps.extend(_home_steps(exercise, dose, routine.switch_seconds))
    return Plan(
        routine_slug=routine.slug,
        title=routine.title,
        mode=routine.mode,
        protocol=routine.protocol.slug if routine.protocol else None,
        steps=tuple(steps),
    )


def _step(exercise: Exercise, phase: Phase, side: str, rep: int, seconds: float, cue: str) -> PlannedStep:
    return PlannedStep(
        phase=phase,
        exercise=exercise.slug,
        title=exercise.title,
        side=side,
        rep=rep,
        seconds=float(seconds),
        cue=cue,
        posture=exercise.posture,
    )


def _home_steps(exercise: Exercise, dose: Dose, switch_seconds: float) -> list[PlannedStep]:
    first_side = dose.sides[0]
    start = f" {side_words(first_side)} first." if side_words(first_side) else ""
    steps = [
        _step(exercise, Phase.PREPARE, first_side, 1, dose.prepare_seconds, f"Get ready: {exercise.title}.{start}")
    ]
    phase = Phase.HOLD if dose.hold_seconds is not None else Phase.REPS
    what = exercise.cue or exercise.title.lower()
    amount = _seconds(dose.work_seconds) if phase is Phase.HOLD else f"{dose.reps} reps"
    for set_number in range(1, dose.sets + 1):
        for index, side in enumerate(dose.sides):
            if index > 0:
                steps.append(_step(exercise, Phase.SWITCH, side, set_number, switch_seconds, "Switch sides"))
            cue = _spoken(side, f"{what}… {amount}")
            steps.append(_step(exercise, phase, side, set_number, dose.work_seconds, cue))
        if set_number < dose.sets:
            if dose.rest_seconds > 0:
                rest_cue = f"Rest, {_seconds(dose.rest_seconds)}"
                steps.append(_step(exercise, Phase.REST, first_side, set_number, dose.rest_seconds, rest_cue))
            elif len(dose.sides) > 1:
                # No rest asked for, but the body still has to change sides before the next set.
                steps.append(_step(exercise, Phase.SWITCH, first_side, set_number + 1, switch_seconds, "Switch sides"))
    return steps


def _protocol_steps(
    exercise: Exercise, dose: Dose, protocol: ResistedProtocol, switch_seconds: float
) -> list[PlannedStep]:
    steps: list[PlannedStep] = []
    for index, side in enumerate(dose.sides):
        if index == 0:
            cue = f"Get ready: {exercise.title}. {side_words(side) or 'Both legs'} first: {exercise.cue}."
            steps.append(_step(exercise, Phase.PREPARE, side, 1, dose.prepare_seconds, cue))
        else:
            steps.append(_step(exercise, Phase.SWITCH, side, 1, switch_seconds, "Switch sides"))
        for rep in range(1, protocol.reps + 1):
            contract = f"{protocol.contract_cue}… {_seconds(protocol.contract_seconds)}"
            steps.append(_step(exercise, Phase.CONTRACT, side, rep, protocol.contract_seconds, contract))
            relax = f"{protocol.relax_cue}. {protocol.sink_cue}"
            steps.append(_step(exercise, Phase.RELAX, side, rep, protocol.relax_seconds, relax))
        final = f"Hold the new position, breathe… {_seconds(protocol.final_hold_seconds)}"
        steps.append(_step(exercise, Phase.HOLD, side, 1, protocol.final_hold_seconds, final))
    return steps


def check_record_matches_plan(record: SessionRecord, plan: Plan) -> None:
    """Raises RecordError unless the record's steps are the plan's work steps, in order, with its times.

    A player records every work step it reaches (skipped ones too) and stops early only when abandoned,
    so the steps must be a leading run of the plan's work steps, and all of them if completed.
    """
    if record.routine_slug != plan.routine_slug:
        raise RecordError(f"routine_slug {record.routine_slug!r} is not this routine ({plan.routine_slug!r})")
    if (record.mode, record.protocol) != (plan.mode, plan.protocol):
        raise RecordError(f"mode/protocol must be {plan.mode!r}/{plan.protocol!r} for this routine")
    work = [step for step in plan.steps if step.phase.is_work]
    if len(record.steps) > len(work):
        raise RecordError(f"the session has {len(record.steps)} steps; this routine has {len(work)}")
    for index, (got, want) in enumerate(zip(record.steps, work, strict=False)):
        same = (got.exercise, got.side, got.rep, got.kind) == (want.exercise, want.side, want.rep, want.phase.value)
        if not same or not math.isclose(got.planned_seconds, want.seconds, abs_tol=1e-6):
            raise RecordError(
                f"steps[{index}] does not match the routine: expected {want.phase.value} of {want.exercise} "
                f"({want.side}, rep {want.rep}, {want.seconds:g} s); reload the page if the routine changed"
            )
    if record.completed and len(record.steps) != len(work):
        raise RecordError("a completed session must include every step of the routine")
