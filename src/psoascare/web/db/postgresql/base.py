"""Django's PostgreSQL backend, whose health check runs only on a connection that has been idle, and which reads
timestamps with psycopg's own parser.

With persistent connections Django checks each one with a `SELECT 1` round trip at the start of every request
(CONN_HEALTH_CHECKS), so that a connection the server dropped (a restart, a failover, an idle timeout) is
replaced before a query fails on it. Under load that round trip was a third of the calendar feed's time. A
connection used in the last IDLE_CHECK_SECONDS has just answered; it is checked again once it has been idle
longer than that, which is when a dropped connection is likely.

Django reads each `timestamptz` through its own loader (`psycopg_any.BaseTzLoader`), a subclass of psycopg's
pure-Python one, so that it can set the connection's time zone on the result: 8.5 µs a value against 0.5 µs for
psycopg's C loader (psycopg's binary package), measured on the machine of docs/benchmarks.md's 02 Dec 06:33
run. `TimestamptzLoader` here hands the text to psycopg's fastest loader and then sets the zone as Django does;
a page that loads a year of journal rows parses thousands of them.
"""

from __future__ import annotations

import time
from datetime import tzinfo
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg.abc import AdaptContext
from psycopg.adapt import Loader
from psycopg.pq import Format

IDLE_CHECK_SECONDS = 5.0
TIMESTAMPTZ = psycopg.postgres.types["timestamptz"].oid
# psycopg's own text loader: in C where psycopg's binary package is installed (a C class cannot be subclassed).
PSYCOPG_TIMESTAMPTZ = psycopg.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)


class TimestamptzLoader(Loader):
    """A `timestamptz` as Django reads it (in the connection's time zone), parsed by psycopg's own loader. Django
    registers a loader for each cursor whose `timezone` differs from its connection's, so it keeps the name."""

    timezone: tzinfo | None = None

    def __init__(self, oid: int, context: AdaptContext | None = None) -> None:
        super().__init__(oid, context)
        assert PSYCOPG_TIMESTAMPTZ is not None
        self._parse = PSYCOPG_TIMESTAMPTZ(oid, context).load

    def load(self, data: Any) -> Any:
        return self._parse(data).replace(tzinfo=self.timezone)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_used = float("-inf")

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        loader = type(
            "ConnectionTimestamptzLoader", (TimestamptzLoader,), {"timezone": self.timezone, "__module__": __name__}
        )
        params["context"].register_loader("timestamptz", loader)
        return params

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
