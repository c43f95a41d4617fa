from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from psoascare.cli.main import app
from psoascare.web.calendarfeed.models import CalendarFeed
from tests.web.base import BaseTestCase

runner = CliRunner()


def without_dtstamp(feed: bytes) -> list[bytes]:
    """The feed's lines less DTSTAMP, the time the feed was written (which differs between any two runs)."""
    return [line for line in feed.split(b"\r\n") if not line.startswith(b"DTSTAMP:")]


class CalendarCommandTestCase(BaseTestCase):
    def test_it_prints_the_same_feed_as_the_web(self) -> None:
        web = self.client.get(f"/calendar/{CalendarFeed.for_client(self.client_a).token}.ics").content
        result = runner.invoke(app, ["calendar", "--client", "alice"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn(b"BEGIN:VEVENT", result.stdout_bytes)
        self.assertEqual(without_dtstamp(result.stdout_bytes), without_dtstamp(web))

    def test_it_prints_an_empty_calendar_for_a_client_without_a_routine(self) -> None:
        result = runner.invoke(app, ["calendar", "--client", "carol"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertTrue(result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n"))
        self.assertNotIn(b"BEGIN:VEVENT", result.stdout_bytes)

    def test_it_refuses_anyone_who_is_not_a_client(self) -> None:
        for username in ("xena", "nobody"):
            with self.subTest(username=username):
                result = runner.invoke(app, ["calendar", "--client", username])
                self.assertEqual(result.exit_code, 2)
                self.assertEqual(result.stdout, "")
                self.assertEqual(result.stderr, f"Error: no client called {username!r}\n")


def test_it_reports_an_unknown_client_in_one_line_and_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "psoascare", "calendar", "--client", "nobody", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["Error: no client called 'nobody'"]
