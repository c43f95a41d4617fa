"""`psoascare stretch`: play a guided routine in the terminal and record it in the journal.

The Typer command only parses options and prints; `run_stretch` does the work and is what tests call.
"""

from __future__ import annotations

import math
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from psoascare.cli.journal import JournalError, open_journal
from psoascare.knowledge.content import red_flags
from psoascare.routines import (
    Clock,
    Cue,
    RoutineError,
    RoutineTemplate,
    ScaledClock,
    Session,
    SessionRecord,
    State,
    build_plan,
    default_routines,
    get_routine,
)
from psoascare.routines.plan import Phase

EXIT_OK = 0
EXIT_RECORDING_FAILED = 1
EXIT_USAGE = 2
EXIT_SAFETY = 3  # the safety gate is shut: answer the questions, or the therapist must review the answers
EXIT_INTERRUPTED = 130  # what shells report for a program ended by Ctrl-C (128 + SIGINT)
TICK_SECONDS = 0.1  # real seconds between screen updates


class Journal(Protocol):
    """What this command needs of psoascare.cli.journal's journals."""

    recording: bool
    description: str

    def safety(self) -> dict[str, Any] | None: ...

    def record_stretch_session(self, record: SessionRecord) -> None: ...


JournalOpener = Callable[..., Journal]


class Speaker:
    """Speaks cues with espeak-ng without waiting for it; a newer cue cuts an unfinished older one."""

    def __init__(
        self,
        console: Console,
        *,
        enabled: bool,
        which: Callable[[str], str | None] = shutil.which,
        popen: Callable[..., Any] = subprocess.Popen,
    ) -> None:
        self._popen = popen
        self._current: Any = None
        self.program = which("espeak-ng") if enabled else None
        if enabled and self.program is None:
            console.print("[yellow]espeak-ng is not installed: cues are shown but not spoken.[/yellow]")

    def say(self, text: str) -> None:
        if self.program is None:
            return
        self._stop_current()
        try:
            self._current = self._popen(
                [self.program, "-s", "150", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self.program = None  # Broken install: stay quiet rather than fail the session.

    def _stop_current(self) -> None:
        if self._current is not None and self._current.poll() is None:
            self._current.terminate()
        self._current = None

    def close(self) -> None:
        # Let the last cue ("All done") finish, but never hang the terminal on it.
        if self._current is not None:
            try:
                self._current.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._current.terminate()


class Keys(Protocol):
    def wait(self, seconds: float) -> str | None:
        """Waits up to `seconds` for a key; returns 'pause', 'skip', 'stop' or None."""
        ...


# Single keys, no Enter needed. Ctrl-C still works as usual (cbreak mode keeps signals).
KEY_COMMANDS = {" ": "pause", "p": "pause", "s": "skip", "\x1b[C": "skip", "q": "stop", "\x1b": "stop"}


class TerminalKeys:
    """Reads key presses from a POSIX terminal in cbreak mode, restoring the terminal on exit.

    Inactive (`active` False) when stdin is not a terminal or on platforms without termios; the player
    then just waits.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        self.active = False
        self._saved: Any = None

    def __enter__(self) -> TerminalKeys:
        try:
            import termios
            import tty

            fd = self.stream.fileno()
            if os.isatty(fd):
                self._saved = termios.tcgetattr(fd)
                tty.setcbreak(fd)
                self.active = True
        except (ImportError, OSError, ValueError):
            self.active = False
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.active and self._saved is not None:
            import termios

            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
        self.active = False

    def wait(self, seconds: float) -> str | None:
        if not self.active:
            time.sleep(seconds)
            return None
        fd = self.stream.fileno()
        ready, _, _ = select.select([fd], [], [], seconds)
        if not ready:
            return None
        pressed = os.read(fd, 16).decode(errors="ignore")
        return KEY_COMMANDS.get(pressed) or KEY_COMMANDS.get(pressed[:1])


def _step_line(cue: Cue) -> str:
    step = cue.step
    if step is None:
        return f"[bold green]✔ {cue.text}[/bold green]"
    style = "bold cyan" if step.phase.is_work else "dim"
    return f"[{style}]▶ {cue.text}[/{style}]"


def _next_text(session: Session) -> str:
    upcoming = session.next_step
    if upcoming is None:
        return "next: finish"
    side = "" if upcoming.side == "both" or not upcoming.phase.is_work else f" {upcoming.side}"
    return f"next: {upcoming.phase.value}{side} ({upcoming.seconds:g} s)"


def play(
    session: Session,
    console: Console,
    *,
    sleep: Callable[[float], None] = time.sleep,
    seconds_scale: float = 1.0,
    speaker: Speaker | None = None,
    bell: bool = True,
    keys: Keys | None = None,
) -> SessionRecord:
    """Plays the session to its end, or abandons it on Ctrl-C (or q); returns its record either way."""

    def announce(cues: Sequence[Cue]) -> None:
        for cue in cues:
            console.print(_step_line(cue))
        if cues:
            if bell:
                console.bell()
            if speaker is not None:
                # Only the latest matters when several steps passed in one tick.
                speaker.say(cues[-1].text)

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("[bold]{task.fields[left]:>4.0f} s[/bold]"),
        TextColumn("[dim]{task.fields[upcoming]}[/dim]"),
        console=console,
        transient=True,
    )
    try:
        with progress:
            task = progress.add_task("", total=1.0, left=0.0, upcoming="")
            announce(session.start())
            while not session.state.is_over:
                step = session.current_step
                assert step is not None
                left = session.remaining_seconds()
                paused = session.state is State.PAUSED
                progress.update(
                    task,
                    description=step.label + (" [yellow](paused)[/yellow]" if paused else ""),
                    total=step.seconds,
                    completed=step.seconds - left,
                    left=math.ceil(left),  # a countdown shows 1 until the very end, never 0
                    upcoming=_next_text(session),
                )
                delay = max(0.001, min(TICK_SECONDS, left * seconds_scale))
                command = None
                if keys is not None:
                    command = keys.wait(delay)
                else:
                    sleep(delay)
                if command == "pause":
                    session.toggle_pause()
                    if session.state is State.PAUSED:
                        console.print("[yellow]Paused: press space to go on.[/yellow]")
                    elif not session.state.is_over:
                        console.print("Going on.")
                elif command == "skip":
                    console.print("[dim]Skipped.[/dim]")
                    announce(session.skip())
                elif command == "stop":
                    raise KeyboardInterrupt
                announce(session.tick())
    except KeyboardInterrupt:
        session.abandon()
        console.print("[yellow]Stopped. What you did so far is kept.[/yellow]")
    return session.record()


def _summary(record: SessionRecord) -> str:
    holds = [s for s in record.steps if s.kind != Phase.RELAX.value]
    done = sum(s.done_seconds for s in holds)
    planned = sum(s.planned_seconds for s in holds)
    skipped = sum(1 for s in record.steps if s.skipped)
    state = "Finished" if record.completed else "Abandoned"
    extra = f", {skipped} skipped" if skipped else ""
    return f"{state}: {len(holds)} steps worked, {done:.0f} of {planned:.0f} s{extra}."


def open_default_journal(**kwargs: Any) -> Journal:
    """The journal the main app provides (local database or clinic server)."""
    journal: Journal = open_journal(**kwargs)
    return journal


def run_stretch(
    routine_slug: str,
    *,
    seconds_scale: float = 1.0,
    voice: bool = True,
    client: str | None = None,
    data_dir: Path | None = None,
    server: str | None = None,
    token: str | None = None,
    console: Console | None = None,
    clock: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
    speaker: Speaker | None = None,
    journal_opener: JournalOpener | None = open_default_journal,
    routine: RoutineTemplate | None = None,
    keys: Keys | None = None,
) -> int:
    """Plays a routine and records it; returns the exit code (0 done, 130 stopped, 1 not saved, 2 usage)."""
    console = console or Console()
    if not seconds_scale > 0:
        console.print("[red]Error:[/red] --seconds-scale must be more than 0.")
        return EXIT_USAGE
    if bool(server) != bool(token):
        console.print("[red]Error:[/red] --server and --token go together.")
        return EXIT_USAGE
    try:
        routine = routine or get_routine(routine_slug)
        plan = build_plan(routine)
    except RoutineError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        return EXIT_USAGE

    journal: Journal | None = None
    if journal_opener is not None:
        try:
            journal = journal_opener(data_dir=data_dir, client=client, server=server, token=token)
            gate = journal.safety()
        except JournalError as exc:
            console.print(f"[red]Not starting:[/red] {exc}")
            return EXIT_SAFETY if server else EXIT_USAGE
        if gate is not None and not gate["allows_exercise"]:
            _say_gate_shut(console, gate)
            return EXIT_SAFETY
        if not journal.recording:
            console.print(f"[yellow]Journal: {journal.description}.[/yellow]")
            journal = None

    console.print(f"[bold]{plan.title}[/bold]  ({plan.total_seconds / 60:.1f} min)")
    console.print(f"[dim]{red_flags(emergency_number()).wording.exercise_note}[/dim]")
    if seconds_scale != 1.0:
        console.print(
            f"[yellow]Preview: time runs ×{1 / seconds_scale:g} (--seconds-scale {seconds_scale:g}); "
            "a preview is not recorded and ticks nothing.[/yellow]"
        )
        journal = None
    if keys is not None:
        console.print("[dim]Keys: space pauses and resumes, s skips a step, q stops.[/dim]")
    console.print("[dim]Ctrl-C stops; what you did so far is kept.[/dim]")

    clock = clock or ScaledClock(seconds_scale)
    # The record's start and end follow the session's own clock, so its times and its holds agree.
    wall_start, clock_start = datetime.now(UTC), clock.now()
    session = Session(plan, clock, utc_now=lambda: wall_start + timedelta(seconds=clock.now() - clock_start))
    speaker = speaker or Speaker(console, enabled=voice)
    try:
        record = play(session, console, sleep=sleep, seconds_scale=seconds_scale, speaker=speaker, keys=keys)
    finally:
        speaker.close()
    console.print(_summary(record))

    code = EXIT_OK if record.completed else EXIT_INTERRUPTED
    if record.done_seconds == 0:
        console.print("[yellow]Stopped before the first hold: nothing recorded.[/yellow]")
        return code
    if journal is None:
        console.print("[yellow]This session was not recorded.[/yellow]")
        return code
    try:
        journal.record_stretch_session(record)
    except Exception as exc:  # Same boundary as above: tell the client plainly, keep the exit code honest.
        console.print(f"[red]Could not save the session to the journal:[/red] {exc}")
        return code if code != EXIT_OK else EXIT_RECORDING_FAILED
    console.print(f"Saved to the journal ({journal.description}).")
    waiting = getattr(journal, "waiting", 0)  # remote journals queue records while the server is away
    if waiting:
        console.print(f"[yellow]{waiting} record(s) wait to be sent to the server next time.[/yellow]")
    return code


def emergency_number() -> str:
    """The clinic's emergency number, from the same variable and check the web app uses."""
    from psoascare.web.env import env_emergency_number

    return env_emergency_number("PSOASCARE_EMERGENCY_NUMBER")


def _say_gate_shut(console: Console, gate: dict[str, Any]) -> None:
    if gate["paused"]:
        console.print(f"[bold red]{gate['title']}[/bold red]")
        console.print(f"[bold]{gate['action']}[/bold]")
    console.print(gate["message"])
    if gate["screening_due"]:
        console.print("Answer them on the Today page of PsoasCare, then start the routine again.")


def list_routines(console: Console) -> None:
    table = Table(title="Routines")
    for column in ("routine", "title", "mode", "when", "length"):
        table.add_column(column)
    for routine in default_routines().values():
        when = ", ".join(t.strftime("%H:%M") for t in routine.times) or "—"
        length = build_plan(routine).total_seconds / 60
        table.add_row(routine.slug, routine.title, routine.mode, when, f"{length:.1f} min")
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command("stretch")
    def stretch_command(
        routine: str = typer.Argument("bed-edge", help="Routine to play (see --list)."),
        seconds_scale: float = typer.Option(
            1.0, "--seconds-scale", help="Multiply every duration (0.01 plays a routine 100× faster)."
        ),
        voice: bool = typer.Option(True, "--voice/--no-voice", help="Speak the cues with espeak-ng."),
        client: str | None = typer.Option(None, "--client", help="Record for this client (username)."),
        data_dir: Path | None = typer.Option(None, "--data-dir", help="Data directory of the local journal."),
        server: str | None = typer.Option(None, "--server", help="Clinic server URL to record to."),
        token: str | None = typer.Option(None, "--token", help="API token for --server."),
        list_only: bool = typer.Option(False, "--list", help="List the routines and exit."),
    ) -> None:
        """Play a guided stretching routine with a countdown, and record it in the journal."""
        if list_only:
            list_routines(Console())
            return
        with TerminalKeys() as terminal:
            code = run_stretch(
                routine,
                seconds_scale=seconds_scale,
                voice=voice,
                client=client,
                data_dir=data_dir,
                server=server,
                token=token,
                keys=terminal if terminal.active else None,
            )
        if code:
            raise typer.Exit(code)
