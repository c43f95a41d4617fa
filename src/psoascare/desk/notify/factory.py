"""The one place that picks how nudges are shown here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from psoascare.desk.notify.base import Notifier, NotifierUnavailable
from psoascare.desk.notify.terminal import TerminalNotifier


class Both(Notifier):
    """Native notification and the terminal line, when the timer runs in a terminal on a desktop."""

    name = "native notifications and the terminal"

    def __init__(self, notifiers: Sequence[Notifier]) -> None:
        self.notifiers = list(notifiers)
        self.name = " + ".join(notifier.name for notifier in notifiers)  # type: ignore[misc]

    def notify(self, title: str, message: str, urgent: bool = False) -> None:
        for notifier in self.notifiers:
            notifier.notify(title, message, urgent)

    def close(self) -> None:
        for notifier in self.notifiers:
            notifier.close()


@dataclass
class NotifierChoice:
    notifier: Notifier
    passed_over: list[str] = field(default_factory=list)


def choose_notifier(native: bool = True, terminal: TextIO | None = None) -> NotifierChoice:
    """Native notifications when they work, plus the terminal when there is one; the terminal alone else."""
    passed_over: list[str] = []
    chosen: list[Notifier] = []
    if native:
        try:
            from psoascare.desk.notify.native import NativeNotifier

            chosen.append(NativeNotifier())
        except NotifierUnavailable as reason:
            passed_over.append(f"native: {reason}")
    if terminal is not None or not chosen:
        chosen.append(TerminalNotifier(terminal))
    return NotifierChoice(chosen[0] if len(chosen) == 1 else Both(chosen), passed_over)
