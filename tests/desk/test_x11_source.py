"""The X11 backend against a real X server (Xvfb), with real pointer motion from xdotool."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from psoascare.desk.activity.base import SourceUnavailable
from psoascare.desk.activity.factory import choose_activity_source
from psoascare.desk.activity.x11 import X11Source, looks_like_video_call

from .tools import tool_missing


def _require(tool: str, package: str) -> None:
    if shutil.which(tool) is None:
        tool_missing(f"{tool} is not installed (Debian: apt-get install {package})", "the X11 idle test must run")


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number between :90 and :199")


@pytest.fixture(scope="module")
def xvfb_display() -> Iterator[str]:
    _require("Xvfb", "xvfb")
    _require("xdotool", "xdotool")
    number = _free_display()
    display = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", display, "-nolisten", "tcp", "-screen", "0", "800x600x24"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        socket_file = Path(f"/tmp/.X11-unix/X{number}")
        for _ in range(100):  # until the server listens (or dies)
            if socket_file.exists() or server.poll() is not None:
                break
            time.sleep(0.05)
        if server.poll() is not None:
            pytest.fail(f"Xvfb {display} exited: {server.stderr.read().decode() if server.stderr else ''}")
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def _move_mouse(display: str, x: int, y: int) -> None:
    subprocess.run(["xdotool", "mousemove", str(x), str(y)], env={**os.environ, "DISPLAY": display}, check=True)


def test_the_x11_source_sees_the_mouse_move_and_the_idle_time_grow(
    xvfb_display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    source = X11Source()
    try:
        assert source.can_see_activity
        time.sleep(1.0)
        before = source.idle_seconds()
        assert before >= 0.5, "Xvfb has had no input yet, so its idle time must have grown"
        _move_mouse(xvfb_display, 100, 120)
        after_move = source.idle_seconds()
        assert after_move < before
        assert after_move < 0.5
        time.sleep(2.0)
        later = source.idle_seconds()
        assert later >= after_move + 1.5
        sample = source.sample()
        assert sample.screen_locked is False
        assert sample.in_video_call is False  # no window manager, so nothing is in front
        _move_mouse(xvfb_display, 300, 200)
        assert source.idle_seconds() < later
    finally:
        source.close()


def test_the_factory_picks_x11_when_a_display_is_there(xvfb_display: str) -> None:
    choice = choose_activity_source(platform="linux", environ={"DISPLAY": xvfb_display})
    try:
        assert isinstance(choice.source, X11Source)
        assert choice.passed_over == []
    finally:
        choice.source.close()


def test_the_x11_source_says_clearly_when_there_is_no_server() -> None:
    unused = _free_display()
    with pytest.raises(SourceUnavailable, match="cannot open X display"):
        X11Source(f":{unused}")
    choice = choose_activity_source(platform="linux", environ={"DISPLAY": f":{unused}"})
    assert not choice.source.can_see_activity
    assert any("cannot open X display" in line for line in choice.passed_over)


def test_it_recognises_video_call_windows() -> None:
    assert looks_like_video_call("zoom.real zoom", "Zoom Meeting")
    assert looks_like_video_call("chromium Chromium", "Weekly sync - Google Meet - Chromium")
    assert not looks_like_video_call("mpv mpv", "holiday.mp4 - mpv")


class ScriptedWindowManager:
    """Sets the EWMH properties a window manager would, through Xlib, on the test's Xvfb."""

    def __init__(self, display: str) -> None:
        import ctypes

        self.c = ctypes
        x11 = ctypes.CDLL("libX11.so.6")
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XInternAtom.restype = ctypes.c_ulong
        x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x11.XCreateSimpleWindow.restype = ctypes.c_ulong
        x11.XCreateSimpleWindow.argtypes = (
            [ctypes.c_void_p, ctypes.c_ulong] + [ctypes.c_int] * 2 + [ctypes.c_uint] * 3 + [ctypes.c_ulong] * 2
        )
        x11.XChangeProperty.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_void_p,
            ctypes.c_int,
        ]
        x11.XDeleteProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
        x11.XDestroyWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.x11 = x11
        self.display = x11.XOpenDisplay(display.encode())
        assert self.display, f"cannot open {display}"
        self.root = x11.XDefaultRootWindow(self.display)
        self.windows: list[int] = []

    def atom(self, name: str) -> int:
        return int(self.x11.XInternAtom(self.display, name.encode(), 0))

    def _set(self, window: int, name: str, type_name: str, fmt: int, data: bytes | list[int]) -> None:
        if fmt == 8:
            assert isinstance(data, bytes)
            buffer, count = self.c.create_string_buffer(data, len(data)), len(data)
        else:
            assert isinstance(data, list)
            buffer, count = (self.c.c_long * len(data))(*data), len(data)  # format 32 is C longs in Xlib
        self.x11.XChangeProperty(self.display, window, self.atom(name), self.atom(type_name), fmt, 0, buffer, count)

    def focus_new_window(self, window_class: bytes, title: str, fullscreen: bool) -> None:
        window = int(self.x11.XCreateSimpleWindow(self.display, self.root, 0, 0, 200, 100, 0, 0, 0))
        self.windows.append(window)
        self._set(window, "WM_CLASS", "STRING", 8, window_class)
        self._set(window, "_NET_WM_NAME", "UTF8_STRING", 8, title.encode())
        self._set(window, "_NET_WM_STATE", "ATOM", 32, [self.atom("_NET_WM_STATE_FULLSCREEN")] if fullscreen else [])
        self._set(self.root, "_NET_ACTIVE_WINDOW", "WINDOW", 32, [window])
        self.x11.XSync(self.display, 0)

    def close(self) -> None:
        self.x11.XDeleteProperty(self.display, self.root, self.atom("_NET_ACTIVE_WINDOW"))
        for window in self.windows:
            self.x11.XDestroyWindow(self.display, window)
        self.x11.XSync(self.display, 0)
        self.x11.XCloseDisplay(self.display)


def test_the_x11_source_sees_a_full_screen_video_call_in_front(xvfb_display: str) -> None:
    source = X11Source(xvfb_display)
    manager = ScriptedWindowManager(xvfb_display)
    try:
        assert source.in_video_call() is False
        manager.focus_new_window(b"zoom\0zoom\0", "Zoom Meeting", fullscreen=True)
        assert source.in_video_call() is True
        assert source.sample().in_video_call is True
        manager.focus_new_window(b"zoom\0zoom\0", "Zoom Meeting", fullscreen=False)
        assert source.in_video_call() is False
        manager.focus_new_window(b"mpv\0mpv\0", "holiday.mp4 - mpv", fullscreen=True)
        assert source.in_video_call() is False
        manager.focus_new_window(b"chromium\0Chromium\0", "Weekly sync - Google Meet - Chromium", fullscreen=True)
        assert source.in_video_call() is True
    finally:
        manager.close()
        source.close()
