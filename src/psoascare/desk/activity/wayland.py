"""Other Wayland compositors (sway, Hyprland, KDE Plasma 6, niri, ...): the ext-idle-notify-v1 protocol.

A tiny Wayland client over the compositor's Unix socket, speaking only what this needs: the registry,
wl_seat (to name the seat) and ext_idle_notifier_v1. The compositor sends `idled` after
NOTIFY_AFTER_MS without input and `resumed` at the next input; a daemon thread blocks on the socket
and time-stamps them as they arrive (it wakes only when the person pauses or comes back).

The protocol has no lock-screen signal, so `screen_locked()` is False; a locked screen still shows
as no input, which is what the policy needs to see an absence.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable

DISPLAY_ID = 1
NOTIFY_AFTER_MS = 5000  # a compositor event per pause of 5 s or more, not per keystroke gap
HANDSHAKE_TIMEOUT_SECONDS = 2.0
NOTIFIER_INTERFACE = "ext_idle_notifier_v1"


def encode_string(text: str) -> bytes:
    raw = text.encode() + b"\0"
    return struct.pack("=I", len(raw)) + raw + b"\0" * (-len(raw) % 4)


def decode_string(payload: bytes, offset: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("=I", payload, offset)
    start = offset + 4
    text = payload[start : start + length - 1].decode("utf-8", "replace")
    return text, start + length + (-length % 4)


def encode_message(object_id: int, opcode: int, payload: bytes) -> bytes:
    return struct.pack("=II", object_id, ((8 + len(payload)) << 16) | opcode) + payload


def socket_path(environ: Mapping[str, str]) -> Path:
    display = environ.get("WAYLAND_DISPLAY", "")
    if not display:
        raise SourceUnavailable("WAYLAND_DISPLAY is not set")
    if display.startswith("/"):
        return Path(display)
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    if not runtime:
        raise SourceUnavailable("XDG_RUNTIME_DIR is not set, so the Wayland socket cannot be found")
    return Path(runtime) / display


class WaylandIdleNotifySource(ActivitySource):
    name = "Wayland ext-idle-notify-v1"

    def __init__(self, path: Path | None = None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._idled_at: float | None = None
        self._closed = False
        self._buffer = b""
        self._next_id = DISPLAY_ID + 1
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            self._sock.connect(str(path or socket_path(os.environ)))
            self._handshake()
        except SourceUnavailable:
            self._sock.close()
            raise
        except OSError as exc:
            self._sock.close()
            raise SourceUnavailable(f"cannot talk to the Wayland compositor: {exc}") from None
        self._sock.settimeout(None)
        self._reader = threading.Thread(target=self._read_events, name="wayland-idle", daemon=True)
        self._reader.start()

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _send(self, object_id: int, opcode: int, payload: bytes = b"") -> None:
        self._sock.sendall(encode_message(object_id, opcode, payload))

    def _receive(self) -> tuple[int, int, bytes]:
        while True:
            if len(self._buffer) >= 8:
                object_id, size_opcode = struct.unpack_from("=II", self._buffer)
                size = size_opcode >> 16
                if size < 8:
                    raise SourceUnavailable("malformed message from the compositor")
                if len(self._buffer) >= size:
                    payload = self._buffer[8:size]
                    self._buffer = self._buffer[size:]
                    return object_id, size_opcode & 0xFFFF, payload
            chunk = self._sock.recv(4096)
            if not chunk:
                raise SourceUnavailable("the compositor closed the connection")
            self._buffer += chunk

    def _roundtrip(self, on_event: Callable[[int, int, bytes], None]) -> None:
        callback = self._new_id()
        self._send(DISPLAY_ID, 0, struct.pack("=I", callback))  # wl_display.sync
        while True:
            object_id, opcode, payload = self._receive()
            if object_id == DISPLAY_ID and opcode == 0:  # wl_display.error
                _, code = struct.unpack_from("=II", payload)
                message, _ = decode_string(payload, 8)
                raise SourceUnavailable(f"compositor error {code}: {message}")
            if object_id == callback and opcode == 0:  # wl_callback.done
                return
            on_event(object_id, opcode, payload)

    def _handshake(self) -> None:
        registry = self._new_id()
        self._send(DISPLAY_ID, 1, struct.pack("=I", registry))  # wl_display.get_registry
        globals_by_interface: dict[str, tuple[int, int]] = {}

        def on_global(object_id: int, opcode: int, payload: bytes) -> None:
            if object_id == registry and opcode == 0:  # wl_registry.global(name, interface, version)
                (name,) = struct.unpack_from("=I", payload)
                interface, offset = decode_string(payload, 4)
                (version,) = struct.unpack_from("=I", payload, offset)
                globals_by_interface.setdefault(interface, (name, version))

        self._roundtrip(on_global)
        if NOTIFIER_INTERFACE not in globals_by_interface:
            raise SourceUnavailable(
                "this Wayland compositor does not offer ext-idle-notify-v1 "
                "(GNOME uses Mutter's IdleMonitor instead; older compositors have neither)"
            )
        if "wl_seat" not in globals_by_interface:
            raise SourceUnavailable("this Wayland compositor offers no seat")

        def bind(interface: str) -> int:
            new_id = self._new_id()
            name, _ = globals_by_interface[interface]
            payload = struct.pack("=I", name) + encode_string(interface) + struct.pack("=II", 1, new_id)
            self._send(registry, 0, payload)  # wl_registry.bind, version 1
            return new_id

        notifier = bind(NOTIFIER_INTERFACE)
        seat = bind("wl_seat")
        self._notification = self._new_id()
        # ext_idle_notifier_v1.get_idle_notification(id, timeout_ms, seat)
        self._send(notifier, 1, struct.pack("=III", self._notification, NOTIFY_AFTER_MS, seat))
        self._roundtrip(self._on_event)  # a protocol error on the requests above surfaces here

    def _on_event(self, object_id: int, opcode: int, payload: bytes) -> None:
        if object_id != self._notification:
            return
        with self._lock:
            if opcode == 0:  # idled: no input for NOTIFY_AFTER_MS until now
                self._idled_at = self._monotonic() - NOTIFY_AFTER_MS / 1000
            elif opcode == 1:  # resumed
                self._idled_at = None

    def _read_events(self) -> None:
        try:
            while not self._closed:
                self._on_event(*self._receive())
        except (OSError, SourceUnavailable):
            with self._lock:
                self._closed = True

    def idle_seconds(self) -> float:
        with self._lock:
            if self._closed:
                raise SourceUnavailable("the Wayland connection is closed")
            if self._idled_at is None:
                return 0.0
            return max(0.0, self._monotonic() - self._idled_at)

    def screen_locked(self) -> bool:
        return False

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
