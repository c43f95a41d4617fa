"""Events on disk the moment they happen: an append-only JSON-lines file, fsynced per event.

The timer process stays small by never importing the journal's database code; a short-lived helper
process moves the spooled events into the journal now and then. Both sides hold an exclusive lock
on the file while they touch it, so an event appended during a delivery is neither lost nor doubled.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from psoascare.desk.records import DeskEvent, InvalidDeskEvent

SPOOL_NAME = "desk-spool.jsonl"


@contextmanager
def _locked(path: Path) -> Iterator[IO[str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        if sys.platform != "win32":
            import fcntl

            # Held until the file is closed at the end of this block, after its last write is flushed.
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield handle


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, event: DeskEvent) -> None:
        with _locked(self.path) as handle:
            handle.write(json.dumps(event.as_dict()) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def pending(self) -> list[DeskEvent]:
        if not self.path.exists():
            return []
        with _locked(self.path) as handle:
            handle.seek(0)
            return _parse(handle.read())

    def deliver(self, record: Callable[[DeskEvent], None]) -> int:
        """Hands every spooled event to `record`, oldest first; keeps what was not delivered."""
        if not self.path.exists():
            return 0
        with _locked(self.path) as handle:
            handle.seek(0)
            events = _parse(handle.read())
            delivered = 0
            try:
                for event in events:
                    record(event)
                    delivered += 1
            finally:
                # Rewrite in place under the lock: the writer appends to this same inode.
                handle.seek(0)
                handle.truncate()
                handle.write("".join(json.dumps(e.as_dict()) + "\n" for e in events[delivered:]))
                handle.flush()
                os.fsync(handle.fileno())
        return delivered


def _parse(text: str) -> list[DeskEvent]:
    events = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            events.append(DeskEvent.from_dict(json.loads(line)))
        except (ValueError, InvalidDeskEvent):
            continue  # a line cut short by a crash mid-write: the rest are still good
    return events
