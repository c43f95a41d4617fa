"""The D-Bus backends against real D-Bus: a private dbus-daemon with stand-in GNOME and notification services."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from dbus_fast import Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusBool, DBusSignature, DBusStr, DBusUInt32, DBusUInt64
from dbus_fast.service import ServiceInterface, method, signal

from psoascare.desk.activity.base import SourceUnavailable
from psoascare.desk.activity.factory import choose_activity_source
from psoascare.desk.activity.gnome import GnomeMutterSource
from psoascare.desk.notify.native import NativeNotifier

from .tools import tool_missing

Strings = Annotated[list[str], DBusSignature("as")]
Hints = Annotated[dict[str, Variant], DBusSignature("a{sv}")]
Int32 = Annotated[int, DBusSignature("i")]


class IdleMonitor(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.gnome.Mutter.IdleMonitor")
        self.idle_ms = 0

    @method()
    def GetIdletime(self) -> DBusUInt64:
        return self.idle_ms


class ScreenSaver(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.gnome.ScreenSaver")
        self.active = False

    @method()
    def GetActive(self) -> DBusBool:
        return self.active


class Notifications(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.received: list[tuple[str, str, int]] = []

    @method()
    def Notify(
        self, app_name: DBusStr, replaces_id: DBusUInt32, app_icon: DBusStr, summary: DBusStr, body: DBusStr,
        actions: Strings, hints: Hints, expire_timeout: Int32,
    ) -> DBusUInt32:  # fmt: skip
        urgency = hints["urgency"].value if "urgency" in hints else -1
        self.received.append((summary, body, urgency))
        return len(self.received)

    @method()
    def GetCapabilities(self) -> Strings:
        return ["body"]

    @method()
    def GetServerInformation(self) -> Annotated[tuple[str, str, str, str], DBusSignature("ssss")]:
        return ("stand-in", "psoascare tests", "1.0", "1.2")

    @method()
    def CloseNotification(self, notification_id: DBusUInt32):  # type: ignore[no-untyped-def]  # D-Bus: no reply value
        return None

    @signal()
    def NotificationClosed(self) -> Annotated[tuple[int, int], DBusSignature("uu")]:
        return (0, 0)


class PrivateBus:
    """A session dbus-daemon of our own, and an event loop thread serving stand-in services on it."""

    def __init__(self) -> None:
        if shutil.which("dbus-daemon") is None:
            tool_missing(
                "dbus-daemon is not installed (Debian: apt-get install dbus-daemon)",
                "the D-Bus backends must be tested",
            )
        self.daemon = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.daemon.stdout is not None
        self.address = self.daemon.stdout.readline().strip()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def serve(self, name: str, path: str, *interfaces: ServiceInterface) -> None:
        async def export() -> Any:
            bus = await MessageBus(bus_address=self.address).connect()
            for interface in interfaces:
                bus.export(path, interface)
            await bus.request_name(name)
            return bus

        asyncio.run_coroutine_threadsafe(export(), self.loop).result(timeout=10)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.daemon.terminate()
        self.daemon.wait(timeout=10)


@pytest.fixture
def private_bus() -> Iterator[PrivateBus]:
    bus = PrivateBus()
    try:
        yield bus
    finally:
        bus.close()


def test_the_gnome_source_reads_mutters_idle_time_and_the_lock(private_bus: PrivateBus) -> None:
    monitor, saver = IdleMonitor(), ScreenSaver()
    private_bus.serve("org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core", monitor)
    private_bus.serve("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", saver)
    environ = {
        "DBUS_SESSION_BUS_ADDRESS": private_bus.address,
        "WAYLAND_DISPLAY": "wayland-0",
        "XDG_CURRENT_DESKTOP": "GNOME",
    }
    choice = choose_activity_source(platform="linux", environ=environ)
    source = choice.source
    try:
        assert isinstance(source, GnomeMutterSource), choice.passed_over
        assert source.idle_seconds() == 0.0
        monitor.idle_ms = 125_500
        saver.active = True
        sample = source.sample()
        assert sample.idle_seconds == 125.5 and sample.screen_locked is True
    finally:
        source.close()


def test_the_gnome_source_says_when_mutter_is_not_there(private_bus: PrivateBus) -> None:
    with pytest.raises(SourceUnavailable, match="GetIdletime"):
        GnomeMutterSource({"DBUS_SESSION_BUS_ADDRESS": private_bus.address})


def test_native_notifications_reach_the_notification_service(
    private_bus: PrivateBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Notifications()
    private_bus.serve("org.freedesktop.Notifications", "/org/freedesktop/Notifications", service)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus.address)
    notifier = NativeNotifier()
    notifier.notify("Time to move", "60 minutes of sitting. Walk for a minute.")
    notifier.notify("Time to move", "Time to stand up now.", urgent=True)
    assert service.received == [
        ("Time to move", "60 minutes of sitting. Walk for a minute.", 1),
        ("Time to move", "Time to stand up now.", 2),
    ]
