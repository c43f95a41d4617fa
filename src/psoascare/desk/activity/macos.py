"""macOS: HIDIdleTime from the IOHIDSystem service (IOKit) and the session's lock flag (Quartz), via ctypes.

Written against Apple's documented C APIs; it type-checks everywhere and loads only on macOS.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

from psoascare.desk.activity.base import ActivitySource, SourceUnavailable

K_CF_NUMBER_SINT64 = 4
K_CF_STRING_ENCODING_UTF8 = 0x08000100
K_IO_MAIN_PORT_DEFAULT = 0


class MacOSSource(ActivitySource):
    name = "macOS IOKit HIDIdleTime"
    # Declared here: on other platforms mypy skips __init__'s body after the platform check.
    _iokit: ctypes.CDLL
    _cf: ctypes.CDLL
    _quartz: ctypes.CDLL | None
    _service: int
    _idle_key: int
    _locked_key: int

    def __init__(self) -> None:
        if sys.platform != "darwin":
            raise SourceUnavailable("HIDIdleTime exists only on macOS")
        try:
            iokit = ctypes.CDLL(ctypes.util.find_library("IOKit") or "IOKit")
            cf = ctypes.CDLL(ctypes.util.find_library("CoreFoundation") or "CoreFoundation")
            self._quartz = ctypes.CDLL(ctypes.util.find_library("ApplicationServices") or "ApplicationServices")
        except OSError as exc:
            raise SourceUnavailable(f"cannot load IOKit/CoreFoundation: {exc}") from None
        self._iokit, self._cf = iokit, cf
        cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
        cf.CFStringCreateWithCString.restype = ctypes.c_void_p
        cf.CFNumberGetValue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
        cf.CFNumberGetValue.restype = ctypes.c_bool
        cf.CFDictionaryGetValue.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        cf.CFDictionaryGetValue.restype = ctypes.c_void_p
        cf.CFBooleanGetValue.argtypes = [ctypes.c_void_p]
        cf.CFBooleanGetValue.restype = ctypes.c_bool
        cf.CFRelease.argtypes = [ctypes.c_void_p]
        iokit.IOServiceMatching.argtypes = [ctypes.c_char_p]
        iokit.IOServiceMatching.restype = ctypes.c_void_p
        iokit.IOServiceGetMatchingService.argtypes = [ctypes.c_uint32, ctypes.c_void_p]
        iokit.IOServiceGetMatchingService.restype = ctypes.c_uint32
        iokit.IORegistryEntryCreateCFProperty.argtypes = [
            ctypes.c_uint32,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_uint32,
        ]
        iokit.IORegistryEntryCreateCFProperty.restype = ctypes.c_void_p
        iokit.IOObjectRelease.argtypes = [ctypes.c_uint32]
        if self._quartz is not None:
            self._quartz.CGSessionCopyCurrentDictionary.restype = ctypes.c_void_p
        # IOServiceGetMatchingService consumes the matching dictionary: no CFRelease for it.
        self._service = iokit.IOServiceGetMatchingService(
            K_IO_MAIN_PORT_DEFAULT, iokit.IOServiceMatching(b"IOHIDSystem")
        )
        if not self._service:
            raise SourceUnavailable("no IOHIDSystem service")
        self._idle_key = cf.CFStringCreateWithCString(None, b"HIDIdleTime", K_CF_STRING_ENCODING_UTF8)
        self._locked_key = cf.CFStringCreateWithCString(None, b"CGSSessionScreenIsLocked", K_CF_STRING_ENCODING_UTF8)

    def idle_seconds(self) -> float:
        number = self._iokit.IORegistryEntryCreateCFProperty(self._service, self._idle_key, None, 0)
        if not number:
            raise SourceUnavailable("IOHIDSystem has no HIDIdleTime")
        try:
            nanoseconds = ctypes.c_int64()
            if not self._cf.CFNumberGetValue(number, K_CF_NUMBER_SINT64, ctypes.byref(nanoseconds)):
                raise SourceUnavailable("HIDIdleTime is not a 64-bit number")
        finally:
            self._cf.CFRelease(number)
        return nanoseconds.value / 1e9

    def screen_locked(self) -> bool:
        if self._quartz is None:
            return False
        session = self._quartz.CGSessionCopyCurrentDictionary()
        if not session:
            return False
        try:
            flag = self._cf.CFDictionaryGetValue(session, self._locked_key)
            return bool(flag) and bool(self._cf.CFBooleanGetValue(flag))
        finally:
            self._cf.CFRelease(session)

    def close(self) -> None:
        if self._service:
            self._iokit.IOObjectRelease(self._service)
            self._cf.CFRelease(self._idle_key)
            self._cf.CFRelease(self._locked_key)
            self._service = 0
