"""Linux and other XDG desktops: a .desktop entry in $XDG_CONFIG_HOME/autostart (freedesktop Autostart spec)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from psoascare.desk.autostart.base import Autostart


def _quote_exec_argument(argument: str) -> str:
    # Desktop Entry spec: quote with double quotes when needed; escape ", `, $ and \ inside; % doubles.
    argument = argument.replace("%", "%%")
    if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


class XdgAutostart(Autostart):
    name = "XDG autostart entry"

    def __init__(self, environ: Mapping[str, str], home: Path) -> None:
        config = environ.get("XDG_CONFIG_HOME", "").strip()
        # The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        base = Path(config) if config and Path(config).is_absolute() else home / ".config"
        self._path = base / "autostart" / "psoascare-desk.desktop"

    @property
    def path(self) -> Path:
        return self._path

    def render(self, command: Sequence[str]) -> str:
        return "\n".join(
            [
                "[Desktop Entry]",
                "Type=Application",
                "Name=PsoasCare desk timer",
                "Comment=Reminds you to get up and move at least once an hour",
                f"Exec={' '.join(_quote_exec_argument(part) for part in command)}",
                "Terminal=false",
                "X-GNOME-Autostart-enabled=true",
                f"# {shlex.join(command)}",
                "",
            ]
        )
