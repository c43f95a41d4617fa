"""The sitting policy, driven by a fake clock and a scripted person: every scenario runs in zero time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psoascare.desk.moves import Move, MoveSuggester, builtin_moves
from psoascare.desk.policy import (
    MAX_CHECK_SECONDS,
    BreakTaken,
    DeskPolicy,
    InvalidSettings,
    NaturalBreak,
    Nudge,
    NudgeLevel,
    PolicySettings,
    SittingBout,
    Snoozed,
    SnoozeRefused,
    State,
    WorkingHours,
)
from psoascare.desk.records import DeskEventKind

from .simulation import MONDAY_MORNING, FakeClock, ScriptedDesk, drive

UTC_WORKDAY = PolicySettings(time_zone=UTC)


def make(settings_: PolicySettings = UTC_WORKDAY) -> tuple[DeskPolicy, FakeClock]:
    clock = FakeClock()
    return DeskPolicy(clock, settings_), clock


def minutes_after_start(moment: datetime) -> float:
    return (moment - MONDAY_MORNING).total_seconds() / 60


def test_it_nudges_after_sixty_active_minutes() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 90)
    run = drive(policy, clock, desk, until=MONDAY_MORNING + timedelta(minutes=61))
    nudges = run.of(Nudge)
    assert len(nudges) == 1
    assert minutes_after_start(nudges[0].at) == pytest.approx(60, abs=0.01)
    assert nudges[0].level is NudgeLevel.GENTLE
    assert policy.state is State.NUDGED


def test_it_stays_silent_before_the_interval() -> None:
    policy, clock = make(PolicySettings(every_minutes=45, time_zone=UTC))
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 44.9)
    run = drive(policy, clock, desk, until=MONDAY_MORNING + timedelta(minutes=44.9))
    assert run.of(Nudge) == []
    desk.then("active", 5)
    run = drive(policy, clock, desk, until=MONDAY_MORNING + timedelta(minutes=46), run=run)
    assert minutes_after_start(run.of(Nudge)[0].at) == pytest.approx(45, abs=0.01)


def test_it_counts_short_pauses_as_sitting() -> None:
    policy, clock = make()
    # Reading for 4 minutes at a time is still sitting: 6 x (6 active + 4 idle) = 60 minutes.
    desk = ScriptedDesk(MONDAY_MORNING)
    for _ in range(6):
        desk.then("active", 6).then("idle", 4)
    desk.then("active", 10)
    run = drive(policy, clock, desk, until=desk.end)
    assert run.of(NaturalBreak) == []
    assert len(run.of(Nudge)) >= 1
    # The 60th minute of sitting falls inside the last idle spell, so the nudge comes when input resumes.
    assert minutes_after_start(run.of(Nudge)[0].at) == pytest.approx(60, abs=MAX_CHECK_SECONDS / 60)


def test_it_counts_a_five_minute_idle_spell_as_a_natural_break_and_resets() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 50).then("idle", 5.5).then("active", 70)
    run = drive(policy, clock, desk, until=desk.end)
    breaks = run.of(NaturalBreak)
    assert len(breaks) == 1
    assert minutes_after_start(breaks[0].started_at) == pytest.approx(50)
    assert minutes_after_start(breaks[0].detected_at) == pytest.approx(55)
    bouts = run.of(SittingBout)
    assert [(minutes_after_start(b.started_at), minutes_after_start(b.ended_at)) for b in bouts] == [(0, 50)]
    # The count restarted at the return (minute 55.5): the nudge comes at 115.5, not at 60.
    nudge_times = [minutes_after_start(n.at) for n in run.of(Nudge)]
    assert nudge_times[0] == pytest.approx(115.5, abs=MAX_CHECK_SECONDS / 60)


def test_it_does_not_count_a_spell_just_under_five_minutes_as_a_break() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 30).then("idle", 4.95).then("active", 40)
    run = drive(policy, clock, desk, until=desk.end)
    assert run.of(NaturalBreak) == []
    assert minutes_after_start(run.of(Nudge)[0].at) == pytest.approx(60, abs=0.01)


def test_it_records_a_break_taken_when_the_person_gets_up_after_a_nudge() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 61).then("idle", 1.5).then("active", 10)
    run = drive(policy, clock, desk, until=desk.end)
    (taken,) = run.of(BreakTaken)
    assert minutes_after_start(taken.started_at) == pytest.approx(61)
    assert minutes_after_start(taken.detected_at) == pytest.approx(62)
    assert run.of(NaturalBreak) == []
    assert len(run.of(SittingBout)) == 1
    assert policy.state is State.SITTING
    assert policy.seconds_until_nudge == pytest.approx(60 * 60 - policy.sitting_seconds)


def test_it_reminds_more_firmly_when_a_nudge_is_ignored() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 80)
    run = drive(policy, clock, desk, until=desk.end)
    nudges = run.of(Nudge)
    assert [round(minutes_after_start(n.at)) for n in nudges] == [60, 65, 70, 75, 80][: len(nudges)]
    assert [n.level for n in nudges[:3]] == [NudgeLevel.GENTLE, NudgeLevel.REMINDER, NudgeLevel.FIRM]


def test_it_snoozes_five_or_ten_minutes_at_most_twice_then_nudges_firmly() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 120)
    answers = iter([10, 5])
    snoozes: list[Snoozed] = []
    refusals: list[str] = []

    def answer(event: object) -> None:
        if isinstance(event, Nudge):
            choice = next(answers, 5)
            try:
                snoozes.append(policy.snooze(choice))
            except SnoozeRefused as refused:
                refusals.append(str(refused))

    run = drive(policy, clock, desk, until=MONDAY_MORNING + timedelta(minutes=76), on_event=answer)
    nudges = run.of(Nudge)
    assert [round(minutes_after_start(n.at)) for n in nudges] == [60, 70, 75]
    assert [n.level for n in nudges] == [NudgeLevel.GENTLE, NudgeLevel.REMINDER, NudgeLevel.FIRM]
    assert [n.snooze_allowed for n in nudges] == [True, True, False]
    assert [(s.minutes, s.snoozes_in_row) for s in snoozes] == [(10, 1), (5, 2)]
    assert len(refusals) == 1 and "2 times in a row" in refusals[0]


def test_it_refuses_odd_snooze_lengths_and_snoozing_with_no_nudge() -> None:
    policy, clock = make()
    policy.update(ScriptedDesk(MONDAY_MORNING).then("active", 1).sample(clock.now()))
    with pytest.raises(SnoozeRefused, match="no nudge"):
        policy.snooze(5)
    with pytest.raises(ValueError, match="5 or 10"):
        policy.snooze(7)


def test_it_starts_a_fresh_snooze_allowance_after_a_break() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 80).then("idle", 2).then("active", 70)

    def snooze_always(event: object) -> None:
        if isinstance(event, Nudge) and event.snooze_allowed:
            policy.snooze(10)

    run = drive(policy, clock, desk, until=desk.end, on_event=snooze_always)
    levels = [n.level for n in run.of(Nudge)]
    assert levels[:2] == [NudgeLevel.GENTLE, NudgeLevel.REMINDER]
    assert len(run.of(BreakTaken)) == 1
    # The first nudge after the break is gentle again.
    after_break = [n for n in run.of(Nudge) if minutes_after_start(n.at) > 82]
    assert after_break and after_break[0].level is NudgeLevel.GENTLE


@pytest.mark.parametrize("every", [19, 121, 0, -5])
def test_it_rejects_an_interval_outside_20_to_120_minutes(every: int) -> None:
    with pytest.raises(InvalidSettings, match="between 20 and 120"):
        PolicySettings(every_minutes=every)


@pytest.mark.parametrize("every", [20, 30, 120])
def test_it_accepts_intervals_from_20_to_120_minutes(every: int) -> None:
    policy, clock = make(PolicySettings(every_minutes=every, time_zone=UTC))
    desk = ScriptedDesk(MONDAY_MORNING).then("active", every + 1)
    run = drive(policy, clock, desk, until=desk.end)
    assert minutes_after_start(run.of(Nudge)[0].at) == pytest.approx(every, abs=0.01)


def test_it_is_dormant_outside_working_hours_and_closes_the_bout_at_the_end_of_the_day() -> None:
    hours = WorkingHours(days=frozenset({0, 1, 2, 3, 4}), start=time(9), end=time(10, 30))
    policy, clock = make(PolicySettings(working_hours=hours, time_zone=UTC))
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 180)
    run = drive(policy, clock, desk, until=desk.end)
    nudge_times = [minutes_after_start(n.at) for n in run.of(Nudge)]
    assert nudge_times[0] == pytest.approx(60, abs=0.01)
    assert max(nudge_times) < 90
    assert policy.state is State.DORMANT
    (bout,) = run.of(SittingBout)
    assert minutes_after_start(bout.ended_at) == pytest.approx(90, abs=MAX_CHECK_SECONDS / 60)


def test_it_stays_dormant_at_the_weekend() -> None:
    saturday = MONDAY_MORNING - timedelta(days=2)
    clock = FakeClock(saturday)
    policy = DeskPolicy(clock, UTC_WORKDAY)
    desk = ScriptedDesk(saturday).then("active", 180)
    run = drive(policy, clock, desk, until=desk.end)
    assert run.events == []
    assert policy.state is State.DORMANT


def test_working_hours_over_midnight_belong_to_the_day_they_start() -> None:
    night_shift = WorkingHours(days=frozenset({4}), start=time(22), end=time(6))  # Friday night
    friday = datetime(2026, 11, 27, tzinfo=UTC)
    assert night_shift.contains(friday.replace(hour=23))
    assert night_shift.contains(friday.replace(hour=3) + timedelta(days=1))  # Saturday 03:00
    assert not night_shift.contains(friday.replace(hour=3))  # Friday 03:00 belongs to Thursday
    assert WorkingHours.parse("mon-fri", "08:30-17:00") == WorkingHours(frozenset(range(5)), time(8, 30), time(17))
    assert WorkingHours.parse("sat,sun", "10:00-12:00").days == frozenset({5, 6})
    with pytest.raises(InvalidSettings):
        WorkingHours.parse("funday", "08:00-18:00")


def test_it_holds_a_nudge_during_a_video_call_and_counts_the_call_as_sitting() -> None:
    policy, clock = make()
    # 50 minutes of typing, then a 30-minute full-screen call without touching the keyboard.
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 50).then("idle", 30).then("active", 5)
    desk.call_between.append((MONDAY_MORNING + timedelta(minutes=50), MONDAY_MORNING + timedelta(minutes=80)))
    run = drive(policy, clock, desk, until=desk.end)
    assert run.of(NaturalBreak) == []
    nudges = run.of(Nudge)
    assert nudges, "the held nudge must come once the call ends"
    assert minutes_after_start(nudges[0].at) == pytest.approx(80, abs=0.1)


def test_it_treats_a_locked_screen_as_time_away() -> None:
    policy, clock = make()
    # The idle clock of some desktops stops while locked: the lock alone must still count as away.
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 40).then("active", 10).then("active", 30)
    desk.locked_between.append((MONDAY_MORNING + timedelta(minutes=40), MONDAY_MORNING + timedelta(minutes=50)))

    def sample_with_lock(at: datetime):
        base = ScriptedDesk.sample(desk, at)
        if base.screen_locked:
            return type(base)(idle_seconds=0.0, screen_locked=True)
        return base

    desk.sample = sample_with_lock  # type: ignore[method-assign]
    run = drive(policy, clock, desk, until=desk.end)
    (natural,) = run.of(NaturalBreak)
    assert minutes_after_start(natural.started_at) == pytest.approx(40, abs=0.01)
    assert run.of(Nudge) == []  # 40 + 30 minutes, with a 10-minute break between


def test_it_closes_the_open_bout_on_exit() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 20).then("idle", 1)
    drive(policy, clock, desk, until=desk.end)
    (bout,) = policy.close()
    assert isinstance(bout, SittingBout)
    assert minutes_after_start(bout.ended_at) == pytest.approx(20)
    assert bout.to_record().kind is DeskEventKind.SITTING_BOUT
    assert policy.close() == []


def test_it_waits_for_the_first_input_when_started_at_an_empty_desk() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING - timedelta(minutes=30)).then("idle", 40).then("active", 70)
    run = drive(policy, clock, desk, until=desk.end)
    assert run.of(NaturalBreak) == []
    assert minutes_after_start(run.of(Nudge)[0].at) == pytest.approx(70, abs=MAX_CHECK_SECONDS / 60)


def test_it_suggests_a_one_minute_move_with_a_source() -> None:
    moves = builtin_moves()
    assert len(moves) >= 3
    assert all(move.source and move.instructions for move in moves)
    suggester = MoveSuggester(moves)
    assert [suggester.next_move().slug for _ in range(len(moves) + 1)][-1] == moves[0].slug
    policy, clock = make()
    run = drive(
        policy, clock, ScriptedDesk(MONDAY_MORNING).then("active", 61), until=MONDAY_MORNING + timedelta(minutes=61)
    )
    nudge = run.of(Nudge)[0]
    assert isinstance(nudge.move, Move)
    assert nudge.move.name in nudge.message()


def test_it_checks_rarely_while_someone_works_steadily() -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 240)
    run = drive(policy, clock, desk, until=desk.end)
    # Pacing is logic here, not timing: at most one look per 10 s of a steady working day.
    assert run.checks <= 240 * 6


# --- the property: no schedule nudges early, none keeps it silent -----------------------------------

SLACK_SECONDS = MAX_CHECK_SECONDS + 1
# Idle spells mostly short (reading, thinking), sometimes long: long stretches of sitting must occur.
spell = st.one_of(
    st.tuples(st.just("active"), st.integers(min_value=1, max_value=60 * 60)),
    st.tuples(st.just("idle"), st.integers(min_value=1, max_value=299)),
    # Near the break-taken (60 s) and natural-break (300 s) thresholds, where off-by-a-bit bugs live.
    st.tuples(st.just("idle"), st.integers(min_value=50, max_value=70)),
    st.tuples(st.just("idle"), st.integers(min_value=285, max_value=335)),
    st.tuples(st.just("idle"), st.integers(min_value=1, max_value=20 * 60)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    every=st.integers(min_value=20, max_value=120),
    spells=st.lists(spell, min_size=1, max_size=40),
    snooze_answers=st.lists(st.sampled_from([None, 5, 10, 10]), min_size=0, max_size=30),
)
def test_it_never_nudges_before_n_active_minutes_nor_stays_silent_past_the_snooze_limits(
    every: int, spells: list[tuple[str, int]], snooze_answers: list[int | None]
) -> None:
    clock = FakeClock()
    policy = DeskPolicy(clock, PolicySettings(every_minutes=every, working_hours=WorkingHours.always()))
    desk = ScriptedDesk(MONDAY_MORNING)
    for kind, seconds in spells:
        desk.then(kind, seconds / 60)
    answers = iter(snooze_answers)

    snoozes_in_row = 0

    def answer(event: object) -> None:
        nonlocal snoozes_in_row
        if isinstance(event, (BreakTaken, NaturalBreak)):
            snoozes_in_row = 0
        if isinstance(event, Nudge):
            choice = next(answers, None)
            if choice is None:
                return
            try:
                policy.snooze(choice)
            except SnoozeRefused:
                assert not event.snooze_allowed and snoozes_in_row == 2
            else:
                snoozes_in_row += 1
                assert event.snooze_allowed and snoozes_in_row <= 2, "more than 2 snoozes in a row"

    run = drive(policy, clock, desk, until=desk.end, on_event=answer)

    # The reference, computed from the script alone: idle spells (merged) with their start and end.
    idle_spells: list[tuple[float, float]] = []
    cursor = 0.0
    for kind, seconds in spells:
        if kind == "idle":
            if idle_spells and idle_spells[-1][1] == cursor:
                idle_spells[-1] = (idle_spells[-1][0], cursor + seconds)
            else:
                idle_spells.append((cursor, cursor + seconds))
        cursor += seconds
    nudge_times = [(at - MONDAY_MORNING).total_seconds() for at, e in run.events if isinstance(e, Nudge)]
    limit = every * 60
    natural = policy.settings.natural_break_minutes * 60
    taken = policy.settings.break_taken_seconds

    def last_input(t: float) -> float:
        return (desk.last_input(MONDAY_MORNING + timedelta(seconds=t)) - MONDAY_MORNING).total_seconds()

    def reset_before(t: float) -> float:
        """When the current stretch of sitting began, by the rules, looking only at the script."""
        start = 0.0
        for idle_start, idle_end in idle_spells:
            if idle_start >= t:
                break
            length = min(idle_end, t) - idle_start
            nudged_since = any(start <= n < idle_start + taken for n in nudge_times)
            # Strictly longer: at the instant a spell ends, input is back, so no look sees it any longer.
            if length > natural or (length > taken and nudged_since):
                start = idle_end if idle_end <= t else t
        return start

    for t in nudge_times:
        sat = last_input(t) - reset_before(t)
        assert sat >= limit - 1e-6, f"nudged after only {sat / 60:.2f} min of sitting (limit {every})"

    # Silence: at every second of the script, sitting past N + the snooze limits means a nudge came
    # within the last 10 minutes of sitting (the longest snooze) and at least one came in this stretch.
    longest_gap = 10 * 60 + SLACK_SECONDS
    end = cursor
    t = 0.0
    while t < end:
        start = reset_before(t)
        sat = last_input(t) - start
        if sat >= limit + 2 * 10 * 60 + SLACK_SECONDS:
            in_stretch = [n for n in nudge_times if start <= n <= t]
            assert in_stretch, f"silent after {sat / 60:.1f} min of sitting (limit {every})"
            assert last_input(t) - last_input(max(in_stretch)) <= longest_gap, "a gap longer than any snooze"
        t += 60.0


@pytest.mark.parametrize(("idle_seconds", "counts_as_break"), [(55, False), (65, True)])
def test_it_takes_a_minute_away_after_a_nudge_as_the_break(idle_seconds: int, counts_as_break: bool) -> None:
    policy, clock = make()
    desk = ScriptedDesk(MONDAY_MORNING).then("active", 60.5).then("idle", idle_seconds / 60).then("active", 3)
    run = drive(policy, clock, desk, until=desk.end)
    assert len(run.of(BreakTaken)) == (1 if counts_as_break else 0)
