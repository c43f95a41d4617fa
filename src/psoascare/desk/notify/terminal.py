"""The terminal: a bell and the message, for machines with no notification service."""

from __future__ import annotations

import sys
from typing import TextIO

from psoascare.desk.notify.base import Notifier


class TerminalNotifier(Notifier):
    name = "terminal bell and message"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def notify(self, title: str, message: str, urgent: bool = False) -> None:
        bell = "\a\a" if urgent else "\a"
        try:
            self.stream.write(f"{bell}\n*** {title} ***\n{message}\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass  # no terminal left (closed pipe): nothing more we can do for this nudge
