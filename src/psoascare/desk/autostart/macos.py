"""macOS: a LaunchAgent property list in ~/Library/LaunchAgents, loaded by launchd at login."""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

from psoascare.desk.autostart.base import Autostart

LABEL = "org.psoascare.desk"


class LaunchAgentAutostart(Autostart):
    name = "launchd LaunchAgent"

    def __init__(self, home: Path) -> None:
        self._path = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"

    @property
    def path(self) -> Path:
        return self._path

    def render(self, command: Sequence[str]) -> str:
        return plistlib.dumps(
            {
                "Label": LABEL,
                "ProgramArguments": list(command),
                "RunAtLoad": True,
                # Quitting from the terminal is on purpose; only restart after a crash.
                "KeepAlive": {"SuccessfulExit": False},
                "ProcessType": "Interactive",
            }
        ).decode()
