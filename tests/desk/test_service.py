"""The timer loop, the spool and the stats, with fakes for the clock, the desk and the notifier."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable
from psoascare.desk.notify.base import Notifier
from psoascare.desk.notify.factory import choose_notifier
from psoascare.desk.notify.terminal import TerminalNotifier
from psoascare.desk.policy import DeskPolicy, PolicySettings
from psoascare.desk.records import DeskEvent, DeskEventKind
from psoascare.desk.service import DeskConfig, DeskRunner, Stop
from psoascare.desk.spool import Spool
from psoascare.desk.stats import summarise

from .simulation import MONDAY_MORNING, FakeClock


class StubSource(ActivitySource):
    name = "stub"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.last_input = clock.now()
        self.fail = False

    def idle_seconds(self) -> float:
        if self.fail:
            raise SourceUnavailable("display went away")
        return (self.clock.now() - self.last_input).total_seconds()

    def screen_locked(self) -> bool:
        return False


class RecordingNotifier(Notifier):
    name = "recording"

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, bool]] = []

    def notify(self, title: str, message: str, urgent: bool = False) -> None:
        self.shown.append((title, message, urgent))


def make_runner(tmp_path: Path) -> tuple[DeskRunner, FakeClock, StubSource, RecordingNotifier, Spool, list[bool]]:
    clock = FakeClock()
    source = StubSource(clock)
    notifier = RecordingNotifier()
    spool = Spool(tmp_path / "spool.jsonl")
    deliveries: list[bool] = []
    now = [0.0]
    runner = DeskRunner(
        policy=DeskPolicy(clock, PolicySettings(time_zone=UTC)),
        source=source,
        notifier=notifier,
        record=spool.append,
        out=io.StringIO(),
        deliver=deliveries.append,
        deliver_every_seconds=900,
        monotonic=lambda: now[0] + (clock.now() - MONDAY_MORNING).total_seconds(),
    )
    return runner, clock, source, notifier, spool, deliveries


def work_until(runner: DeskRunner, clock: FakeClock, source: StubSource, minutes: float) -> None:
    end = MONDAY_MORNING + timedelta(minutes=minutes)
    while clock.now() < end:
        source.last_input = clock.now()  # typing all along
        clock.advance(runner.step())


def test_it_spools_each_event_as_it_happens_and_shows_the_nudge(tmp_path: Path) -> None:
    runner, clock, source, notifier, spool, deliveries = make_runner(tmp_path)
    work_until(runner, clock, source, 60.1)
    assert len(notifier.shown) == 1
    title, message, urgent = notifier.shown[0]
    assert title == "Time to move" and "60 minutes" in message and not urgent
    assert [event.kind for event in spool.pending()] == [DeskEventKind.NUDGE]
    # Deliveries are batched: the first falls due 15 minutes after start, once there is something to send.
    assert deliveries == [False]


def test_it_snoozes_takes_breaks_and_quits_on_what_the_person_types(tmp_path: Path) -> None:
    runner, clock, source, _notifier, spool, _ = make_runner(tmp_path)
    work_until(runner, clock, source, 60.1)
    runner.answer("10\n")
    runner.answer("7\n")  # refused: only 5 or 10
    runner.answer("b\n")
    kinds = [event.kind for event in spool.pending()]
    assert kinds == [DeskEventKind.NUDGE, DeskEventKind.SNOOZED, DeskEventKind.BREAK_TAKEN, DeskEventKind.SITTING_BOUT]
    assert "cannot snooze" in runner.out.getvalue()  # type: ignore[attr-defined]
    with pytest.raises(Stop):
        runner.answer("q")


def test_it_carries_on_as_a_plain_timer_when_the_activity_source_is_lost(tmp_path: Path) -> None:
    runner, clock, source, _, _, _ = make_runner(tmp_path)
    work_until(runner, clock, source, 1)
    source.fail = True
    runner.step()
    assert not runner.source.can_see_activity
    assert "carrying on as a plain timer" in runner.out.getvalue()  # type: ignore[attr-defined]


def test_on_stop_it_records_the_open_bout_and_delivers_before_exiting(tmp_path: Path) -> None:
    runner, clock, source, _, spool, deliveries = make_runner(tmp_path)
    work_until(runner, clock, source, 20)
    source.last_input = clock.now()

    def stop_now(seconds: float) -> None:
        raise KeyboardInterrupt

    runner.wait = stop_now  # type: ignore[method-assign]
    runner.run()
    (bout,) = spool.pending()
    assert bout.kind is DeskEventKind.SITTING_BOUT
    assert bout.ended_at is not None and bout.ended_at - bout.started_at >= timedelta(minutes=20)
    assert deliveries == [True]


def test_the_spool_keeps_what_the_journal_did_not_take(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    events = [DeskEvent(DeskEventKind.NUDGE, MONDAY_MORNING + timedelta(minutes=i)) for i in range(3)]
    for event in events:
        spool.append(event)
    with spool.path.open("a") as handle:
        handle.write('{"kind": "nudge", "started_at": "2026-11-23T09')  # a write cut short by a crash
    taken: list[DeskEvent] = []

    def flaky(event: DeskEvent) -> None:
        if len(taken) == 2:
            raise ConnectionError("journal away")
        taken.append(event)

    with pytest.raises(ConnectionError):
        spool.deliver(flaky)
    assert taken == events[:2]
    assert spool.pending() == events[2:]
    assert spool.deliver(taken.append) == 1
    assert taken == events and spool.pending() == []


def test_stats_sum_each_local_day_and_count_duplicates_once() -> None:
    now = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    bout = DeskEvent(DeskEventKind.SITTING_BOUT, now - timedelta(hours=3), now - timedelta(hours=2))
    events = [
        bout,
        bout,  # delivered twice
        DeskEvent(DeskEventKind.SITTING_BOUT, now - timedelta(minutes=50), now - timedelta(minutes=5)),
        DeskEvent(DeskEventKind.NUDGE, now - timedelta(hours=2, minutes=1)),
        DeskEvent(DeskEventKind.BREAK_TAKEN, now - timedelta(hours=2)),
        DeskEvent(DeskEventKind.NATURAL_BREAK, now - timedelta(minutes=5)),
        DeskEvent(DeskEventKind.SNOOZED, now - timedelta(hours=2, minutes=11)),
        DeskEvent(DeskEventKind.SITTING_BOUT, now - timedelta(days=2, hours=1), now - timedelta(days=2)),
        DeskEvent(DeskEventKind.SITTING_BOUT, now - timedelta(days=9, hours=1), now - timedelta(days=9)),
    ]
    week = summarise(events, now, UTC)
    assert len(week) == 7 and week[-1].day == now.date()
    today = week[-1]
    assert (today.sitting_minutes, today.longest_bout_minutes, today.bouts) == (105, 60, 2)
    assert (today.nudges, today.breaks_taken, today.natural_breaks, today.snoozes, today.breaks) == (1, 1, 1, 1, 2)
    assert week[-3].sitting_minutes == 60
    assert sum(day.sitting_minutes for day in week) == 165  # the one nine days ago is out


def test_the_config_survives_the_trip_through_the_environment() -> None:
    config = DeskConfig(every_minutes=45, deliver_command=["python", "-m", "x"], journal_options={"client": "ann"})
    assert DeskConfig.from_json(config.to_json()) == config
    assert json.loads(config.to_json())["every_minutes"] == 45
    assert config.settings().every_minutes == 45


def test_the_terminal_notifier_rings_and_prints() -> None:
    stream = io.StringIO()
    TerminalNotifier(stream).notify("Time to move", "Walk for a minute", urgent=True)
    assert stream.getvalue().startswith("\a\a") and "Walk for a minute" in stream.getvalue()
    choice = choose_notifier(native=False, terminal=stream)
    assert isinstance(choice.notifier, TerminalNotifier)


def test_the_open_bout_is_kept_on_disk_every_few_minutes_and_removed_once_recorded(tmp_path: Path) -> None:
    from psoascare.desk.service import CHECKPOINT_SECONDS, recover_open_bout

    runner, clock, source, _, spool, _ = make_runner(tmp_path)
    checkpoint = tmp_path / "open-bout.json"
    runner.checkpoint = checkpoint
    work_until(runner, clock, source, 20)
    written = DeskEvent.from_dict(json.loads(checkpoint.read_text()))
    assert written.kind is DeskEventKind.SITTING_BOUT and written.started_at == MONDAY_MORNING
    assert written.ended_at is not None
    behind = (clock.now() - written.ended_at).total_seconds()
    assert behind <= CHECKPOINT_SECONDS + 30  # at most one checkpoint interval (plus one look) behind

    # A crash now: the next start finds the bout, as far as it was written, and removes the file.
    assert recover_open_bout(checkpoint) == written
    assert not checkpoint.exists() and recover_open_bout(checkpoint) is None

    work_until(runner, clock, source, 40)
    assert checkpoint.exists()

    def ctrl_c(seconds: float) -> None:
        raise KeyboardInterrupt

    runner.wait = ctrl_c  # type: ignore[method-assign]
    runner.run()
    assert not checkpoint.exists()
    assert [event.kind for event in spool.pending()] == [DeskEventKind.SITTING_BOUT]


def test_a_half_written_checkpoint_is_dropped_not_fatal(tmp_path: Path) -> None:
    from psoascare.desk.service import recover_open_bout

    checkpoint = tmp_path / "open-bout.json"
    checkpoint.write_text('{"kind": "sitting_bout", "started_at": "2026-11-2')
    assert recover_open_bout(checkpoint) is None
    assert not checkpoint.exists()
