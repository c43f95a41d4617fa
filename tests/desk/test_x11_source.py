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

IN_CI = os.environ.get("CI", "").lower() == "true"


def _require(tool: str, package: str) -> None:
    if shutil.which(tool) is None:
        message = f"{tool} is not installed (Debian: apt-get install {package})"
        if IN_CI:
            pytest.fail(f"{message}; under CI=true the X11 idle test must run")
        pytest.skip(message)


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
