"""The one place that picks an activity backend for this machine, and says why it picked it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable
from psoascare.desk.activity.fallback import PlainTimerSource


@dataclass
class SourceChoice:
    source: ActivitySource
    #: One line per backend tried and not used, with the reason: shown to the person at start.
    passed_over: list[str] = field(default_factory=list)


def _x11(environ: Mapping[str, str]) -> ActivitySource:
    from psoascare.desk.activity.x11 import X11Source

    return X11Source(environ.get("DISPLAY") or None)


def _gnome(environ: Mapping[str, str]) -> ActivitySource:
    from psoascare.desk.activity.gnome import GnomeMutterSource

    return GnomeMutterSource(environ)


def _wayland(environ: Mapping[str, str]) -> ActivitySource:
    from psoascare.desk.activity.wayland import WaylandIdleNotifySource, socket_path

    return WaylandIdleNotifySource(socket_path(environ))


def _macos(environ: Mapping[str, str]) -> ActivitySource:
    from psoascare.desk.activity.macos import MacOSSource

    return MacOSSource()


def _windows(environ: Mapping[str, str]) -> ActivitySource:
    from psoascare.desk.activity.windows import WindowsSource

    return WindowsSource()


def _plain(environ: Mapping[str, str]) -> ActivitySource:
    return PlainTimerSource()


BACKENDS: dict[str, Callable[[Mapping[str, str]], ActivitySource]] = {
    "x11": _x11,
    "gnome": _gnome,
    "wayland": _wayland,
    "macos": _macos,
    "windows": _windows,
    "none": _plain,
}


def candidates(platform: str, environ: Mapping[str, str]) -> list[str]:
    """Backends worth trying here, best first (imports nothing, so it is cheap to test)."""
    if platform == "win32":
        return ["windows"]
    if platform == "darwin":
        return ["macos"]
    desktop = environ.get("XDG_CURRENT_DESKTOP", "").lower()
    order: list[str] = []
    if environ.get("WAYLAND_DISPLAY"):
        # Under Wayland, X11's idle clock only sees input to X clients: not the person's activity.
        order += ["gnome", "wayland"] if "gnome" in desktop else ["wayland", "gnome"]
    elif environ.get("DISPLAY"):
        order += ["x11"]
        if "gnome" in desktop:
            order += ["gnome"]
    return order


def choose_activity_source(
    preferred: str | None = None,
    platform: str = sys.platform,
    environ: Mapping[str, str] | None = None,
) -> SourceChoice:
    """The first backend that works, else the plain timer, with the reasons for each one passed over."""
    environ = os.environ if environ is None else environ
    if preferred is not None and preferred not in BACKENDS:
        raise ValueError(f"unknown activity source {preferred!r}; choose from {', '.join(BACKENDS)}")
    names = [preferred] if preferred else candidates(platform, environ)
    passed_over: list[str] = []
    for name in names:
        try:
            return SourceChoice(BACKENDS[name](environ), passed_over)
        except SourceUnavailable as reason:
            passed_over.append(f"{name}: {reason}")
    if not names:
        passed_over.append("no display server found (neither WAYLAND_DISPLAY nor DISPLAY is set)")
    return SourceChoice(PlainTimerSource(), passed_over)
