"""The one place that picks how the desk timer starts at login on this platform."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from psoascare.desk.autostart.base import Autostart


def autostart_for(
    platform: str = sys.platform, environ: Mapping[str, str] | None = None, home: Path | None = None
) -> Autostart:
    environ = os.environ if environ is None else environ
    home = home or Path.home()
    if platform == "win32":
        from psoascare.desk.autostart.windows import StartupFolderAutostart

        return StartupFolderAutostart(environ, home)
    if platform == "darwin":
        from psoascare.desk.autostart.macos import LaunchAgentAutostart

        return LaunchAgentAutostart(home)
    from psoascare.desk.autostart.linux import XdgAutostart

    return XdgAutostart(environ, home)
