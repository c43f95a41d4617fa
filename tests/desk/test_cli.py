"""`psoascare desk` and `psoascare desk stats`: options, the journal hand-off, a real run stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from psoascare.cli.desk import register, run_desk, run_stats
from psoascare.cli.journal import JournalError
from psoascare.desk.moves import SAFETY_NAME, MoveSuggester
from psoascare.desk.records import DeskEvent, DeskEventKind
from psoascare.desk.service import DeskConfig
from psoascare.desk.spool import SPOOL_NAME, Spool

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


class FakeJournal:
    def __init__(
        self, events: list[DeskEvent] | None = None, recording: bool = True, gate: dict[str, object] | None = None
    ) -> None:
        self.events = list(events or [])
        self.gate = gate
        self.recording = recording
        self.description = "recorded for ann in a test" if recording else "not recorded: no client account"
        self.opened_with: dict[str, object] = {}

    def record_stretch_session(self, record: object) -> None:
        raise AssertionError("not used by the desk timer")

    def safety(self) -> dict[str, object] | None:
        return self.gate

    def record_desk_event(self, event: DeskEvent) -> None:
        self.events.append(event)

    def desk_events(self, since: datetime) -> list[DeskEvent]:
        return [event for event in self.events if event.started_at >= since]


def opener(journal: FakeJournal) -> Callable[..., FakeJournal]:
    def open_(**kwargs: object) -> FakeJournal:
        journal.opened_with = kwargs
        return journal

    return open_


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"), width=120)


# Run as the installed command: the plain timer (no display or session bus to find), recording to a clinic
# server that is not there (port 9), so the recorded events land in the journal's outbox.
ALL_DAY = ("--days", "mon-sun", "--hours", "00:00-00:00")


def headless_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}


def desk_command(data_dir: Path, *options: str) -> list[str]:
    return [
        str(Path(sys.executable).with_name("psoascare")), "desk", "--source", "none", "--no-notify", *options,
        "--data-dir", str(data_dir), "--server", "http://127.0.0.1:9", "--token", "test-token",
    ]  # fmt: skip


def read_start(timer: subprocess.Popen[bytes]) -> str:
    """What the timer prints until it has started and said what it watches (the journal line)."""
    assert timer.stdout is not None
    lines = []
    for line in timer.stdout:
        lines.append(line.decode())
        if "journal:" in lines[-1]:
            break
    return "".join(lines)


@pytest.mark.parametrize("every", ["19", "121"])
def test_it_refuses_an_interval_outside_20_to_120_minutes(every: str) -> None:
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["desk", "--every", every])
    assert result.exit_code == 2
    assert "between 20 and 120" in result.output


def test_it_refuses_a_server_without_a_token_and_bad_working_hours() -> None:
    assert run_desk(server="https://clinic.example", console=quiet()) == 2
    assert run_desk(work_hours="9 to 5", console=quiet()) == 2
    assert run_desk(source="commodore", console=quiet()) == 2


def test_it_hands_the_timer_its_settings_and_delivers_leftovers_first(tmp_path: Path) -> None:
    leftover = DeskEvent(DeskEventKind.SITTING_BOUT, NOW - timedelta(hours=1), NOW - timedelta(minutes=10))
    Spool(tmp_path / SPOOL_NAME).append(leftover)
    journal = FakeJournal()
    handed: list[DeskConfig] = []
    code = run_desk(
        every=45, data_dir=tmp_path, client="ann", console=quiet(), journal_opener=opener(journal),
        exec_service=lambda config: handed.append(config) or 0,
    )  # fmt: skip
    assert code == 0
    assert journal.events == [leftover] and Spool(tmp_path / SPOOL_NAME).pending() == []
    assert journal.opened_with["client"] == "ann"
    (config,) = handed
    assert config.every_minutes == 45 and config.recording and config.data_dir == str(tmp_path)
    assert config.deliver_command[-3:] == ["-m", "psoascare.cli.desk", "deliver"]


def test_it_writes_the_clients_safety_gate_where_the_timer_reads_it(tmp_path: Path) -> None:
    gate = {"allows_exercise": False, "paused": True, "title": "See a doctor soon", "action": "x", "message": "y"}
    handed: list[DeskConfig] = []
    code = run_desk(
        data_dir=tmp_path, console=quiet(), journal_opener=opener(FakeJournal(gate=gate)),
        exec_service=lambda config: handed.append(config) or 0,
    )  # fmt: skip
    assert code == 0 and handed
    assert json.loads((tmp_path / SAFETY_NAME).read_text()) == gate
    assert MoveSuggester(safety_file=tmp_path / SAFETY_NAME).next_move().name == "See a doctor soon"
    # No client (a personal timer): no gate file, the usual moves.
    run_desk(
        data_dir=tmp_path, console=quiet(), journal_opener=opener(FakeJournal(recording=False)),
        exec_service=lambda config: 0,
    )  # fmt: skip
    assert not (tmp_path / SAFETY_NAME).exists()


def test_it_reports_a_journal_it_cannot_open(tmp_path: Path) -> None:
    def broken(**kwargs: object) -> FakeJournal:
        raise JournalError("several clients: say which with --client USERNAME")

    console = Console(record=True, width=120)
    assert run_desk(data_dir=tmp_path, console=console, journal_opener=broken, exec_service=lambda c: 0) == 2
    assert "--client USERNAME" in console.export_text()


def test_stats_print_today_and_the_week_with_a_chart(tmp_path: Path) -> None:
    journal = FakeJournal(
        [
            DeskEvent(DeskEventKind.SITTING_BOUT, NOW - timedelta(hours=2), NOW - timedelta(hours=1)),
            DeskEvent(DeskEventKind.NUDGE, NOW - timedelta(hours=1, minutes=1)),
            DeskEvent(DeskEventKind.BREAK_TAKEN, NOW - timedelta(hours=1)),
            DeskEvent(DeskEventKind.SITTING_BOUT, NOW - timedelta(days=1, hours=3), NOW - timedelta(days=1, hours=1)),
        ]
    )
    console = Console(record=True, width=120)
    assert run_stats(data_dir=tmp_path, console=console, journal_opener=opener(journal), now=NOW) == 0
    text = console.export_text()
    assert "Today: 1:00 h sitting in 1 bout(s), longest 60 min; 1 break(s) after a nudge" in text
    assert "The last 7 days" in text and "2:00" in text
    assert "█" * 30 in text  # the longest day fills the bar
    assert "█" * 15 + "·" * 15 in text  # an hour is half of it


def test_stats_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = FakeJournal(
        [DeskEvent(DeskEventKind.SITTING_BOUT, NOW - timedelta(minutes=90), NOW - timedelta(minutes=30))]
    )
    assert run_stats(as_json=True, data_dir=tmp_path, console=quiet(), journal_opener=opener(journal), now=NOW) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["today"]["sitting_minutes"] == 60.0
    assert [day["day"] for day in payload["week"]][-1] == "2026-11-25" and len(payload["week"]) == 7


def test_stats_say_why_there_is_nothing_to_show(tmp_path: Path) -> None:
    console = Console(record=True, width=120)
    assert run_stats(data_dir=tmp_path, console=console, journal_opener=opener(FakeJournal(recording=False))) == 1
    assert "no client account" in console.export_text()


def test_a_real_run_stops_cleanly_on_sigterm_and_records_the_open_bout(tmp_path: Path) -> None:
    """The installed command, the exec into the lean timer, the spool and the delivery helper, end to end.

    The clinic server is unreachable (port 9), so the recorded events land in the journal's outbox.
    """
    env, command = headless_env(), desk_command(tmp_path, *ALL_DAY)
    timer = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        text = read_start(timer)
        assert "plain timer (cannot see keyboard or mouse activity)" in text
        assert "type b + Enter after each break" in text
        assert b"psoascare.desk.service" in Path(f"/proc/{timer.pid}/cmdline").read_bytes()
        time.sleep(1.5)  # a bout that lasts long enough to be a bout
        timer.send_signal(signal.SIGTERM)
        rest, _ = timer.communicate(timeout=60)
    finally:
        if timer.poll() is None:
            timer.kill()
    assert timer.returncode == 0
    assert "desk timer stopped (open bout recorded)" in rest.decode()
    outbox = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    bouts = [DeskEvent.from_dict(item["body"]) for item in outbox if item["body"]["kind"] == "sitting_bout"]
    assert len(bouts) == 1 and bouts[0].ended_at is not None
    assert bouts[0].ended_at - bouts[0].started_at >= timedelta(seconds=1)
    assert Spool(tmp_path / SPOOL_NAME).pending() == []


class ProgrammeServer:
    """A clinic server that only answers GET /api/programme for one token."""

    def __init__(self, every: int | None) -> None:
        import http.server
        import threading

        payload = json.dumps({"template": "bed-edge", "move_every_minutes": every}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/api/programme" or self.headers.get("Authorization") != "Bearer good-token":
                    self.send_error(401)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                return None

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_interval_comes_from_the_programme_on_the_server_unless_given(tmp_path: Path) -> None:
    server = ProgrammeServer(every=40)
    try:
        journal = FakeJournal()
        journal.server, journal.token = server.url, "good-token"  # type: ignore[attr-defined]
        handed: list[DeskConfig] = []
        console = Console(record=True, width=120)
        run_desk(data_dir=tmp_path, console=console, journal_opener=opener(journal), exec_service=handed.append)
        assert handed[-1].every_minutes == 40
        assert "From your programme: a move every 40 min" in console.export_text()
        run_desk(
            every=30, data_dir=tmp_path, console=quiet(), journal_opener=opener(journal), exec_service=handed.append
        )
        assert handed[-1].every_minutes == 30
        journal.token = "wrong-token"  # type: ignore[attr-defined]
        run_desk(data_dir=tmp_path, console=quiet(), journal_opener=opener(journal), exec_service=handed.append)
        assert handed[-1].every_minutes == 60
        assert (handed[-1].work_days, handed[-1].work_hours) == ("mon-fri", "08:00-18:00")
    finally:
        server.close()


@pytest.mark.django_db
def test_the_local_programme_sets_the_interval_and_working_hours(tmp_path: Path) -> None:
    from datetime import time as clock_time

    from psoascare.cli.journal import LocalJournal
    from psoascare.web.accounts.models import create_client, create_therapist
    from psoascare.web.programs.models import Assignment

    therapist = create_therapist("tess", "tess@example.org", "correct horse battery staple")
    client = create_client("ann", "ann@example.org", "correct horse battery staple", therapist=therapist)
    assignment = Assignment.assign(
        client, therapist, "bed-edge", work_start=clock_time(7, 30), work_end=clock_time(15), work_days=[0, 1, 2, 3]
    )
    assignment.move_every_minutes = 45
    assignment.save()
    journal = LocalJournal(client.pk, client.username, str(tmp_path))
    handed: list[DeskConfig] = []
    run_desk(data_dir=tmp_path, console=quiet(), journal_opener=lambda **kwargs: journal, exec_service=handed.append)
    assert (handed[0].every_minutes, handed[0].work_days, handed[0].work_hours) == (
        45,
        "mon,tue,wed,thu",
        "07:30-15:00",
    )


def test_a_person_at_the_terminal_can_ask_for_status_take_a_break_and_quit(tmp_path: Path) -> None:
    import pty
    import select

    env, command = headless_env(), desk_command(tmp_path, *ALL_DAY)
    controller, terminal = pty.openpty()
    timer = subprocess.Popen(command, env=env, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = ""

    def read_until(text: str) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while text not in seen:
            assert time.monotonic() < deadline, f"no {text!r} in:\n{seen}"
            if select.select([controller], [], [], 0.5)[0]:
                try:
                    seen += os.read(controller, 4096).decode(errors="replace")
                except OSError:  # the terminal closed: the process is gone
                    break

    try:
        read_until("q or Ctrl-C to quit")
        os.write(controller, b"s\n")
        read_until("next nudge after 60 more min")
        time.sleep(1.2)
        os.write(controller, b"b\n")
        read_until("break taken")
        os.write(controller, b"5\n")
        read_until("cannot snooze: there is no nudge to snooze")
        os.write(controller, b"q\n")
        read_until("desk timer stopped")
        assert timer.wait(timeout=60) == 0
    finally:
        if timer.poll() is None:
            timer.kill()
        os.close(controller)
    outbox = (tmp_path / "outbox.jsonl").read_text()
    assert '"break_taken"' in outbox and '"sitting_bout"' in outbox


def test_a_second_timer_on_the_same_data_directory_refuses_to_start(tmp_path: Path) -> None:
    env, command = headless_env(), desk_command(tmp_path)
    first = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        read_start(first)
        second = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert f"a desk timer is already running for {tmp_path} (pid {first.pid})" in second.stderr
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=60)
    assert first.returncode == 0


def test_a_bout_left_open_by_a_crash_is_recorded_at_the_next_start(tmp_path: Path) -> None:
    from psoascare.desk.service import OPEN_BOUT_NAME

    crashed = DeskEvent(DeskEventKind.SITTING_BOUT, NOW - timedelta(minutes=40), NOW - timedelta(minutes=2))
    (tmp_path / OPEN_BOUT_NAME).write_text(json.dumps(crashed.as_dict()))
    env, command = headless_env(), desk_command(tmp_path)
    timer = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        read_start(timer)
        timer.terminate()
        timer.wait(timeout=60)
    finally:
        if timer.poll() is None:
            timer.kill()
    assert not (tmp_path / OPEN_BOUT_NAME).exists()
    outbox = [json.loads(line)["body"] for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert crashed.as_dict() in outbox
