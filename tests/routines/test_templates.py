"""Routine templates: the packaged ones, dose overrides, and clear errors for bad overrides."""

from __future__ import annotations

from datetime import time

import pytest

from psoascare.routines import RoutineError, RoutineItem, build_plan, get_routine
from psoascare.routines.plan import Phase
from psoascare.routines.templates import default_routines


def test_it_schedules_bed_edge_morning_and_night_every_day() -> None:
    routine = get_routine("bed-edge")
    assert routine.times == (time(7, 30), time(21, 30))
    assert len(routine.days) == 7
    assert [item.exercise for item in routine.items] == ["bed-edge-hang"]
    assert routine.mode == "home"


def test_it_builds_psoas_care_from_stretch_strength_and_moves() -> None:
    routine = get_routine("psoas-care")
    exercises = [item.exercise for item in routine.items]
    assert exercises[0] == "bed-edge-hang" and len(exercises) == 3
    assert routine.move_every_minutes == 60 and routine.moves


def test_every_packaged_routine_has_a_plan_with_work() -> None:
    for routine in default_routines().values():
        plan = build_plan(routine)
        assert plan.work_seconds > 0


def test_it_applies_a_dose_override() -> None:
    routine = get_routine("bed-edge").with_overrides(
        item_overrides={"bed-edge-hang": {"hold_seconds": 45, "sets": 3, "rest_seconds": 0}}
    )
    holds = [s for s in build_plan(routine).steps if s.phase is Phase.HOLD]
    assert [s.seconds for s in holds] == [45.0] * 6
    assert not [s for s in build_plan(routine).steps if s.phase is Phase.REST]
    # The packaged template is untouched.
    assert get_routine("bed-edge").items[0].hold_seconds is None


def test_it_replaces_the_items() -> None:
    routine = get_routine("bed-edge").with_overrides(
        items=[{"exercise": "prone-lying"}, RoutineItem("dead-bug", reps=5)]
    )
    assert [i.exercise for i in routine.items] == ["prone-lying", "dead-bug"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"item_overrides": {"bed-edge-hang": {"hold_seconds": -5}}}, "hold_seconds must be more than 0"),
        ({"item_overrides": {"bed-edge-hang": {"reps": 0}}}, "reps must be a whole number from 1"),
        ({"item_overrides": {"dead-bug": {"reps": 0}}}, "cannot override ['dead-bug']"),
        ({"items": []}, "has no exercises"),
        ({"items": [{"exercise": "cartwheel"}]}, "unknown exercise 'cartwheel'"),
        ({"item_overrides": {"bed-edge-hang": {"reps": 10}}}, "timed hold"),
        ({"item_overrides": {"bed-edge-hang": {"sides": ["up"]}}}, "allows left, right or both"),
        ({"item_overrides": {"bed-edge-hang": {"colour": "red"}}}, "unknown field(s) ['colour']"),
        ({"protocol": {"reps": 2}}, "home routine"),
        ({"times": ["7.30"]}, "times must look like '07:30'"),
        ({"days": ["someday"]}, "unknown day 'someday'"),
    ],
)
def test_it_rejects_bad_overrides_saying_what_is_wrong(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(RoutineError) as caught:
        get_routine("bed-edge").with_overrides(**overrides)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert "bed-edge" in str(caught.value)


def test_it_rejects_zero_reps_on_a_reps_exercise() -> None:
    with pytest.raises(RoutineError, match="reps must be a whole number from 1"):
        get_routine("psoas-care").with_overrides(item_overrides={"dead-bug": {"reps": 0}})


def test_it_changes_clinic_protocol_parameters_within_bounds() -> None:
    routine = get_routine("clinic-pir").with_overrides(protocol={"reps": 2, "final_hold_seconds": 30})
    assert routine.protocol is not None and routine.protocol.reps == 2
    with pytest.raises(RoutineError, match="effort_percent must be between 5 and 50"):
        get_routine("clinic-pir").with_overrides(protocol={"effort_percent": 90})
    with pytest.raises(RoutineError, match="unknown protocol field"):
        get_routine("clinic-pir").with_overrides(protocol={"speed": 2})


def test_it_names_the_known_routines_for_an_unknown_slug() -> None:
    with pytest.raises(RoutineError, match=r"known: .*bed-edge"):
        get_routine("nope")
