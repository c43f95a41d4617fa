"""Django's PostgreSQL backend, whose health check runs only on a connection that has been idle.

With persistent connections Django checks each one with a `SELECT 1` round trip at the start of every request
(CONN_HEALTH_CHECKS), so that a connection the server dropped (a restart, a failover, an idle timeout) is
replaced before a query fails on it. Under load that round trip was a third of the calendar feed's time. A
connection used in the last IDLE_CHECK_SECONDS has just answered; it is checked again once it has been idle
longer than that, which is when a dropped connection is likely.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

IDLE_CHECK_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_used = float("-inf")

    def close_if_health_check_failed(self) -> None:
        django: Any = self  # health_check_enabled and _cursor are not in django-stubs
        if self.connection is not None and time.monotonic() - self.last_used < IDLE_CHECK_SECONDS:
            django.health_check_done = True  # Django's check then returns at once
        super().close_if_health_check_failed()

    def _cursor(self, name: str | None = None) -> Any:
        parent: Any = super()
        cursor = parent._cursor(name)  # checks the connection first, when it has been idle
        self.last_used = time.monotonic()
        return cursor

    def connect(self) -> None:
        super().connect()
        self.last_used = time.monotonic()
