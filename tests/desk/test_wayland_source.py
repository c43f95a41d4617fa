"""The ext-idle-notify client against a scripted compositor speaking the Wayland wire format."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from psoascare.desk.activity.base import SourceUnavailable
from psoascare.desk.activity.wayland import (
    NOTIFY_AFTER_MS,
    WaylandIdleNotifySource,
    decode_string,
    encode_message,
    encode_string,
)


class ScriptedCompositor:
    """Answers the registry, sync and bind requests; records what the client asked for."""

    def __init__(self, path: Path, offers_idle_notify: bool = True) -> None:
        self.globals = [(1, "wl_compositor", 5), (2, "wl_seat", 7)]
        if offers_idle_notify:
            self.globals.append((3, "ext_idle_notifier_v1", 1))
        self.bound: dict[str, int] = {}
        self.notification: tuple[int, int, int] | None = None  # (id, timeout, seat)
        self.registered = threading.Event()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen(1)
        self._client: socket.socket | None = None
        threading.Thread(target=self._serve, daemon=True).start()

    def send(self, object_id: int, opcode: int, payload: bytes = b"") -> None:
        assert self._client is not None
        self._client.sendall(encode_message(object_id, opcode, payload))

    def _serve(self) -> None:
        self._client, _ = self._server.accept()
        buffer = b""
        registry = None
        bound_ids: dict[int, str] = {}
        while True:
            try:
                chunk = self._client.recv(4096)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while len(buffer) >= 8:
                object_id, size_opcode = struct.unpack_from("=II", buffer)
                size, opcode = size_opcode >> 16, size_opcode & 0xFFFF
                if len(buffer) < size:
                    break
                payload, buffer = buffer[8:size], buffer[size:]
                if object_id == 1 and opcode == 1:  # get_registry
                    (registry,) = struct.unpack("=I", payload)
                    for name, interface, version in self.globals:
                        self.send(
                            registry, 0, struct.pack("=I", name) + encode_string(interface) + struct.pack("=I", version)
                        )
                elif object_id == 1 and opcode == 0:  # sync
                    (callback,) = struct.unpack("=I", payload)
                    self.send(callback, 0, struct.pack("=I", 0))
                elif object_id == registry and opcode == 0:  # bind
                    (name,) = struct.unpack_from("=I", payload)
                    interface, offset = decode_string(payload, 4)
                    _, new_id = struct.unpack_from("=II", payload, offset)
                    assert any(g[0] == name and g[1] == interface for g in self.globals)
                    self.bound[interface] = new_id
                    bound_ids[new_id] = interface
                elif bound_ids.get(object_id) == "ext_idle_notifier_v1" and opcode == 1:
                    self.notification = struct.unpack("=III", payload)
                    self.registered.set()

    def close(self) -> None:
        if self._client is not None:
            # shutdown, not just close: the serving thread's blocked recv keeps the socket alive otherwise.
            self._client.shutdown(socket.SHUT_RDWR)
            self._client.close()
        self._server.close()


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def compositor_path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "wayland-test"


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    for _ in range(200):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_it_asks_for_idle_notifications_and_follows_idled_and_resumed(compositor_path: Path) -> None:
    compositor = ScriptedCompositor(compositor_path)
    clock = FakeMonotonic()
    source = WaylandIdleNotifySource(compositor_path, monotonic=clock)
    try:
        assert compositor.registered.is_set()
        assert compositor.notification is not None
        notification_id, timeout_ms, seat = compositor.notification
        assert timeout_ms == NOTIFY_AFTER_MS
        assert seat == compositor.bound["wl_seat"]
        assert source.idle_seconds() == 0.0

        compositor.send(notification_id, 0)  # idled
        _wait_for(lambda: source.idle_seconds() > 0, "the idled event")
        assert source.idle_seconds() == pytest.approx(NOTIFY_AFTER_MS / 1000)
        clock.value += 60
        assert source.idle_seconds() == pytest.approx(60 + NOTIFY_AFTER_MS / 1000)

        compositor.send(notification_id, 1)  # resumed
        _wait_for(lambda: source.idle_seconds() == 0.0, "the resumed event")
        assert source.screen_locked() is False
    finally:
        source.close()
        compositor.close()


def test_it_says_clearly_when_the_compositor_lacks_ext_idle_notify(compositor_path: Path) -> None:
    compositor = ScriptedCompositor(compositor_path, offers_idle_notify=False)
    try:
        with pytest.raises(SourceUnavailable, match="does not offer ext-idle-notify-v1"):
            WaylandIdleNotifySource(compositor_path)
    finally:
        compositor.close()


def test_it_reports_a_lost_compositor_instead_of_claiming_zero_idle(compositor_path: Path) -> None:
    compositor = ScriptedCompositor(compositor_path)
    source = WaylandIdleNotifySource(compositor_path)
    compositor.close()

    def lost() -> bool:
        try:
            source.idle_seconds()
        except SourceUnavailable:
            return True
        return False

    _wait_for(lost, "the closed connection to show")
    source.close()
