"""The CLI's remote journal asks the clinic server's /api/safety (a real live server), and refuses to start a
routine while the gate is shut or cannot be checked."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from psoascare.cli.journal import JournalError, RemoteJournal
from psoascare.cli.stretch import EXIT_SAFETY, run_stretch
from psoascare.routines import FakeClock
from psoascare.web.accounts.models import create_client, create_therapist
from psoascare.web.api.models import ApiToken
from psoascare.web.journal.safety import screen
from tests.web.base import RED_FLAG_SLUGS

pytestmark = pytest.mark.django_db(transaction=True)


def _client_with_token() -> tuple[Any, str]:
    therapist = create_therapist("tessa", "tessa@example.org", "correct horse battery staple")
    client = create_client("cleo", "cleo@example.org", "correct horse battery staple", therapist=therapist)
    _, secret = ApiToken.issue(client, "laptop")
    return client, secret


def test_the_remote_journal_reads_the_servers_gate(live_server: Any, tmp_path: Path) -> None:
    client, secret = _client_with_token()
    journal = RemoteJournal(live_server.url, secret, tmp_path / "outbox.jsonl")
    assert journal.safety()["screening_due"] == "first-login"  # never answered: not yet
    screen(client, "first-login", dict.fromkeys(RED_FLAG_SLUGS, False))
    assert journal.safety()["allows_exercise"] is True
    screen(client, "self", {**dict.fromkeys(RED_FLAG_SLUGS, False), "aorta": True})
    gate = journal.safety()
    assert (gate["level"], gate["allows_exercise"]) == ("emergency", False)

    out = io.StringIO()
    clock = FakeClock()
    code = run_stretch(
        "bed-edge", server=live_server.url, token=secret, data_dir=tmp_path, voice=False, clock=clock,
        sleep=lambda seconds: clock.advance(seconds), console=Console(file=out, width=120),
    )  # fmt: skip
    assert code == EXIT_SAFETY
    assert "call 999 now" in out.getvalue() and "Left leg" not in out.getvalue()


def test_an_unreachable_server_is_no_answer(tmp_path: Path) -> None:
    journal = RemoteJournal("http://127.0.0.1:9", "pc_x", tmp_path / "outbox.jsonl", timeout=2)
    with pytest.raises(JournalError, match="could not check your safety answers"):
        journal.safety()
