"""Windows: a .cmd file in the user's Startup folder (what shell:startup opens), run at login.

A .cmd needs no COM to write (a .lnk does); `start "" /min` keeps the console window minimised.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from psoascare.desk.autostart.base import Autostart


class StartupFolderAutostart(Autostart):
    name = "Startup folder script"

    def __init__(self, environ: Mapping[str, str], home: Path) -> None:
        appdata = Path(environ["APPDATA"]) if environ.get("APPDATA") else home / "AppData" / "Roaming"
        self._path = appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup" / "psoascare-desk.cmd"

    @property
    def path(self) -> Path:
        return self._path

    def render(self, command: Sequence[str]) -> str:
        # cmd.exe: % must be doubled inside a batch file; list2cmdline quotes as the C runtime expects.
        line = subprocess.list2cmdline(list(command)).replace("%", "%%")
        return f'@echo off\r\nrem PsoasCare desk timer, started at login\r\nstart "" /min {line}\r\n'
