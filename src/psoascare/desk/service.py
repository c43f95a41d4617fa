"""The desk timer's foreground loop, in a process that imports only what it needs.

`psoascare desk` parses its options, checks the journal, then replaces itself (exec, same process id)
with `python -m psoascare.desk.service`, so the long-running process holds neither Typer, Django nor
the rest of the command line. Settings travel in the PSOASCARE_DESK_CONFIG environment variable.

The loop sleeps until the policy's next needed look (at most 30 s; the terminal wakes it only when
the person types), records each event in the spool as it happens, and hands the spool to a short-lived
helper process (`deliver_command`) at most every `deliver_every_minutes`, and at exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable
from psoascare.desk.activity.fallback import PlainTimerSource
from psoascare.desk.clock import Clock, SystemClock
from psoascare.desk.moves import SAFETY_NAME, MoveSuggester
from psoascare.desk.notify.base import Notifier
from psoascare.desk.policy import (
    SNOOZE_CHOICES_MINUTES,
    BreakTaken,
    DeskPolicy,
    NaturalBreak,
    Nudge,
    NudgeLevel,
    PolicyEvent,
    PolicySettings,
    SittingBout,
    Snoozed,
    SnoozeRefused,
    WorkingHours,
)
from psoascare.desk.records import DeskEvent, DeskEventKind, InvalidDeskEvent
from psoascare.desk.spool import SPOOL_NAME, Spool

CONFIG_VARIABLE = "PSOASCARE_DESK_CONFIG"
OPEN_BOUT_NAME = "desk-open-bout.json"
# How often the open bout is written down, so a crash or power cut loses at most this much sitting.
CHECKPOINT_SECONDS = 300.0
LOCK_NAME = "desk-timer.lock"
DELIVERY_TIMEOUT_SECONDS = 120
# What the timer runs with when neither the options nor the client's programme say otherwise.
DEFAULT_EVERY = 60
DEFAULT_DAYS = "mon-fri"
DEFAULT_HOURS = "08:00-18:00"


@dataclass
class DeskConfig:
    every_minutes: int = DEFAULT_EVERY
    work_days: str = DEFAULT_DAYS
    work_hours: str = DEFAULT_HOURS
    data_dir: str = ""
    recording: bool = False
    recording_description: str = "not recorded"
    source: str | None = None  # a backend name from the activity factory, or None to pick
    native_notifications: bool = True
    deliver_every_minutes: float = 15.0
    deliver_command: list[str] = field(default_factory=list)
    #: What the delivery helper passes to the journal besides data_dir: client, server, token.
    journal_options: dict[str, str | None] = field(default_factory=dict)

    def settings(self) -> PolicySettings:
        return PolicySettings(
            every_minutes=self.every_minutes, working_hours=WorkingHours.parse(self.work_days, self.work_hours)
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> DeskConfig:
        return cls(**json.loads(text))


class Stop(Exception):
    """SIGTERM (or the person typing q): leave the loop cleanly, recording the open bout."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise Stop


class DeskRunner:
    def __init__(
        self,
        policy: DeskPolicy,
        source: ActivitySource,
        notifier: Notifier,
        record: Callable[[DeskEvent], None],
        out: TextIO | None,
        keyboard: TextIO | None = None,
        deliver: Callable[[bool], None] | None = None,
        deliver_every_seconds: float = 900.0,
        monotonic: Callable[[], float] = time.monotonic,
        checkpoint: Path | None = None,
    ) -> None:
        self.policy = policy
        self.source = source
        self.notifier = notifier
        self.record = record
        self.out = out
        self.keyboard = keyboard
        self.deliver = deliver
        self.deliver_every_seconds = deliver_every_seconds
        self.monotonic = monotonic
        self.undelivered = False
        self._last_delivery = monotonic()
        self.checkpoint = checkpoint
        self._checkpointed: tuple[datetime, datetime] | None = None

    def say(self, text: str) -> None:
        if self.out is None:  # pythonw / no console at all
            return
        try:
            self.out.write(text + "\n")
            self.out.flush()
        except (OSError, ValueError):
            pass  # started without a terminal (autostart): the notifications carry the nudges

    def handle(self, events: list[PolicyEvent]) -> None:
        for event in events:
            # Recorded first: a notification that hangs or fails must not cost the record.
            self.record(event.to_record())
            self.undelivered = True
            if isinstance(event, Nudge):
                self.notifier.notify("Time to move", event.message(), urgent=event.level is NudgeLevel.FIRM)
                choices = (
                    f"type {' or '.join(map(str, SNOOZE_CHOICES_MINUTES))} + Enter to snooze, "
                    if event.snooze_allowed
                    else ""
                )
                self.say(
                    f"[{_clock_text(event.at)}] nudge ({event.level.name.lower()}): {choices}b + Enter once you are up"
                )
            elif isinstance(event, BreakTaken):
                self.say(
                    f"[{_clock_text(event.detected_at)}] break taken - well done. Counting again when you are back."
                )
            elif isinstance(event, NaturalBreak):
                when = _clock_text(event.detected_at)
                self.say(f"[{when}] away a while: a natural break. Counting again when you are back.")
            elif isinstance(event, SittingBout):
                seconds = (event.ended_at - event.started_at).total_seconds()
                length = f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"
                self.say(f"[{_clock_text(event.ended_at)}] sitting bout of {length} recorded")
            elif isinstance(event, Snoozed):
                self.say(f"[{_clock_text(event.at)}] snoozed for {event.minutes} min ({event.snoozes_in_row} in a row)")

    def answer(self, line: str) -> None:
        """One line the person typed: 5 / 10 snooze, b break, s status, q quit."""
        text = line.strip().lower()
        if not text:
            return
        if text in {"q", "quit"}:
            raise Stop
        if text in {"b", "break"}:
            self.handle(self.policy.take_break())
            return
        if text in {"s", "status"}:
            self.say(self.status())
            return
        if text.isdigit():
            try:
                self.handle([self.policy.snooze(int(text))])
            except (SnoozeRefused, ValueError) as refusal:
                self.say(f"cannot snooze: {refusal}")
            return
        self.say("commands: 5 or 10 (snooze minutes), b (break taken), s (status), q (quit)")

    def status(self) -> str:
        left = self.policy.seconds_until_nudge
        sitting = self.policy.sitting_seconds / 60
        if left is None:
            return f"{self.policy.state.value}: not counting"
        return f"{self.policy.state.value}: {sitting:.0f} min sitting, next nudge after {left / 60:.0f} more min"

    def step(self) -> float:
        """One look at the desk; returns how long to wait before the next."""
        try:
            sample = self.source.sample()
        except SourceUnavailable as lost:
            self.say(f"activity source lost ({lost}); carrying on as a plain timer")
            self.source.close()
            self.source = PlainTimerSource()
            sample = self.source.sample()
        self.handle(self.policy.update(sample))
        self._write_checkpoint()
        wait = self.policy.seconds_until_next_check()
        if self.undelivered and self.deliver is not None:
            due_in = self._last_delivery + self.deliver_every_seconds - self.monotonic()
            if due_in <= 0:
                self.deliver(False)
                self.undelivered = False
                self._last_delivery = self.monotonic()
            else:
                wait = min(wait, due_in)
        return wait

    def _write_checkpoint(self) -> None:
        """Keeps the open bout on disk (every few minutes, and gone once the bout is recorded)."""
        if self.checkpoint is None:
            return
        bout = self.policy.open_bout
        if bout is None:
            if self._checkpointed is not None:
                self.checkpoint.unlink(missing_ok=True)
                self._checkpointed = None
            return
        if (
            self._checkpointed is not None
            and self._checkpointed[0] == bout[0]
            and (bout[1] - self._checkpointed[1]).total_seconds() < CHECKPOINT_SECONDS
        ):
            return
        write_open_bout(self.checkpoint, DeskEvent(DeskEventKind.SITTING_BOUT, bout[0], bout[1]))
        self._checkpointed = bout

    def wait(self, seconds: float) -> None:
        """Sleeps, waking early only for a line typed at the terminal."""
        if self.keyboard is None:
            time.sleep(seconds)
            return
        readable, _, _ = select.select([self.keyboard], [], [], seconds)
        if readable:
            line = self.keyboard.readline()
            if not line:  # end of input: stop listening, keep timing
                self.keyboard = None
                return
            self.answer(line)

    def run(self, greeting: Sequence[str] = ()) -> None:
        """Says the greeting, then looks and waits until stopped; a stop even during the greeting closes cleanly."""
        try:
            for line in greeting:
                self.say(line)
            while True:
                self.wait(self.step())
        except (Stop, KeyboardInterrupt):
            pass
        finally:
            # Even a second Ctrl-C must not lose the open bout: ignore signals while closing.
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                # One last look, so the open bout runs to the latest input, not to the last check.
                with contextlib.suppress(SourceUnavailable):
                    self.handle(self.policy.update(self.source.sample()))
                self.handle(self.policy.close())
                self._write_checkpoint()  # the bout is in the spool now: its checkpoint goes
                if self.deliver is not None and self.undelivered:
                    self.deliver(True)
                self.source.close()
                self.notifier.close()
            finally:
                signal.signal(signal.SIGINT, previous)


def write_open_bout(path: Path, bout: DeskEvent) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(bout.as_dict()))
    os.replace(temporary, path)


def recover_open_bout(path: Path) -> DeskEvent | None:
    """The bout a timer that crashed was counting, as far as it was written down; removes the file."""
    if not path.exists():
        return None
    try:
        bout = DeskEvent.from_dict(json.loads(path.read_text()))
    except (ValueError, InvalidDeskEvent):
        bout = None  # half-written: nothing to save
    path.unlink(missing_ok=True)
    return bout


def _clock_text(moment: Any) -> str:
    return str(moment.astimezone().strftime("%H:%M"))


def _deliverer(config: DeskConfig, out: Callable[[str], None]) -> Callable[[bool], None]:
    running: list[subprocess.Popen[bytes]] = []

    def deliver(wait: bool) -> None:
        if running and running[0].poll() is None:
            if not wait:
                return  # the last delivery is still going; the next one picks up the rest
            running[0].wait(DELIVERY_TIMEOUT_SECONDS)
        running.clear()
        env = {**os.environ, CONFIG_VARIABLE: config.to_json()}
        process = subprocess.Popen(config.deliver_command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        running.append(process)
        if wait:
            try:
                code = process.wait(DELIVERY_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                code = -1
            if code != 0:
                out(f"the journal did not take every event yet; they stay in {Path(config.data_dir) / SPOOL_NAME}")

    return deliver


def _hold_single_instance_lock(data_dir: Path) -> Any:
    """One timer per data directory: a second one would count the same sitting twice.

    Returns the open lock file (kept open for the life of the process), or None when another timer holds
    it. Windows has no flock; there the check is skipped.
    """
    if sys.platform == "win32":
        return True
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / LOCK_NAME, "a+")  # noqa: SIM115 - held open until the process ends
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        print(f"a desk timer is already running for {data_dir} (pid {holder or 'unknown'})", file=sys.stderr)
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def main(clock: Clock | None = None) -> int:
    from psoascare.desk.activity.factory import choose_activity_source
    from psoascare.desk.notify.factory import choose_notifier

    config = DeskConfig.from_json(os.environ.get(CONFIG_VARIABLE, "{}"))
    data_dir = Path(config.data_dir)  # "" (no directory given) is the current directory
    lock = _hold_single_instance_lock(data_dir)
    if lock is None:
        return 1
    signal.signal(signal.SIGTERM, _raise_stop)
    out = sys.stdout
    # Typed answers need select() on the terminal, which Windows does not offer for consoles.
    interactive = sys.platform != "win32" and sys.stdin is not None and sys.stdin.isatty()
    source_choice = choose_activity_source(config.source)
    notifier_choice = choose_notifier(
        native=config.native_notifications, terminal=out if out is not None and out.isatty() else None
    )
    policy = DeskPolicy(clock or SystemClock(), config.settings(), MoveSuggester(safety_file=data_dir / SAFETY_NAME))
    spool = Spool(data_dir / SPOOL_NAME)
    checkpoint = data_dir / OPEN_BOUT_NAME
    leftover = recover_open_bout(checkpoint)
    if leftover is not None and config.recording:
        spool.append(leftover)  # the last run ended without closing its bout (crash, power cut)
    runner = DeskRunner(
        policy=policy,
        source=source_choice.source,
        notifier=notifier_choice.notifier,
        record=spool.append if config.recording else (lambda event: None),
        out=out,
        keyboard=sys.stdin if interactive else None,
        deliver=_deliverer(config, lambda text: runner.say(text))
        if config.recording and config.deliver_command
        else None,
        deliver_every_seconds=config.deliver_every_minutes * 60,
        checkpoint=checkpoint if config.recording else None,
    )
    runner.undelivered = leftover is not None and config.recording
    greeting = [
        f"PsoasCare desk timer (pid {os.getpid()}): a nudge after {config.every_minutes} min of sitting",
        f"  working hours: {config.work_days} {config.work_hours}",
        f"  activity: {source_choice.source.name}",
        *(f"    not used: {line}" for line in source_choice.passed_over),
    ]
    if not source_choice.source.can_see_activity:
        greeting.append("  it cannot see when you get up: type b + Enter after each break")
    greeting.append(f"  nudges: {notifier_choice.notifier.name}")
    greeting += [f"    not used: {line}" for line in notifier_choice.passed_over]
    greeting.append(f"  journal: {config.recording_description}")
    if interactive:
        greeting.append("  type 5 or 10 to snooze, b for a break taken, s for status, q or Ctrl-C to quit")
    runner.run(greeting)
    runner.say("desk timer stopped" + (" (open bout recorded)" if config.recording else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
