"""Windows: GetLastInputInfo (user32) for the idle time; OpenInputDesktop failing means the lock screen."""

from __future__ import annotations

import ctypes
import sys

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable

DESKTOP_SWITCHDESKTOP = 0x0100


class LastInputInfo(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint32), ("dwTime", ctypes.c_uint32)]


class WindowsSource(ActivitySource):
    name = "Windows GetLastInputInfo"
    # Declared here: on other platforms mypy skips __init__'s body after the platform check.
    _user32: ctypes.CDLL
    _kernel32: ctypes.CDLL
    _info: LastInputInfo

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise SourceUnavailable("GetLastInputInfo exists only on Windows")
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)
        self._kernel32 = ctypes.WinDLL("kernel32")
        self._kernel32.GetTickCount.restype = ctypes.c_uint32
        self._user32.OpenInputDesktop.restype = ctypes.c_void_p
        self._user32.CloseDesktop.argtypes = [ctypes.c_void_p]
        self._info = LastInputInfo(cbSize=ctypes.sizeof(LastInputInfo))
        self.idle_seconds()

    def idle_seconds(self) -> float:
        if sys.platform != "win32":
            raise SourceUnavailable("GetLastInputInfo exists only on Windows")
        if not self._user32.GetLastInputInfo(ctypes.byref(self._info)):
            raise SourceUnavailable(f"GetLastInputInfo failed: {ctypes.get_last_error()}")
        # Both are 32-bit millisecond tick counts that wrap every 49.7 days; unsigned subtraction copes.
        return ((self._kernel32.GetTickCount() - self._info.dwTime) & 0xFFFFFFFF) / 1000.0

    def screen_locked(self) -> bool:
        if sys.platform != "win32":
            return False
        desktop = self._user32.OpenInputDesktop(0, False, DESKTOP_SWITCHDESKTOP)
        if not desktop:
            return True  # the secure desktop (lock screen, UAC) is in front
        self._user32.CloseDesktop(desktop)
        return False
