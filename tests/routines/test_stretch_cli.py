"""`psoascare stretch`: the runner called directly (fake clock, fake journal), and the real command in a
pseudo-terminal, finishing and stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from psoascare.cli.journal import JournalError, NotRecording
from psoascare.cli.stretch import Speaker, run_stretch
from psoascare.routines import FakeClock, SessionRecord

PSOASCARE = Path(sys.executable).with_name("psoascare")


OPEN_GATE = {"allows_exercise": True, "paused": False, "screening_due": None}


class FakeJournal:
    recording = True
    description = "recorded for alice in the test"

    def __init__(self, gate: dict[str, Any] | None = None) -> None:
        self.records: list[SessionRecord] = []
        self.gate = gate or OPEN_GATE

    def safety(self) -> dict[str, Any] | None:
        return self.gate

    def record_stretch_session(self, record: SessionRecord) -> None:
        self.records.append(record)


def quiet_console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120, force_terminal=False, color_system=None), out


def fake_time(scale: float = 1.0, interrupt_after: float | None = None) -> tuple[FakeClock, Callable[[float], None]]:
    """A fake clock in routine seconds and a sleep that moves it (and may raise Ctrl-C at some point)."""
    clock = FakeClock()

    def sleep(real_seconds: float) -> None:
        clock.advance(real_seconds / scale)
        if interrupt_after is not None and clock.now() >= interrupt_after:
            raise KeyboardInterrupt

    return clock, sleep


def run(**kwargs: Any) -> tuple[int, str, FakeJournal]:
    console, out = quiet_console()
    journal = FakeJournal()
    clock, sleep = fake_time(interrupt_after=kwargs.pop("interrupt_after", None))
    code = run_stretch(
        kwargs.pop("routine", "bed-edge"),
        console=console,
        clock=clock,
        sleep=sleep,
        voice=False,
        journal_opener=kwargs.pop("journal_opener", lambda **_: journal),
        **kwargs,
    )
    return code, out.getvalue(), journal


def test_it_plays_the_routine_and_records_it() -> None:
    code, output, journal = run()
    assert code == 0
    assert "Left leg: let it hang… 30 seconds" in output and "Switch sides" in output
    assert "Saved to the journal (recorded for alice in the test)." in output
    (record,) = journal.records
    assert record.completed and record.routine_slug == "bed-edge"
    assert [(s.side, s.rep, s.done_seconds) for s in record.steps] == [
        ("left", 1, 30),
        ("right", 1, 30),
        ("left", 2, 30),
        ("right", 2, 30),
    ]


def test_it_records_an_abandoned_session_on_ctrl_c() -> None:
    code, output, journal = run(interrupt_after=15 + 30 + 15 + 10)
    assert code == 130
    assert "Stopped" in output and "Abandoned" in output
    (record,) = journal.records
    assert not record.completed
    assert [(s.side, s.done_seconds) for s in record.steps] == [
        ("left", 30),
        ("right", pytest.approx(10, abs=0.2)),
    ]  # the fake sleep moves in 0.1 s ticks


def test_it_still_runs_when_there_is_no_client() -> None:
    code, output, _ = run(journal_opener=lambda **_: NotRecording("no client account in /tmp/x"))
    assert code == 0
    assert "Journal: not recorded: no client account in /tmp/x" in output
    assert "Finished" in output and "This session was not recorded." in output


def test_it_does_not_start_when_it_cannot_tell_whose_safety_answers_apply() -> None:
    def ambiguous(**_: Any) -> FakeJournal:
        raise JournalError("several clients in /tmp/x: say which with --client USERNAME")

    code, output, _ = run(journal_opener=ambiguous)
    assert code == 2
    assert "Not starting: several clients in /tmp/x: say which with --client USERNAME" in output
    assert "Left leg" not in output


def test_it_does_not_start_while_the_safety_gate_is_shut() -> None:
    paused = {
        "allows_exercise": False,
        "paused": True,
        "screening_due": None,
        "title": "Emergency: get medical help now",
        "action": "Go to A&E (the emergency department) or call 999 now.",
        "message": "Your exercises are paused because of your answers to the safety questions.",
    }
    journal = FakeJournal(gate=paused)
    code, output, _ = run(journal_opener=lambda **_: journal)
    assert code == 3
    assert "Go to A&E (the emergency department) or call 999 now." in output
    assert "Left leg" not in output and not journal.records
    due = {"allows_exercise": False, "paused": False, "screening_due": "first-login", "message": "Please answer"}
    code, output, _ = run(journal_opener=lambda **_: FakeJournal(gate=due))
    assert code == 3 and "Answer them on the Today page" in output


def test_a_faster_preview_is_not_recorded() -> None:
    console, out = quiet_console()
    journal = FakeJournal()
    clock, sleep = fake_time(scale=0.01)
    code = run_stretch(
        "bed-edge",
        console=console,
        clock=clock,
        sleep=sleep,
        voice=False,
        journal_opener=lambda **_: journal,
        seconds_scale=0.01,
    )
    assert code == 0
    assert "a preview is not recorded and ticks nothing" in out.getvalue()
    assert journal.records == []


def test_stopping_before_the_first_hold_records_nothing() -> None:
    code, output, journal = run(interrupt_after=5)  # still getting into position (15 s)
    assert code == 130
    assert "Stopped before the first hold: nothing recorded." in output
    assert journal.records == []


def test_it_exits_1_when_the_journal_refuses_a_finished_session() -> None:
    class Broken(FakeJournal):
        def record_stretch_session(self, record: SessionRecord) -> None:
            raise OSError("disk full")

    code, output, _ = run(journal_opener=lambda **_: Broken())
    assert code == 1 and "Could not save the session to the journal: disk full" in output


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"routine": "nope"}, "no routine called 'nope'"),
        ({"seconds_scale": 0}, "--seconds-scale must be more than 0"),
        ({"server": "https://clinic.example"}, "--server and --token go together"),
    ],
)
def test_it_rejects_bad_options(kwargs: dict[str, Any], message: str) -> None:
    code, output, journal = run(**kwargs)
    assert code == 2 and message in output and not journal.records


def test_it_passes_who_and_where_to_the_journal() -> None:
    seen: dict[str, Any] = {}

    def opener(**kwargs: Any) -> FakeJournal:
        seen.update(kwargs)
        return FakeJournal()

    run(journal_opener=opener, client="alice", data_dir=Path("/tmp/x"))
    assert seen == {"data_dir": Path("/tmp/x"), "client": "alice", "server": None, "token": None}


def test_the_speaker_says_so_when_espeak_is_missing() -> None:
    console, out = quiet_console()
    speaker = Speaker(console, enabled=True, which=lambda _: None)
    speaker.say("Switch sides")  # must not fail
    assert "espeak-ng is not installed" in out.getvalue()


def test_the_speaker_starts_espeak_without_waiting_and_cuts_an_old_cue() -> None:
    started: list[FakeProcess] = []

    class FakeProcess:
        def __init__(self, args: list[str], **_: Any) -> None:
            self.args, self.terminated = args, False
            started.append(self)

        def poll(self) -> int | None:
            return None  # still speaking

        def terminate(self) -> None:
            self.terminated = True

        def wait(self, timeout: float) -> int:
            return 0

    console, _ = quiet_console()
    speaker = Speaker(console, enabled=True, which=lambda _: "/usr/bin/espeak-ng", popen=FakeProcess)
    speaker.say("Left leg: let it hang… 30 seconds")
    speaker.say("Switch sides")
    assert [p.args[-1] for p in started] == ["Left leg: let it hang… 30 seconds", "Switch sides"]
    assert started[0].terminated and not started[1].terminated


# --- the real command in a pseudo-terminal ------------------------------------------------------------


@contextmanager
def spawn_in_pty(args: list[str], tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The command running in a pseudo-terminal; on the way out the terminal is closed and the command killed."""
    master, slave = pty.openpty()
    env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path), "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen(
        [str(PSOASCARE), *args], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    try:
        yield process, master
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()


def read_until(master: int, process: subprocess.Popen[bytes], done: Callable[[str], bool], limit: float) -> str:
    """Reads the terminal until `done(output)` or the process ends and the pty is drained."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other end closed
                break
            if not data:
                break
            chunks.append(data)
            if done(b"".join(chunks).decode(errors="replace")):
                break
        elif process.poll() is not None:
            break
    return ANSI.sub("", b"".join(chunks).decode(errors="replace"))


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.mark.skipif(not PSOASCARE.exists(), reason="the psoascare script is not installed in this venv")
def test_the_command_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    # Slow enough (×10) that the SIGINT lands mid-routine.
    with spawn_in_pty(["stretch", "bed-edge", "--seconds-scale", "0.1", "--no-voice"], tmp_path) as (process, master):
        before = read_until(master, process, lambda text: "Left leg: let it hang" in text, limit=60)
        assert "Left leg: let it hang" in before, before
        process.send_signal(signal.SIGINT)
        after = read_until(master, process, lambda _: False, limit=30)
        code = process.wait(timeout=30)
    assert code == 130, before + after
    assert "Abandoned" in after and "Traceback" not in after
    # A fresh data directory has no client: the routine still ran, and says it was not recorded.
    assert "Journal: not recorded: no client account" in before
    assert "This session was not recorded." in after


DJANGO_SETUP = """
import sys
from psoascare.web.bootstrap import migrate, setup_django
setup_django(sys.argv[1])
migrate()
from psoascare.web.accounts.models import create_client
create_client("erin", "erin@example.org", "correct horse battery staple", therapist=None)
"""
DJANGO_QUERY = """
import json, sys
from psoascare.web.bootstrap import setup_django
setup_django(sys.argv[1])
from psoascare.web.journal.models import StretchSession
print(json.dumps([[s.client.username, s.routine_slug, s.completed, s.source, len(s.steps)]
                  for s in StretchSession.objects.all()]))
"""


DJANGO_SCREEN = """
import sys
from psoascare.web.bootstrap import setup_django
setup_django(sys.argv[1])
from django.contrib.auth.models import User
from psoascare.web.journal.safety import screen
screen(User.objects.get(username="erin"), "first-login", {sys.argv[2]: sys.argv[3] == "yes"})
"""
# The real command's code path (local journal, safety gate, record) in zero time: a fake clock, as tests do.
PLAY_WITH_FAKE_CLOCK = """
import sys
from pathlib import Path
from psoascare.cli.stretch import run_stretch
from psoascare.routines import FakeClock
clock = FakeClock()
sys.exit(run_stretch("bed-edge", client="erin", data_dir=Path(sys.argv[1]), voice=False, clock=clock,
                     sleep=lambda seconds: clock.advance(seconds)))
"""


def _stored(tmp_path: Path, env: dict[str, str]) -> Any:
    query = [sys.executable, "-c", DJANGO_QUERY, str(tmp_path)]
    return json.loads(subprocess.run(query, env=env, check=True, capture_output=True, text=True).stdout)


@pytest.mark.skipif(not PSOASCARE.exists(), reason="the psoascare script is not installed in this venv")
def test_the_command_goes_through_the_safety_gate_and_records_only_real_sessions(tmp_path: Path) -> None:
    env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", DJANGO_SETUP, str(tmp_path)], env=env, check=True, timeout=120)
    args = ["stretch", "bed-edge", "--seconds-scale", "0.01", "--no-voice", "--client", "erin", "--data-dir"]
    # Erin has not answered the first-log-in questions yet: the command does not start.
    with spawn_in_pty([*args, str(tmp_path)], tmp_path) as (process, master):
        output = read_until(master, process, lambda _: False, limit=60)
        assert process.wait(timeout=30) == 3, output
    assert "Please answer the safety questions before you exercise." in output and "Left leg" not in output
    # All "no": the routine plays, but at 100x it is a preview, and a preview is not recorded.
    subprocess.run([sys.executable, "-c", DJANGO_SCREEN, str(tmp_path), "bladder", "no"], env=env, check=True)
    with spawn_in_pty([*args, str(tmp_path)], tmp_path) as (process, master):
        output = read_until(master, process, lambda _: False, limit=60)
        code = process.wait(timeout=30)
    assert code == 0, output
    for text in ("Left leg: let it hang… 30 seconds", "Switch sides", "Right leg", "Rest, 15 seconds", "Finished"):
        assert text in output
    assert "\a" in output  # the terminal bell at each change
    assert "a preview is not recorded" in output and _stored(tmp_path, env) == []
    # At real speed (a fake clock, so no waiting) it is recorded in the local journal.
    played = subprocess.run(
        [sys.executable, "-c", PLAY_WITH_FAKE_CLOCK, str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert played.returncode == 0, played.stdout + played.stderr
    assert "Saved to the journal (recorded for erin" in played.stdout
    assert _stored(tmp_path, env) == [["erin", "bed-edge", True, "cli", 4]]
    # A red flag answered later shuts the gate for the command too, with the emergency wording.
    subprocess.run([sys.executable, "-c", DJANGO_SCREEN, str(tmp_path), "both-legs", "yes"], env=env, check=True)
    with spawn_in_pty([*args, str(tmp_path)], tmp_path) as (process, master):
        output = read_until(master, process, lambda _: False, limit=60)
        assert process.wait(timeout=30) == 3, output
    assert "call 999 now" in output


class ScriptedKeys:
    """Presses keys at given routine times, moving the fake clock as the player waits."""

    def __init__(self, clock: FakeClock, presses: list[tuple[float, str]]) -> None:
        self.clock, self.presses = clock, sorted(presses)

    def wait(self, seconds: float) -> str | None:
        self.clock.advance(seconds)
        if self.presses and self.clock.now() >= self.presses[0][0]:
            return self.presses.pop(0)[1]
        return None


def test_it_pauses_skips_and_stops_from_keys() -> None:
    console, out = quiet_console()
    journal = FakeJournal()
    clock = FakeClock()
    # 20 s into the first hold (prepare is 15 s): pause for 100 s, go on, skip at 25 s, stop at 45 s.
    keys = ScriptedKeys(clock, [(20, "pause"), (120, "pause"), (125, "skip"), (145, "stop")])
    code = run_stretch(
        "bed-edge", console=console, clock=clock, voice=False, journal_opener=lambda **_: journal, keys=keys
    )
    output = out.getvalue()
    assert code == 130
    assert "Paused: press space to go on." in output and "Going on." in output and "Skipped." in output
    assert "Keys: space pauses and resumes" in output
    (record,) = journal.records
    # Left: 5 s before the pause + 5 s after (the 100 s pause does not count), then skipped; a 15 s switch;
    # right: 5 s when q was pressed.
    assert [(s.side, s.skipped, round(s.done_seconds)) for s in record.steps] == [
        ("left", True, 10),
        ("right", False, 5),
    ]


@pytest.mark.skipif(not PSOASCARE.exists(), reason="the psoascare script is not installed in this venv")
def test_the_command_reads_keys_in_a_terminal(tmp_path: Path) -> None:
    with spawn_in_pty(["stretch", "bed-edge", "--seconds-scale", "0.1", "--no-voice"], tmp_path) as (process, master):
        output = read_until(master, process, lambda text: "Left leg: let it hang" in text, limit=60)
        os.write(master, b" ")
        output += read_until(master, process, lambda text: "Paused" in text, limit=30)
        os.write(master, b" ")
        output += read_until(master, process, lambda text: "Going on" in text, limit=30)
        os.write(master, b"s")
        output += read_until(master, process, lambda text: "Switch sides" in text, limit=30)
        os.write(master, b"q")
        output += read_until(master, process, lambda _: False, limit=30)
        code = process.wait(timeout=30)
    assert code == 130, output
    for text in ("Paused: press space to go on.", "Going on.", "Skipped.", "Switch sides", "Abandoned"):
        assert text in output
