"""Where the CLI's guided sessions and desk events go: the local database, the clinic server's API, or, for
someone without a therapist, a personal journal file in the data directory.

Nothing is lost when the server cannot be reached: the record waits in an outbox file in the data directory
and is sent before the next one.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from psoascare.desk.records import DeskEvent, InvalidDeskEvent
from psoascare.routines.records import SessionRecord

PERSONAL_JOURNAL_NAME = "personal-journal.jsonl"
DATABASE_NAME = "psoascare.sqlite3"  # the web app's SQLite file in the data directory (settings.py)


class JournalError(Exception):
    """The journal cannot be opened as asked (unknown client, several clients, bad server address)."""


class Journal(Protocol):
    recording: bool
    description: str

    def safety(self) -> dict[str, Any] | None:
        """The client's safety gate as /api/safety gives it, or None when there is no client."""
        ...

    def record_stretch_session(self, record: SessionRecord) -> None: ...

    def record_desk_event(self, event: DeskEvent) -> None: ...

    def desk_events(self, since: datetime) -> list[DeskEvent]: ...


class NotRecording:
    """No client to record for: the routine or timer still runs, and says so once."""

    recording = False

    def __init__(self, reason: str) -> None:
        self.description = f"not recorded: {reason}"

    def safety(self) -> dict[str, Any] | None:
        return None

    def record_stretch_session(self, record: SessionRecord) -> None:
        return None

    def record_desk_event(self, event: DeskEvent) -> None:
        return None

    def desk_events(self, since: datetime) -> list[DeskEvent]:
        return []


class PersonalJournal:
    """Someone without a therapist: their own journal, one JSON object a line in the data directory.

    No database and no Django: the desk timer and its stats work in a fresh data directory. There is no
    clinic, so no safety gate from one (safety() is None, as for a journal that does not record).
    """

    recording = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"kept in your personal journal ({path})"

    def safety(self) -> dict[str, Any] | None:
        return None

    def _append(self, entry: dict[str, Any]) -> None:
        # One write of one whole line, flushed to disk: a crash leaves at most a truncated last line.
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self.path.open("a", encoding="utf-8") as journal:
            journal.write(line)
            journal.flush()
            os.fsync(journal.fileno())

    def record_stretch_session(self, record: SessionRecord) -> None:
        self._append({"type": "stretch_session", "record": record.as_dict()})

    def record_desk_event(self, event: DeskEvent) -> None:
        self._append({"type": "desk_event", "event": event.as_dict()})

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8")
        lines = text.split("\n")
        # The last piece is "" after a complete last line; anything else is a write a crash cut short.
        complete = lines[:-1]
        entries = []
        for number, line in enumerate(complete, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                raise JournalError(
                    f"{self.path}, line {number}, is not a journal entry (JSON): {line[:80]!r}"
                ) from None
            if not isinstance(entry, dict):
                raise JournalError(f"{self.path}, line {number}, is not a journal entry (a JSON object)")
            entries.append(entry)
        return entries

    def desk_events(self, since: datetime) -> list[DeskEvent]:
        events = []
        for entry in self.entries():
            if entry.get("type") != "desk_event":
                continue
            try:
                event = DeskEvent.from_dict(entry.get("event"))
            except InvalidDeskEvent as exc:
                raise JournalError(f"{self.path} holds a desk event that is not valid: {exc}") from None
            if event.started_at >= since:
                events.append(event)
        return sorted(events, key=lambda event: event.started_at)


class LocalJournal:
    """The client's journal in this machine's database (the data directory's SQLite by default)."""

    recording = True

    def __init__(self, client_id: int, username: str, where: str) -> None:
        self.client_id = client_id
        self.description = f"recorded for {username} in {where}"

    def _client(self) -> Any:
        from django.contrib.auth.models import User

        return User.objects.get(pk=self.client_id)

    def safety(self) -> dict[str, Any] | None:
        from psoascare.web.journal.safety import clinic_red_flags, safety_state

        return safety_state(self._client()).as_dict(clinic_red_flags())

    def record_stretch_session(self, record: SessionRecord) -> None:
        from psoascare.web.journal.models import StretchSession

        StretchSession.objects.create_from_record(self._client(), record, source="cli")

    def record_desk_event(self, event: DeskEvent) -> None:
        from psoascare.web.journal.models import DeskEvent as DeskEventRow

        DeskEventRow.objects.record_once(self._client(), event, source="desktop")

    def desk_events(self, since: datetime) -> list[DeskEvent]:
        from psoascare.web.journal.models import DeskEvent as DeskEventRow

        rows = DeskEventRow.objects.filter(client_id=self.client_id, started_at__gte=since).order_by("started_at")
        return [DeskEvent(row.kind, row.started_at, row.ended_at, row.detail) for row in rows]  # type: ignore[arg-type]


class RemoteJournal:
    """The client's journal on a clinic server, through the JSON API with a personal token."""

    recording = True

    def __init__(self, server: str, token: str, outbox: Path, timeout: float = 10.0) -> None:
        if not server.startswith(("http://", "https://")):
            raise JournalError(f"--server must start with http:// or https://, not {server!r}")
        if not token:
            raise JournalError("--server needs --token (create one on the server, at /accounts/tokens/)")
        self.server = server.rstrip("/")
        self.token = token
        self.outbox = outbox
        self.timeout = timeout
        self.description = f"sent to {self.server}"

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.server}/api{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read() or b"null")

    def _send(self, path: str, body: dict[str, Any]) -> None:
        pending = [*self._pending(), {"path": path, "body": body}]
        for index, item in enumerate(pending):
            try:
                self._request("POST", item["path"], item["body"])
            except urllib.error.HTTPError as exc:
                if exc.code in (400, 401, 404, 422):
                    # The server will never take this one; keeping it would block the queue for ever.
                    detail = exc.read().decode(errors="replace")[:300]
                    self._save(pending[index + 1 :])
                    raise JournalError(f"the server refused the record ({exc.code}): {detail}") from None
                self._save(pending[index:])
                return
            except (urllib.error.URLError, TimeoutError, OSError):
                self._save(pending[index:])
                return
        self._save([])

    def _pending(self) -> list[dict[str, Any]]:
        if not self.outbox.exists():
            return []
        return [json.loads(line) for line in self.outbox.read_text().splitlines() if line.strip()]

    def _save(self, items: list[dict[str, Any]]) -> None:
        if not items:
            self.outbox.unlink(missing_ok=True)
            return
        temporary = self.outbox.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(item) + "\n" for item in items))
        os.replace(temporary, self.outbox)

    def safety(self) -> dict[str, Any] | None:
        """Asked of the server each time: the gate is the server's, and an unanswered question is no answer."""
        try:
            answer: dict[str, Any] = self._request("GET", "/safety")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise JournalError(f"could not check your safety answers with {self.server} ({exc})") from None
        return answer

    @property
    def waiting(self) -> int:
        return len(self._pending())

    def record_stretch_session(self, record: SessionRecord) -> None:
        self._send("/journal/sessions", record.as_dict())

    def record_desk_event(self, event: DeskEvent) -> None:
        self._send("/journal/desk-events", event.as_dict())

    def desk_events(self, since: datetime) -> list[DeskEvent]:
        from urllib.parse import quote

        rows = self._request("GET", f"/journal/desk-events?since={quote(since.isoformat())}")
        return [DeskEvent.from_dict({k: row[k] for k in ("kind", "started_at", "ended_at", "detail")}) for row in rows]


def open_journal(
    *,
    data_dir: Path | None = None,
    client: str | None = None,
    server: str | None = None,
    token: str | None = None,
    personal: bool = False,
) -> Journal:
    """The journal to record into: the server's when --server is given, else the local database's.

    With `personal` (the desk timer), someone with no client account gets their personal journal: at once,
    without loading Django, when the data directory has no database and no --client is given; or when the
    database has no client account. Without it, no client account means nothing is recorded."""
    from psoascare.paths import data_dir as resolve_data_dir
    from psoascare.paths import use_data_dir

    directory = use_data_dir(data_dir) if data_dir is not None else resolve_data_dir()
    if server:
        return RemoteJournal(server, token or "", directory / "outbox.jsonl")
    if (
        personal
        and client is None
        and not os.environ.get("DATABASE_URL", "").strip()
        and not (directory / DATABASE_NAME).exists()
    ):
        return PersonalJournal(directory / PERSONAL_JOURNAL_NAME)
    return _local_journal(directory, client, personal)


def _local_journal(directory: Path, username: str | None, personal: bool) -> Journal:
    from psoascare.web.bootstrap import migrate, setup_django

    setup_django()
    migrate()
    from django.contrib.auth.models import User

    from psoascare.web.accounts.models import Role

    clients = User.objects.filter(profile__role=Role.CLIENT)
    where = str(directory)
    if username:
        user = clients.filter(username=username).first()
        if user is None:
            raise JournalError(f"no client called {username!r} in {where}")
        return LocalJournal(user.pk, user.username, where)
    found = list(clients.order_by("username")[:2])
    if not found:
        if personal:
            return PersonalJournal(directory / PERSONAL_JOURNAL_NAME)
        return NotRecording(f"no client account in {where} (pass --client, or --server and --token)")
    if len(found) > 1:
        raise JournalError(f"several clients in {where}: say which with --client USERNAME")
    return LocalJournal(found[0].pk, found[0].username, where)
