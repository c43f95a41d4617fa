"""The factory: which backends it tries where, and that it always ends with something that works."""

from __future__ import annotations

from pathlib import Path

import pytest

from psoascare.desk.activity.factory import BACKENDS, candidates, choose_activity_source
from psoascare.desk.activity.fallback import PlainTimerSource
from psoascare.desk.activity.macos import MacOSSource
from psoascare.desk.activity.windows import WindowsSource


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("win32", {}, ["windows"]),
        ("darwin", {"DISPLAY": ":0"}, ["macos"]),
        ("linux", {"DISPLAY": ":0"}, ["x11"]),
        ("linux", {"DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, ["x11", "gnome"]),
        # Under Wayland, XWayland's idle clock misses native windows' input: never trust it.
        (
            "linux",
            {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "GNOME"},
            ["gnome", "wayland"],
        ),
        ("linux", {"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "sway"}, ["wayland", "gnome"]),
        ("linux", {}, []),
        ("freebsd14", {"DISPLAY": ":0"}, ["x11"]),
    ],
)
def test_it_tries_the_backends_that_fit_the_platform(
    platform: str, environ: dict[str, str], expected: list[str]
) -> None:
    assert candidates(platform, environ) == expected


def test_it_falls_back_to_a_plain_timer_that_says_it_cannot_see_activity() -> None:
    choice = choose_activity_source(platform="linux", environ={})
    assert isinstance(choice.source, PlainTimerSource)
    assert choice.source.can_see_activity is False
    assert choice.source.idle_seconds() == 0.0
    assert choice.passed_over == ["no display server found (neither WAYLAND_DISPLAY nor DISPLAY is set)"]


def test_it_reports_why_each_backend_was_passed_over(tmp_path: Path) -> None:
    environ = {"WAYLAND_DISPLAY": str(tmp_path / "no-such-socket"), "XDG_CURRENT_DESKTOP": "sway"}
    choice = choose_activity_source(platform="linux", environ=environ)
    assert isinstance(choice.source, PlainTimerSource)
    assert [line.split(":")[0] for line in choice.passed_over] == ["wayland", "gnome"]
    assert "cannot talk to the Wayland compositor" in choice.passed_over[0]
    assert "no session D-Bus" in choice.passed_over[1]


def test_the_other_platforms_backends_refuse_clearly_here() -> None:
    with pytest.raises(Exception, match="only on macOS"):
        MacOSSource()
    with pytest.raises(Exception, match="only on Windows"):
        WindowsSource()


def test_it_rejects_an_unknown_preferred_backend() -> None:
    with pytest.raises(ValueError, match="choose from"):
        choose_activity_source(preferred="amiga")
    assert "none" in BACKENDS
