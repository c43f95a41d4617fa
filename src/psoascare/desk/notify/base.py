"""The one interface every notifier implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar


class NotifierUnavailable(RuntimeError):
    """This notifier cannot work here; the message says why."""


class Notifier(ABC):
    name: ClassVar[str]

    @abstractmethod
    def notify(self, title: str, message: str, urgent: bool = False) -> None:
        """Shows the message; must not raise for a failed delivery (a missed nudge must not stop the timer)."""

    def close(self) -> None:  # noqa: B027 - most notifiers hold nothing
        """Releases what the notifier holds."""
