"""One asyncio loop in a daemon thread, for the backends whose libraries are asyncio-only (dbus-fast,
desktop-notifier), so the timer's loop stays plain and synchronous.

A thread of its own, rather than run_until_complete here, because the caller's thread may already run
a loop (an embedding application, a test harness); the thread sleeps in epoll until a call arrives.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Runs the coroutine on the loop thread and waits for it, at most `timeout` seconds."""
        if self.loop.is_closed():
            coroutine.close()
            raise RuntimeError("the loop thread is stopped")
        future = asyncio.run_coroutine_threadsafe(asyncio.wait_for(coroutine, timeout), self.loop)
        return future.result(timeout + 1)

    def stop(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()
