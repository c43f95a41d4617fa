"""The session engine: step order as planned, and time adding up, for any valid routine (hypothesis),
plus pause, skip and abandon."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta
from itertools import groupby, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoascare.routines import (
    FakeClock,
    RoutineItem,
    Session,
    SessionError,
    State,
    build_plan,
    default_library,
    get_routine,
)
from psoascare.routines.plan import Phase, Plan, check_record_matches_plan
from psoascare.routines.records import RecordError
from psoascare.routines.templates import RoutineTemplate, default_protocols, resolve_dose

LIBRARY = default_library()
HOME_EXERCISES = [e.slug for e in LIBRARY if e.category != "clinic"]
SIDE_CHOICES = [("left", "right"), ("right", "left"), ("left",), ("right",), ("both",)]


@st.composite
def home_items(draw: st.DrawFn) -> RoutineItem:
    slug = draw(st.sampled_from(HOME_EXERCISES))
    exercise = LIBRARY.get(slug)
    seconds = st.floats(min_value=0.5, max_value=120, allow_nan=False).map(lambda x: round(x, 2))
    return RoutineItem(
        exercise=slug,
        sets=draw(st.integers(1, 4)),
        hold_seconds=draw(seconds) if exercise.is_hold else None,
        reps=None if exercise.is_hold else draw(st.integers(1, 12)),
        seconds_per_rep=None if exercise.is_hold else draw(st.sampled_from([1.0, 2.5, 3.0, 4.0])),
        rest_seconds=draw(st.one_of(st.just(0.0), seconds)),
        sides=draw(st.sampled_from(SIDE_CHOICES)),
    )


@st.composite
def routines(draw: st.DrawFn) -> RoutineTemplate:
    items = draw(st.lists(home_items(), min_size=1, max_size=4))
    protocol = None
    if draw(st.booleans()) and draw(st.booleans()):
        # A clinic routine: resisted stretching with drawn protocol parameters.
        base = draw(st.sampled_from(sorted(default_protocols().values(), key=lambda p: p.slug)))
        protocol = {
            "reps": draw(st.integers(1, 6)),
            "contract_seconds": draw(st.sampled_from([2.0, 3.0, 7.0, 10.0])),
            "relax_seconds": draw(st.sampled_from([1.0, 2.0, 3.0])),
            "final_hold_seconds": draw(st.sampled_from([5.0, 20.0, 60.0])),
        }
        clinic = get_routine("clinic-pir" if base.slug == "post-isometric-relaxation" else "clinic-pnf")
        return clinic.with_overrides(protocol=protocol)
    return get_routine("bed-edge").with_overrides(items=items)


def segments(plan: Plan) -> list[list]:  # type: ignore[type-arg]
    """The plan cut into one list of steps per routine item (each item starts with PREPARE)."""
    cuts = [i for i, step in enumerate(plan.steps) if step.phase is Phase.PREPARE] + [len(plan.steps)]
    return [list(plan.steps[a:b]) for a, b in pairwise(cuts)]


@settings(max_examples=150, deadline=None)
@given(routines())
def test_it_orders_steps_as_specified(routine: RoutineTemplate) -> None:
    plan = build_plan(routine)
    parts = segments(plan)
    assert len(parts) == len(routine.items)
    for item, steps in zip(routine.items, parts, strict=True):
        dose = resolve_dose(item, LIBRARY.get(item.exercise))
        assert steps[0].phase is Phase.PREPARE
        assert all(step.seconds > 0 for step in steps)
        work = [s for s in steps if s.phase.is_work]
        if routine.protocol is None:
            # Every set works the sides in the given order (left before right).
            assert [(s.rep, s.side) for s in work] == [
                (rep, side) for rep in range(1, dose.sets + 1) for side in dose.sides
            ]
            assert all(s.seconds == dose.work_seconds for s in work)
            # Between two sides of one set: a switch. Between sets: a rest of the asked length (or, with
            # no rest, a switch when sides change). After the last work step: nothing.
            between = [[s for s in steps[steps.index(a) + 1 : steps.index(b)]] for a, b in pairwise(work)]
            for (a, b), gap in zip(pairwise(work), between, strict=True):
                kinds = [s.phase for s in gap]
                if a.rep == b.rep:
                    assert kinds == [Phase.SWITCH]
                elif dose.rest_seconds > 0:
                    assert kinds == [Phase.REST] and gap[0].seconds == dose.rest_seconds
                else:
                    assert kinds == ([Phase.SWITCH] if len(dose.sides) > 1 else [])
            assert steps[-1] is work[-1]
        else:
            protocol = routine.protocol
            for side, side_steps in groupby(work, key=lambda s: s.side):
                phases = [s.phase for s in side_steps]
                assert phases == [Phase.CONTRACT, Phase.RELAX] * protocol.reps + [Phase.HOLD], side
            assert [side for side, _ in groupby(work, key=lambda s: s.side)] == list(dose.sides)
            assert not [s for s in steps if s.phase is Phase.REST]


# Actions while playing: let some time pass, or pause for a while then resume.
actions = st.lists(
    st.tuples(st.sampled_from(["tick", "pause"]), st.floats(min_value=0.01, max_value=90)),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(routines(), actions)
def test_it_takes_the_planned_time_whatever_the_ticks_and_pauses(
    routine: RoutineTemplate, script: list[tuple[str, float]]
) -> None:
    plan = build_plan(routine)
    clock = FakeClock(1000.0)
    session = Session(plan, clock)
    session.start()
    paused = 0.0
    seen_steps = [session.index]
    for action, seconds in script:
        if session.state.is_over:
            break
        if action == "pause":
            session.pause()
            if session.state is State.PAUSED:
                clock.advance(seconds)
                paused += seconds
                session.resume()
        else:
            clock.advance(seconds)
            session.tick()
        seen_steps.append(session.index)
    while not session.state.is_over:
        clock.advance(7.3)
        session.tick()
    assert session.state is State.FINISHED
    assert seen_steps == sorted(seen_steps)  # never goes back
    assert math.isclose(session.active_seconds, plan.total_seconds, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(session.paused_seconds, paused, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(session.elapsed_seconds, plan.total_seconds + paused, rel_tol=1e-9, abs_tol=1e-6)
    record = session.record()
    assert record.completed
    work = [s for s in plan.steps if s.phase.is_work]
    assert [(r.exercise, r.side, r.rep, r.kind) for r in record.steps] == [
        (s.exercise, s.side, s.rep, s.phase.value) for s in work
    ]
    # Pauses never count as hold time.
    for step in record.steps:
        assert math.isclose(step.done_seconds, step.planned_seconds, abs_tol=1e-6) and not step.skipped


def bed_edge_session() -> tuple[Session, FakeClock]:
    clock = FakeClock()
    start = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    # The wall clock follows the fake clock so the record's times are predictable.
    session = Session(
        build_plan(get_routine("bed-edge")), clock, utc_now=lambda: start + timedelta(seconds=clock.now())
    )
    return session, clock


def test_it_speaks_the_cues_in_order() -> None:
    session, clock = bed_edge_session()
    cues = [c.text for c in session.start()]
    assert session.next_step is not None and session.next_step.side == "left"
    clock.advance(15)
    cues += [c.text for c in session.tick()]
    assert session.remaining_seconds() == 30
    clock.advance(165)  # exactly to the end: the record's end time is when a tick sees it finished
    cues += [c.text for c in session.tick()]
    assert cues == [
        "Get ready: Bed-edge hang (Thomas position). Left leg first.",
        "Left leg: let it hang… 30 seconds",
        "Switch sides",
        "Right leg: let it hang… 30 seconds",
        "Rest, 15 seconds",
        "Left leg: let it hang… 30 seconds",
        "Switch sides",
        "Right leg: let it hang… 30 seconds",
        "All done. Well done.",
    ]
    record = session.record()
    assert record.ended_at - record.started_at == timedelta(seconds=180)  # two 15 s switches


def test_it_freezes_the_countdown_while_paused() -> None:
    session, clock = bed_edge_session()
    session.start()
    clock.advance(20)  # 5 s into the first hold
    session.pause()
    clock.advance(100)
    assert session.remaining_seconds() == 25
    assert session.state is State.PAUSED and session.tick() == []
    session.resume()
    clock.advance(24)
    session.tick()
    assert session.current_step is not None and session.current_step.phase is Phase.HOLD
    assert session.remaining_seconds() == 1


def test_it_records_a_skipped_hold_with_the_time_done() -> None:
    session, clock = bed_edge_session()
    session.start()
    clock.advance(15)
    session.tick()
    clock.advance(12)
    cues = session.skip()
    assert [c.text for c in cues] == ["Switch sides"]
    clock.advance(1000)
    session.tick()
    first = session.record().steps[0]
    assert (first.side, first.done_seconds, first.skipped) == ("left", 12, True)
    assert session.record().completed


def test_it_stays_paused_after_a_skip() -> None:
    session, clock = bed_edge_session()
    session.start()
    session.pause()
    session.skip()
    clock.advance(10)
    assert session.state is State.PAUSED and session.remaining_seconds() == 30


def test_it_keeps_what_was_done_when_abandoned() -> None:
    session, clock = bed_edge_session()
    session.start()
    clock.advance(15 + 30 + 15 + 10)  # prepare, left hold, switch (15 s), 10 s of the right hold
    session.abandon()
    record = session.record()
    assert session.state is State.ABANDONED and not record.completed
    assert [(s.side, s.done_seconds, s.skipped) for s in record.steps] == [
        ("left", 30, False),
        ("right", 10, False),
    ]
    assert record.ended_at - record.started_at == timedelta(seconds=70)
    with pytest.raises(SessionError):
        session.skip()


def test_it_refuses_to_record_a_session_still_running() -> None:
    session, _ = bed_edge_session()
    session.start()
    with pytest.raises(SessionError, match="only once it has finished"):
        session.record()
    with pytest.raises(SessionError, match="only a paused session can resume"):
        session.resume()


def test_it_runs_a_clinic_protocol_per_side_with_its_cues() -> None:
    clock = FakeClock()
    session = Session(build_plan(get_routine("clinic-pnf")), clock)
    texts = [c.text for c in session.start()]
    while not session.state.is_over:
        clock.advance(1)
        texts += [c.text for c in session.tick()]
    assert "Push your knee up into my hand, gently… 3 seconds" in texts
    assert "Relax. Breathe out, let it sink" in texts
    record = session.record()
    assert (record.mode, record.protocol) == ("clinic", "pnf-contract-relax")
    assert [s.kind for s in record.steps if s.side == "left"] == ["contract", "relax"] * 3 + ["hold"]


# Any mix of waiting, skipping and pausing, maybe ending in an abandon.
player_actions = st.lists(
    st.tuples(st.sampled_from(["tick", "skip", "pause"]), st.floats(min_value=0.01, max_value=60)),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(routines(), player_actions, st.booleans())
def test_every_record_the_engine_makes_matches_its_plan(
    routine: RoutineTemplate, script: list[tuple[str, float]], abandon: bool
) -> None:
    plan = build_plan(routine)
    clock = FakeClock()
    session = Session(plan, clock)
    session.start()
    for action, seconds in script:
        if session.state.is_over:
            break
        clock.advance(seconds)
        if action == "skip":
            session.skip()
        elif action == "pause":
            session.toggle_pause()
        else:
            session.tick()
    if abandon:
        session.abandon()
    else:
        if session.state is State.PAUSED:
            session.resume()
        while not session.state.is_over:
            clock.advance(11)
            session.tick()
    record = session.record()
    check_record_matches_plan(record, plan)  # what the web endpoint and the API accept
    assert record.completed is (not abandon or session.state is State.FINISHED)
    assert all(0 <= s.done_seconds <= s.planned_seconds for s in record.steps)
    assert session.active_seconds <= plan.total_seconds + 1e-6


def test_a_record_out_of_order_does_not_match_the_plan() -> None:
    plan = build_plan(get_routine("bed-edge"))
    clock = FakeClock()
    session = Session(plan, clock)
    session.start()
    clock.advance(plan.total_seconds)
    session.tick()
    record = session.record()
    swapped = dataclasses.replace(record, steps=(record.steps[1], record.steps[0], *record.steps[2:]))
    with pytest.raises(RecordError, match=r"steps\[0\] does not match"):
        check_record_matches_plan(swapped, plan)
    with pytest.raises(RecordError, match="must include every step"):
        check_record_matches_plan(dataclasses.replace(record, steps=record.steps[:3]), plan)
