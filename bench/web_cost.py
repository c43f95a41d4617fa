"""Run by `python -m bench web` in child processes: where one request's CPU goes, in-process (no server, no
network, no load generator), so that the req/s shares can be read against what each page must do.

`python -m bench.web_cost hello` times the bare hello-world; `python -m bench.web_cost app PREPARED_JSON` (with
the benchmark's DATABASE_URL) times PsoasCare's pages through its whole WSGI stack (every middleware), a `SELECT 1`
through Django's cursor (the least any page with one query pays), and each hot statement's CPU inside the
PostgreSQL backend (read from /proc, so only where the server runs on this machine). Prints one JSON object of
microseconds, each the best of ROUNDS rounds: the machine's noise only ever adds.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

ROUNDS = 3


def best_per_call(clock: Callable[[], float], call: Callable[[], object], times: int) -> float:
    """Microseconds of `clock` (seconds of some CPU) per call, the best of ROUNDS rounds after a few untimed calls."""
    for _ in range(min(times, 20)):
        call()
    best = float("inf")
    for _ in range(ROUNDS):
        started = clock()
        for _ in range(times):
            call()
        best = min(best, (clock() - started) / times * 1e6)
    return best


def cpu_per_call(call: Callable[[], object], times: int) -> float:
    """Microseconds of this process's CPU per call."""
    return best_per_call(time.process_time, call, times)


def wsgi_get(application: Any, path: str, cookie: str = "") -> Callable[[], object]:
    """One GET through the whole WSGI application, as a server would hand it over; fails on anything not 200."""

    def call() -> None:
        statuses: list[str] = []
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        body: Iterable[bytes] = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        getattr(body, "close", lambda: None)()
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path}: {statuses[0]}")

    return call


def hello() -> dict[str, float]:
    from bench.web_hello import application

    return {"hello-world": cpu_per_call(wsgi_get(application, "/"), 5000)}


def backend_cpu_per_statement(sql: str, params: dict[str, Any], times: int = 3000) -> float | None:
    """Microseconds of the PostgreSQL backend's CPU per execution (prepared, as the app runs it), or None where
    the backend's /proc entry cannot be read."""
    from django.db import connection

    from psoascare.web.rawsql import read_row

    pid = read_row("SELECT pg_backend_pid()", {})
    stat = f"/proc/{pid[0] if pid else 0}/stat"
    if not os.access(stat, os.R_OK):
        return None

    def seconds() -> float:
        fields = open(stat).read().rsplit(")", 1)[1].split()  # noqa: SIM115
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    best = best_per_call(seconds, lambda: read_row(sql, params), times)
    connection.close()
    return best


def app(prepared: dict[str, Any]) -> dict[str, float | None]:
    from psoascare.web.bootstrap import setup_django

    setup_django()
    from django.core.wsgi import get_wsgi_application

    from psoascare.web.calendarfeed.models import _version_sql
    from psoascare.web.journal.versions import today_version_sql
    from psoascare.web.rawsql import read_row

    application = get_wsgi_application()
    csrf = prepared["csrf"]
    client = f"sessionid={prepared['client_session']}; csrftoken={csrf}"
    therapist = f"sessionid={prepared['therapist_session']}; csrftoken={csrf}"
    token = prepared["feed_path"].rsplit("/", 1)[1].removesuffix(".ics")
    return {
        "calendar feed": cpu_per_call(wsgi_get(application, prepared["feed_path"]), 2000),
        "Today": cpu_per_call(wsgi_get(application, "/today/", client), 1000),
        "client page": cpu_per_call(wsgi_get(application, f"/clinic/clients/{prepared['client_id']}/", therapist), 100),
        "SELECT 1 through Django": cpu_per_call(lambda: read_row("SELECT 1", {}), 5000),
        "backend: SELECT 1": backend_cpu_per_statement("SELECT 1", {}),
        "backend: feed version": backend_cpu_per_statement(_version_sql(), {"token": token}),
        "backend: Today version": backend_cpu_per_statement(today_version_sql(), {"user": prepared["client_id"]}),
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["hello"]:
        print(json.dumps(hello()))
    else:
        print(json.dumps(app(json.loads(sys.argv[2]))))
