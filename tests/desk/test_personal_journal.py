"""Someone without a therapist: `psoascare desk` and `psoascare desk stats` keep a personal journal (a JSON-lines
file in the data directory), with no client account, no database and no Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from psoascare.cli.desk import deliver_spool, open_desk_journal, run_desk, run_stats
from psoascare.cli.journal import PERSONAL_JOURNAL_NAME, JournalError, NotRecording, PersonalJournal
from psoascare.desk.records import DeskEvent, DeskEventKind
from psoascare.desk.service import DeskConfig
from psoascare.desk.spool import SPOOL_NAME, Spool

ROOT = Path(__file__).resolve().parents[2]


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"), width=120)


def without_database_url() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PSOASCARE_DATA_DIR")}
    return {**env, "PYTHONPATH": str(ROOT / "src")}


def test_it_prints_stats_as_json_in_a_fresh_data_directory_with_no_account(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    result = subprocess.run(
        [sys.executable, "-m", "psoascare", "desk", "stats", "--json", "--data-dir", str(fresh)],
        capture_output=True, text=True, env=without_database_url(), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["today"]["breaks_taken"] == 0
    assert len(stats["week"]) == 7
    assert "personal journal" in stats["journal"]
    assert not (fresh / "psoascare.sqlite3").exists()  # no database was made for it


def test_it_counts_the_events_kept_in_the_personal_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    journal = open_desk_journal(data_dir=tmp_path)
    assert isinstance(journal, PersonalJournal) and journal.recording
    # Midday, local time, so that every event below falls on today whenever the suite runs.
    now = datetime.now(UTC).astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    bout_start = now - timedelta(minutes=70)
    journal.record_desk_event(DeskEvent(DeskEventKind.SITTING_BOUT, bout_start, bout_start + timedelta(minutes=60)))
    journal.record_desk_event(DeskEvent(DeskEventKind.BREAK_TAKEN, now - timedelta(minutes=10), now))
    journal.record_desk_event(DeskEvent(DeskEventKind.NATURAL_BREAK, now - timedelta(days=30)))  # not this week
    assert run_stats(as_json=True, data_dir=tmp_path, console=quiet(), now=now) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["today"]["breaks_taken"] == 1
    assert stats["today"]["sitting_minutes"] == 60
    assert [event.kind for event in journal.desk_events(since=now - timedelta(days=1))] == [
        DeskEventKind.SITTING_BOUT,
        DeskEventKind.BREAK_TAKEN,
    ]


def test_the_timer_records_into_the_personal_journal_through_its_spool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    handed: list[DeskConfig] = []

    def hand_over(config: DeskConfig) -> int:
        handed.append(config)
        return 0

    code = run_desk(data_dir=tmp_path, console=quiet(), exec_service=hand_over)
    assert code == 0
    assert handed[0].recording
    assert "personal journal" in handed[0].recording_description
    # What the timer spools, its delivery helper moves into the personal journal, once.
    spool = Spool(tmp_path / SPOOL_NAME)
    event = DeskEvent(DeskEventKind.BREAK_TAKEN, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    spool.append(event)
    journal = open_desk_journal(data_dir=tmp_path)
    deliver_spool(journal, spool, lambda text: None)
    deliver_spool(journal, spool, lambda text: None)
    assert journal.desk_events(since=datetime(2026, 11, 1, tzinfo=UTC)) == [event]


def test_a_line_cut_short_by_a_crash_is_skipped_and_a_damaged_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / PERSONAL_JOURNAL_NAME
    journal = PersonalJournal(path)
    event = DeskEvent(DeskEventKind.NUDGE, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    journal.record_desk_event(event)
    with path.open("a") as file:
        file.write('{"type": "desk_ev')  # the power went off mid-write
    assert journal.desk_events(since=datetime(2026, 11, 1, tzinfo=UTC)) == [event]
    path.write_text('{"type": "desk_event", "event": {"kind": "nudge"}}\n')
    with pytest.raises(JournalError, match="started_at is required"):
        journal.desk_events(since=datetime(2026, 11, 1, tzinfo=UTC))
    path.write_text('{"type": "note"}\nnot json\n')
    with pytest.raises(JournalError, match="line 2, is not a journal entry"):
        journal.desk_events(since=datetime(2026, 11, 1, tzinfo=UTC))


def test_other_commands_still_record_nothing_without_a_client_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    fresh = tmp_path / "fresh"
    result = subprocess.run(
        [sys.executable, "-c", "from psoascare.cli.journal import open_journal; import sys; "
         "print(type(open_journal(data_dir=sys.argv[1])).__name__)", str(fresh)],
        capture_output=True, text=True, env=without_database_url(), timeout=120, check=False,
    )  # fmt: skip
    assert result.stdout.strip() == NotRecording.__name__, result.stderr


def test_a_real_run_without_an_account_keeps_its_bout_in_the_personal_journal(tmp_path: Path) -> None:
    """The installed command with no client and no server: the lean timer, its spool and the delivery helper
    put the open bout into the personal journal, and `desk stats` counts it."""
    import signal
    import time

    from tests.desk.test_cli import ALL_DAY, headless_env, read_start

    env = {k: v for k, v in headless_env().items() if k != "DATABASE_URL"} | {"PYTHONPATH": str(ROOT / "src")}
    psoascare = [sys.executable, "-m", "psoascare"]
    command = [*psoascare, "desk", "--source", "none", "--no-notify", *ALL_DAY, "--data-dir", str(tmp_path)]
    timer = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        text = read_start(timer)
        assert "personal journal" in text
        time.sleep(1.5)  # a bout that lasts long enough to be a bout
        timer.send_signal(signal.SIGTERM)
        rest, _ = timer.communicate(timeout=60)
    finally:
        if timer.poll() is None:
            timer.kill()
    assert timer.returncode == 0, rest.decode()
    assert "desk timer stopped (open bout recorded)" in rest.decode()
    journal = PersonalJournal(tmp_path / PERSONAL_JOURNAL_NAME)
    bouts = [e for e in journal.desk_events(since=datetime.now(UTC) - timedelta(hours=1)) if e.kind == "sitting_bout"]
    assert len(bouts) == 1 and bouts[0].duration is not None and bouts[0].duration >= timedelta(seconds=1)
    assert Spool(tmp_path / SPOOL_NAME).pending() == []
    assert not (tmp_path / "psoascare.sqlite3").exists()
    stats = subprocess.run(
        [*psoascare, "desk", "stats", "--json", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    assert sum(day["bouts"] for day in json.loads(stats.stdout)["week"]) == 1
