"""What is due over a run of days: the same lists as asking day by day, whatever the days of the week."""

from __future__ import annotations

from datetime import date, time, timedelta

from psoascare.routines.schedule import Schedule, ScheduledExercise, due_between, due_items

EXERCISES = [
    ScheduledExercise("bed-edge-hang", "Bed-edge hang", ("left", "right")),
    ScheduledExercise("glute-bridge", "Glute bridge", ("both",)),
]


def test_it_gives_each_day_what_due_items_gives() -> None:
    schedule = Schedule(times=(time(7, 30), time(21, 30)), days=frozenset({0, 2, 4, 6}), work_days=frozenset({1, 2}))
    first = date(2026, 1, 1)
    last = first + timedelta(days=400)  # across a year's end and a leap-free February
    due = due_between(schedule, EXERCISES, first, last)
    assert list(due) == [first + timedelta(days=n) for n in range(401)]
    for day, items in due.items():
        assert items == due_items(schedule, EXERCISES, day), day
    # Monday (0) has the stretches only, Tuesday (1) the moves only, Wednesday (2) both, Friday … per the schedule.
    assert {item.kind for item in due[date(2026, 1, 5)]} == {"stretch"}
    assert {item.kind for item in due[date(2026, 1, 6)]} == {"move"}
    assert {item.kind for item in due[date(2026, 1, 7)]} == {"stretch", "move"}
    assert due[date(2026, 1, 10)] == []  # Saturday: neither


def test_each_day_has_a_list_of_its_own() -> None:
    due = due_between(Schedule(), EXERCISES, date(2026, 3, 2), date(2026, 3, 16))
    due[date(2026, 3, 2)].clear()  # a caller changing one day's list changes no other Monday's
    assert due[date(2026, 3, 9)] and due[date(2026, 3, 16)]


def test_an_empty_range_is_empty() -> None:
    assert due_between(Schedule(), EXERCISES, date(2026, 3, 2), date(2026, 3, 1)) == {}
