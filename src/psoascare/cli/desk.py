"""`psoascare desk`: the sitting timer in the foreground, its weekly stats, and start-at-login.

The command parses, checks the journal, then hands over to `psoascare.desk.service` by exec: the
long-running timer then holds neither Typer, Django nor the other command groups (see the benchmark).
Run as `python -m psoascare.cli.desk deliver`, this module is also the short-lived helper that moves
spooled desk events into the journal.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from psoascare.cli.journal import Journal, JournalError, open_journal
from psoascare.desk.activity.factory import BACKENDS
from psoascare.desk.autostart.factory import autostart_for
from psoascare.desk.moves import SAFETY_NAME, write_safety
from psoascare.desk.policy import MAX_EVERY_MINUTES, MIN_EVERY_MINUTES, InvalidSettings, PolicySettings, WorkingHours
from psoascare.desk.records import DeskEvent
from psoascare.desk.service import CONFIG_VARIABLE, DEFAULT_DAYS, DEFAULT_EVERY, DEFAULT_HOURS, DeskConfig
from psoascare.desk.spool import SPOOL_NAME, Spool
from psoascare.desk.stats import DaySummary, summarise, week_start

EXIT_USAGE = 2
PROGRAMME_TIMEOUT_SECONDS = 5.0
SOURCES = tuple(BACKENDS)  # the activity factory's backend names
BAR_WIDTH = 30

desk_app = typer.Typer(
    help="The desk timer: a nudge to get up after N minutes of sitting (default 60), aware of real activity.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _data_dir(data_dir: Path | None) -> Path:
    from psoascare.paths import data_dir as default_data_dir

    return data_dir.expanduser().resolve() if data_dir is not None else default_data_dir()


def deliver_spool(journal: Journal, spool: Spool, warn: Callable[[str], None]) -> int:
    """Moves spooled events into the journal; an event the server refuses for good is dropped, with a warning."""

    def record(event: DeskEvent) -> None:
        try:
            journal.record_desk_event(event)
        except JournalError as refused:
            warn(f"dropped a desk event the journal refused: {refused}")

    return spool.deliver(record)


def autostart_command(
    *, every: int | None, work_days: str | None, work_hours: str | None, data_dir: Path | None,
    client: str | None, server: str | None, token: str | None, source: str | None,
) -> list[str]:  # fmt: skip
    """The command line the login session runs: this installation's `psoascare desk` with the options given.

    Options left out stay out, so the timer started at login still follows the programme as it changes.
    """
    script = Path(sys.executable).with_name("psoascare")
    program = [str(script)] if script.exists() else [shutil.which("psoascare") or "psoascare"]
    command = [*program, "desk"]
    given = (
        ("--every", every), ("--days", work_days), ("--hours", work_hours), ("--data-dir", data_dir),
        ("--client", client), ("--server", server), ("--token", token), ("--source", source),
    )  # fmt: skip
    for flag, value in given:
        if value is not None and value != "":
            command += [flag, str(value)]
    return command


@dataclass(frozen=True)
class ProgrammeTimes:
    """What the client's programme says about desk breaks; None where it says nothing."""

    every: int | None = None
    work_days: str | None = None
    work_hours: str | None = None


def refresh_safety(journal: Journal, directory: Path, warn: Callable[[str], None]) -> None:
    """Writes the client's safety gate where the timer reads it before each nudge (the last known one stays
    when the server cannot be reached)."""
    try:
        gate = journal.safety()
    except JournalError as exc:
        warn(f"the desk timer keeps the last known safety answers: {exc}")
        return
    write_safety(directory / SAFETY_NAME, gate)


def programme_times(journal: Journal) -> ProgrammeTimes:
    """The therapist's settings for this client: from the local database, or the server's /api/programme."""
    client_id = getattr(journal, "client_id", None)
    if client_id is not None:
        from psoascare.web.programs.models import WEEKDAY_NAMES, Assignment

        assignment = Assignment.objects.filter(client_id=client_id).first()
        if assignment is None:
            return ProgrammeTimes()
        return ProgrammeTimes(
            every=assignment.move_every_minutes,
            work_days=",".join(WEEKDAY_NAMES[int(day)] for day in sorted(assignment.work_days)) or None,
            work_hours=f"{assignment.work_start:%H:%M}-{assignment.work_end:%H:%M}",
        )
    server, token = getattr(journal, "server", None), getattr(journal, "token", None)
    if server and token:
        request = urllib.request.Request(f"{server}/api/programme", headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=PROGRAMME_TIMEOUT_SECONDS) as response:
                every = json.loads(response.read()).get("move_every_minutes")
        except (urllib.error.URLError, OSError, ValueError, AttributeError):
            return ProgrammeTimes()  # offline or no programme: the defaults will do
        return ProgrammeTimes(every=every if isinstance(every, int) else None)
    return ProgrammeTimes()


def run_desk(
    *,
    every: int | None = None,
    work_days: str | None = None,
    work_hours: str | None = None,
    data_dir: Path | None = None,
    client: str | None = None,
    server: str | None = None,
    token: str | None = None,
    source: str | None = None,
    native: bool = True,
    install_autostart: bool = False,
    uninstall_autostart: bool = False,
    console: Console | None = None,
    journal_opener: Callable[..., Journal] = open_journal,
    exec_service: Callable[[DeskConfig], int] | None = None,
) -> int:
    console = console or Console()
    try:
        PolicySettings(
            every_minutes=DEFAULT_EVERY if every is None else every,
            working_hours=WorkingHours.parse(work_days or DEFAULT_DAYS, work_hours or DEFAULT_HOURS),
        )
    except InvalidSettings as exc:
        console.print(f"[red]Error:[/red] {exc}")
        return EXIT_USAGE
    if bool(server) != bool(token):
        console.print("[red]Error:[/red] --server and --token go together.")
        return EXIT_USAGE
    if source is not None and source not in SOURCES:
        console.print(f"[red]Error:[/red] --source must be one of {', '.join(SOURCES)}.")
        return EXIT_USAGE
    if install_autostart and uninstall_autostart:
        console.print("[red]Error:[/red] choose one of --install-autostart and --uninstall-autostart.")
        return EXIT_USAGE
    if install_autostart or uninstall_autostart:
        autostart = autostart_for()
        if uninstall_autostart:
            removed = autostart.uninstall()
            console.print(f"Removed {removed}." if removed else f"Nothing to remove ({autostart.path} is not there).")
            return 0
        command = autostart_command(
            every=every, work_days=work_days, work_hours=work_hours, data_dir=data_dir, client=client,
            server=server, token=token, source=source,
        )  # fmt: skip
        path = autostart.install(command)
        if token:
            path.chmod(0o600)  # it holds the API token
        console.print(f"Installed {autostart.name}: {path}\nIt runs at login: {' '.join(command)}")
        return 0

    directory = _data_dir(data_dir)
    try:
        journal = journal_opener(data_dir=directory, client=client, server=server, token=token)
    except JournalError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        return EXIT_USAGE
    if every is None or work_days is None or work_hours is None:
        programme = programme_times(journal) if journal.recording else ProgrammeTimes()
        chosen = []
        if every is None and programme.every is not None and MIN_EVERY_MINUTES <= programme.every <= MAX_EVERY_MINUTES:
            every = programme.every
            chosen.append(f"a move every {every} min")
        if work_days is None and work_hours is None and programme.work_days and programme.work_hours:
            work_days, work_hours = programme.work_days, programme.work_hours
            chosen.append(f"working hours {work_days} {work_hours}")
        if chosen:
            console.print(f"From your programme: {', '.join(chosen)}.")
    every = DEFAULT_EVERY if every is None else every
    work_days, work_hours = work_days or DEFAULT_DAYS, work_hours or DEFAULT_HOURS
    refresh_safety(journal, directory, lambda text: console.print(f"[yellow]{text}[/yellow]"))
    if journal.recording:
        # Events left over from a run that ended abruptly go in before new ones.
        deliver_spool(journal, Spool(directory / SPOOL_NAME), lambda text: console.print(f"[yellow]{text}[/yellow]"))
    config = DeskConfig(
        every_minutes=every,
        work_days=work_days,
        work_hours=work_hours,
        data_dir=str(directory),
        recording=journal.recording,
        recording_description=journal.description,
        source=source,
        native_notifications=native,
        deliver_command=[sys.executable, "-m", "psoascare.cli.desk", "deliver"],
        journal_options={"client": client, "server": server, "token": token},
    )
    return (exec_service or _exec_service)(config)


def _exec_service(config: DeskConfig) -> int:
    """Replaces this process with the lean timer process (same pid: Ctrl-C and SIGTERM reach it)."""
    sys.stdout.flush()
    sys.stderr.flush()
    env = {**os.environ, CONFIG_VARIABLE: config.to_json()}
    os.execve(sys.executable, [sys.executable, "-m", "psoascare.desk.service"], env)
    return 1  # not reached


def _bar(minutes: float, scale: float) -> str:
    filled = 0 if scale <= 0 else round(BAR_WIDTH * minutes / scale)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def _hours(minutes: float) -> str:
    return f"{int(minutes // 60)}:{int(minutes % 60):02d}"


def render_stats(summaries: Sequence[DaySummary], console: Console, description: str) -> None:
    today = summaries[-1]
    console.print(
        f"[bold]Today[/bold]: {_hours(today.sitting_minutes)} h sitting in {today.bouts} bout(s), "
        f"longest {today.longest_bout_minutes:.0f} min; {today.breaks_taken} break(s) after a nudge, "
        f"{today.natural_breaks} natural break(s); {today.nudges} nudge(s), {today.snoozes} snooze(s)."
    )
    table = Table(title="The last 7 days", caption=description)
    for column in ("day", "sitting", "", "longest", "breaks", "nudges", "snoozes"):
        table.add_column(column, justify="right" if column not in ("day", "") else "left")
    scale = max([s.sitting_minutes for s in summaries] + [60.0])
    for summary in summaries:
        table.add_row(
            summary.day.strftime("%a %d %b"),
            _hours(summary.sitting_minutes),
            f"[cyan]{_bar(summary.sitting_minutes, scale)}[/cyan]",
            f"{summary.longest_bout_minutes:.0f} min",
            str(summary.breaks),
            str(summary.nudges),
            str(summary.snoozes),
        )
    console.print(table)


def run_stats(
    *,
    as_json: bool = False,
    data_dir: Path | None = None,
    client: str | None = None,
    server: str | None = None,
    token: str | None = None,
    console: Console | None = None,
    journal_opener: Callable[..., Journal] = open_journal,
    now: datetime | None = None,
) -> int:
    console = console or Console()
    directory = _data_dir(data_dir)
    try:
        journal = journal_opener(data_dir=directory, client=client, server=server, token=token)
    except JournalError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        return EXIT_USAGE
    if not journal.recording:
        console.print(f"[yellow]No desk stats: {journal.description}.[/yellow]")
        return 1
    deliver_spool(journal, Spool(directory / SPOOL_NAME), lambda text: console.print(f"[yellow]{text}[/yellow]"))
    now = now or datetime.now(UTC)
    summaries = summarise(journal.desk_events(since=week_start(now)), now)
    if as_json:
        payload: dict[str, Any] = {
            "today": summaries[-1].as_dict(),
            "week": [summary.as_dict() for summary in summaries],
            "journal": journal.description,
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return 0
    render_stats(summaries, console, journal.description)
    return 0


@desk_app.callback(invoke_without_command=True)
def desk_command(
    ctx: typer.Context,
    every: int | None = typer.Option(
        None,
        "--every",
        help=f"Minutes of sitting before a nudge ({MIN_EVERY_MINUTES}-{MAX_EVERY_MINUTES}); "
        f"default: the client's programme, else {DEFAULT_EVERY}.",
    ),
    work_days: str | None = typer.Option(
        None, "--days", help=f"Working days, e.g. mon-fri or mon,wed,fri (default: programme, else {DEFAULT_DAYS})."
    ),
    work_hours: str | None = typer.Option(
        None,
        "--hours",
        help=f"Working hours, outside which the timer rests (default: programme, else {DEFAULT_HOURS}).",
    ),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Data directory of the local journal."),
    client: str | None = typer.Option(None, "--client", help="Record for this client (username)."),
    server: str | None = typer.Option(None, "--server", help="Clinic server URL to record to."),
    token: str | None = typer.Option(None, "--token", help="API token for --server."),
    source: str | None = typer.Option(None, "--source", help=f"Activity source: {', '.join(SOURCES)} (default: pick)."),
    native: bool = typer.Option(True, "--notify/--no-notify", help="Native desktop notifications."),
    install: bool = typer.Option(False, "--install-autostart", help="Start the timer at login with these options."),
    uninstall: bool = typer.Option(False, "--uninstall-autostart", help="Stop starting the timer at login."),
) -> None:
    """Run the desk timer in the foreground until Ctrl-C (the open sitting bout is recorded)."""
    if ctx.invoked_subcommand is not None:
        return
    code = run_desk(
        every=every, work_days=work_days, work_hours=work_hours, data_dir=data_dir, client=client, server=server,
        token=token, source=source, native=native, install_autostart=install, uninstall_autostart=uninstall,
    )  # fmt: skip
    if code:
        raise typer.Exit(code)


@desk_app.command("stats")
def stats_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of the chart."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Data directory of the local journal."),
    client: str | None = typer.Option(None, "--client", help="The client (username)."),
    server: str | None = typer.Option(None, "--server", help="Clinic server URL."),
    token: str | None = typer.Option(None, "--token", help="API token for --server."),
) -> None:
    """Today and the last seven days: sitting time, breaks, nudges, with a small chart."""
    code = run_stats(as_json=as_json, data_dir=data_dir, client=client, server=server, token=token)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.add_typer(desk_app, name="desk")


def _warn_on_stderr(text: str) -> None:
    print(text, file=sys.stderr)


def _deliver_main() -> int:
    """The helper the timer starts: spool -> journal, then exit (it may import Django; it does not linger)."""
    config = DeskConfig.from_json(os.environ.get(CONFIG_VARIABLE, "{}"))
    directory, options = Path(config.data_dir), config.journal_options
    try:
        journal = open_journal(
            data_dir=directory,
            client=options.get("client"),
            server=options.get("server"),
            token=options.get("token"),
        )
    except JournalError as exc:
        print(f"desk events stay spooled: {exc}", file=sys.stderr)
        return 1
    if not journal.recording:
        return 1
    deliver_spool(journal, Spool(directory / SPOOL_NAME), _warn_on_stderr)
    refresh_safety(journal, directory, _warn_on_stderr)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["deliver"]:
        print("usage: python -m psoascare.cli.desk deliver  (the desk timer's journal helper)", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    sys.exit(_deliver_main())
