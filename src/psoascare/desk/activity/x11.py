"""X11: the idle time from the MIT-SCREEN-SAVER extension (libXss), read through ctypes.

Also tells a locked/blanked screen (the extension's state) and a full-screen video call in front
(EWMH _NET_ACTIVE_WINDOW with _NET_WM_STATE_FULLSCREEN, and a call app named in its class or title).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable
from psoascare.desk.policy import ActivitySample

SCREEN_SAVER_ON = 1  # ScreenSaverOn in X11/extensions/saver.h
ANY_PROPERTY_TYPE = 0
X_SUCCESS = 0
# Lower-case fragments of window classes and titles of video-call apps and call pages.
VIDEO_CALL_HINTS = ("zoom", "teams", "meet", "webex", "jitsi", "skype", "whereby", "slack huddle", "discord")


class XScreenSaverInfo(ctypes.Structure):
    _fields_ = [
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    ]


# Xlib's default error handler exits the process; a window closing between two calls must not.
_ERROR_HANDLER_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


@_ERROR_HANDLER_TYPE
def _ignore_x_error(display: Any, event: Any) -> int:
    return 0


def looks_like_video_call(window_class: str, title: str) -> bool:
    text = f"{window_class} {title}".lower()
    return any(hint in text for hint in VIDEO_CALL_HINTS)


def _load(name: str, fallback: str) -> ctypes.CDLL:
    path = ctypes.util.find_library(name) or fallback
    try:
        return ctypes.CDLL(path)
    except OSError as exc:
        raise SourceUnavailable(f"{fallback} not found ({exc}); on Debian: apt-get install libxss1") from None


class X11Source(ActivitySource):
    name = "X11 screensaver extension"

    def __init__(self, display_name: str | None = None) -> None:
        display_name = display_name or os.environ.get("DISPLAY", "")
        if not display_name:
            raise SourceUnavailable("DISPLAY is not set, so there is no X server to ask")
        self._x11 = _load("X11", "libX11.so.6")
        self._xss = _load("Xss", "libXss.so.1")
        x11, xss = self._x11, self._xss
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x11.XFree.argtypes = [ctypes.c_void_p]
        x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x11.XInternAtom.restype = ctypes.c_ulong
        x11.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long, ctypes.c_int,
            ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p),
        ]  # fmt: skip
        x11.XGetWindowProperty.restype = ctypes.c_int
        x11.XSetErrorHandler.argtypes = [_ERROR_HANDLER_TYPE]
        x11.XSetErrorHandler.restype = ctypes.c_void_p
        xss.XScreenSaverQueryExtension.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_int),
        ]
        xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(XScreenSaverInfo)
        xss.XScreenSaverQueryInfo.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(XScreenSaverInfo)]

        x11.XSetErrorHandler(_ignore_x_error)
        self._display = x11.XOpenDisplay(display_name.encode())
        if not self._display:
            raise SourceUnavailable(f"cannot open X display {display_name!r}")
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not xss.XScreenSaverQueryExtension(self._display, ctypes.byref(event_base), ctypes.byref(error_base)):
            x11.XCloseDisplay(self._display)
            self._display = None
            raise SourceUnavailable(f"X display {display_name!r} has no MIT-SCREEN-SAVER extension")
        self._root = x11.XDefaultRootWindow(self._display)
        self._info = xss.XScreenSaverAllocInfo()
        self._atoms: dict[str, int] = {}

    def _query(self) -> XScreenSaverInfo:
        if not self._display:
            raise SourceUnavailable("the X display is closed")
        if not self._xss.XScreenSaverQueryInfo(self._display, self._root, self._info):
            raise SourceUnavailable("XScreenSaverQueryInfo failed")
        return self._info.contents

    def idle_seconds(self) -> float:
        return float(self._query().idle) / 1000.0

    def screen_locked(self) -> bool:
        # Screen lockers on X11 run as (or with) the screensaver, so "saver on" is the lock we can see.
        return self._query().state == SCREEN_SAVER_ON

    def sample(self) -> ActivitySample:
        # One round trip to the server for idle time and saver state, not one for each.
        info = self._query()
        return ActivitySample(
            idle_seconds=float(info.idle) / 1000.0,
            screen_locked=info.state == SCREEN_SAVER_ON,
            in_video_call=self.in_video_call(),
        )

    def in_video_call(self) -> bool:
        active = self._window_property(self._root, "_NET_ACTIVE_WINDOW", "WINDOW")
        if not active or not active[0]:
            return False  # no EWMH window manager, or nothing focused
        window = active[0]
        states = self._window_property(window, "_NET_WM_STATE", "ATOM") or []
        if self._atom("_NET_WM_STATE_FULLSCREEN") not in states:
            return False
        return looks_like_video_call(
            self._text_property(window, "WM_CLASS"), self._text_property(window, "_NET_WM_NAME")
        )

    def _atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = int(self._x11.XInternAtom(self._display, name.encode(), 0))
        return self._atoms[name]

    def _raw_property(self, window: int, name: str, type_name: str | None) -> tuple[int, int, bytes] | None:
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        count, remaining, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self._x11.XGetWindowProperty(
            self._display, window, self._atom(name), 0, 1024, 0,
            self._atom(type_name) if type_name else ANY_PROPERTY_TYPE,
            ctypes.byref(actual_type), ctypes.byref(actual_format), ctypes.byref(count),
            ctypes.byref(remaining), ctypes.byref(data),
        )  # fmt: skip
        if status != X_SUCCESS or not data.value:
            return None
        try:
            # Xlib returns 32-bit items as C longs, whatever the format says.
            item_size = {8: 1, 16: ctypes.sizeof(ctypes.c_short), 32: ctypes.sizeof(ctypes.c_long)}.get(
                actual_format.value, 1
            )
            raw = ctypes.string_at(data.value, count.value * item_size)
        finally:
            self._x11.XFree(data)
        return actual_format.value, count.value, raw

    def _window_property(self, window: int, name: str, type_name: str) -> list[int] | None:
        found = self._raw_property(window, name, type_name)
        if found is None or found[0] != 32:
            return None
        _, count, raw = found
        return list((ctypes.c_ulong * count).from_buffer_copy(raw))

    def _text_property(self, window: int, name: str) -> str:
        found = self._raw_property(window, name, None)
        if found is None or found[0] != 8:
            return ""
        return found[2].replace(b"\0", b" ").decode("utf-8", "replace").strip()

    def close(self) -> None:
        if self._display:
            self._x11.XFree(self._info)
            self._x11.XCloseDisplay(self._display)
            self._display = None
