"""GNOME (Wayland or X11): Mutter's IdleMonitor and GNOME's ScreenSaver over the session D-Bus.

dbus-fast (installed with desktop-notifier) is asyncio-only; this source keeps one bus connection on a
private loop thread and waits for each call, so the rest of the timer stays synchronous.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable
from psoascare.desk.asyncloop import LoopThread

MUTTER = "org.gnome.Mutter.IdleMonitor"
MUTTER_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
SCREENSAVER = "org.gnome.ScreenSaver"
SCREENSAVER_PATH = "/org/gnome/ScreenSaver"
CALL_TIMEOUT_SECONDS = 2.0


class GnomeMutterSource(ActivitySource):
    name = "GNOME Mutter IdleMonitor (D-Bus)"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        environ = os.environ if environ is None else environ
        if not environ.get("DBUS_SESSION_BUS_ADDRESS") and not environ.get("XDG_RUNTIME_DIR"):
            raise SourceUnavailable("no session D-Bus (DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR unset)")
        try:
            from dbus_fast.aio import MessageBus
        except ImportError:
            raise SourceUnavailable("dbus-fast is not installed (it comes with desktop-notifier)") from None
        self._loop = LoopThread("gnome-idle-dbus")
        self._bus: Any = None
        # The address in the environment we were given (the factory's), else dbus-fast's own lookup.
        address = environ.get("DBUS_SESSION_BUS_ADDRESS") or None

        async def connect() -> Any:
            return await MessageBus(bus_address=address).connect()

        try:
            self._bus = self._loop.run(connect(), CALL_TIMEOUT_SECONDS)
            self.idle_seconds()  # fails here, not later, when Mutter is not running
        except SourceUnavailable:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise SourceUnavailable(f"cannot reach the session D-Bus: {exc}") from None

    def _call(self, destination: str, path: str, interface: str, member: str) -> Any:
        from dbus_fast import Message, MessageType

        message = Message(destination=destination, path=path, interface=interface, member=member)
        try:
            reply = self._loop.run(self._bus.call(message), CALL_TIMEOUT_SECONDS)
        except Exception as exc:
            raise SourceUnavailable(f"{interface}.{member} failed: {exc!r}") from None
        if reply.message_type == MessageType.ERROR:
            raise SourceUnavailable(f"{interface}.{member}: {reply.error_name} {reply.body}")
        return reply.body[0]

    def idle_seconds(self) -> float:
        return float(self._call(MUTTER, MUTTER_PATH, MUTTER, "GetIdletime")) / 1000.0

    def screen_locked(self) -> bool:
        try:
            return bool(self._call(SCREENSAVER, SCREENSAVER_PATH, SCREENSAVER, "GetActive"))
        except SourceUnavailable:
            return False  # no GNOME screensaver service: the idle time still tells us about absences

    def close(self) -> None:
        bus = getattr(self, "_bus", None)
        if bus is not None:
            bus.disconnect()
            self._bus = None
        self._loop.stop()
