"""At scale the app runs on PostgreSQL (DATABASE_URL): migrations, demo content and the health check, for real.

Skips with a reason where no PostgreSQL answers on 127.0.0.1:5432; under CI=true a missing server fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ADMIN_URL = os.environ.get("PSOASCARE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def empty_database() -> Iterator[str]:
    import psycopg

    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL}: {exc}")
        pytest.skip(f"no PostgreSQL at {ADMIN_URL} ({exc.__class__.__name__})")
    name = f"psoascare_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def app_environment(database: str, data_dir: object) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database, "PSOASCARE_DATA_DIR": str(data_dir), "MUJOCO_GL": "off"}


def run_script(script: str, database: str, data_dir: object, *arguments: str) -> dict[str, str]:
    """Runs `script` in a Python of its own on `database`; its output lines "name value", as a dict."""
    done = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        env=app_environment(database, data_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


def test_it_migrates_and_serves_on_postgresql(empty_database: str, tmp_path: object) -> None:
    script = (
        "from psoascare.cli.serve import prepare\n"
        "lines = prepare(None, demo=True)\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.contrib.auth.models import User\n"
        "print('vendor', connection.vendor)\n"
        "print('users', User.objects.count())\n"
        "print('healthz', Client().get('/healthz').content.decode())\n"
        "print('lesson', Client().get('/learn/psoas/').status_code)\n"
    )
    lines = run_script(script, empty_database, tmp_path)
    assert lines["vendor"] == "postgresql"
    assert lines["users"] == "2"  # the demo therapist and client
    assert lines["healthz"] == "ok"
    assert lines["lesson"] == "200"


def test_a_connection_is_checked_only_after_it_has_been_idle(empty_database: str, tmp_path: object) -> None:
    """A dropped connection is replaced before a request uses it once it has been idle (web/db/postgresql); a
    connection that has just answered is not asked again (no `SELECT 1` round trip on every request)."""
    script = (
        "import sys, psycopg\n"
        "from psoascare.web.bootstrap import setup_django\n"
        "setup_django()\n"
        "from django.core.handlers.wsgi import WSGIHandler\n"
        "from django.db import connection\n"
        "from django.test import RequestFactory\n"
        "checks = []\n"
        "usable = connection.is_usable\n"
        "connection.is_usable = lambda: checks.append(1) or usable()\n"
        "app = WSGIHandler()  # the real handler: it resets the health check as each request starts\n"
        "def get(path):\n"
        "    body = []\n"
        "    environ = RequestFactory().get(path).environ\n"
        "    for chunk in app(environ, lambda status, headers: None): body.append(chunk)\n"
        "    return b''.join(body).decode()\n"
        "print('first', get('/healthz'))\n"
        "print('again', get('/healthz'), len(checks))\n"
        "pid = connection.connection.info.backend_pid\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as admin:\n"
        "    admin.execute('SELECT pg_terminate_backend(%s)', [pid])\n"
        "connection.last_used -= 60  # as if a minute had passed since the last request\n"
        "print('after', get('/healthz'), len(checks))\n"
        "print('replaced', connection.connection.info.backend_pid != pid)\n"
    )
    lines = run_script(script, empty_database, tmp_path, ADMIN_URL)
    assert lines["first"] == "ok"
    assert lines["again"] == "ok 0"  # used a moment ago: not checked
    assert lines["after"] == "ok 1"  # idle: checked, found dropped, replaced
    assert lines["replaced"] == "True"


def test_page_stamps_and_the_pages_cached_by_them_hold_on_postgresql(empty_database: str, tmp_path: object) -> None:
    """PostgreSQL keeps the page stamps with its own triggers (statement triggers over transition tables), so the
    stamp tests and the cache tests of Today and the feed run again there, in a pytest of their own."""
    root = Path(__file__).resolve().parents[2]
    modules = [
        "tests/web/journal/test_page_stamps.py",
        "tests/web/journal/test_today_cache.py",
        "tests/web/calendarfeed/test_feed_cache.py",
    ]
    env = app_environment(empty_database, tmp_path)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "scripts/run_pytest.py", "-q", "-p", "no:cacheprovider", *modules],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"\b(\d+) passed", done.stdout) is not None
    assert " failed" not in done.stdout and " skipped" not in done.stdout


def test_timestamps_are_read_as_djangos_own_loader_reads_them(empty_database: str, tmp_path: object) -> None:
    """web/db/postgresql reads `timestamptz` with psycopg's own (C) loader: the same values, zones included, as
    Django's loader gives, which is what a cursor gets once Django's is registered on it."""
    script = (
        "from psoascare.web.bootstrap import setup_django\n"
        "setup_django()\n"
        "from django.db import connection\n"
        "from django.db.backends.postgresql.psycopg_any import register_tzloader\n"
        "from psoascare.web.db.postgresql.base import TimestamptzLoader\n"
        "values = ['2026-03-29 01:30:00.5+02', '2026-10-25 02:59:59.999999+01', '1970-01-01 00:00:00+00',\n"
        "          '0001-01-01 00:00:00+00', '9999-12-31 23:59:59.999999+00', '2026-12-02 12:00:00-09:30']\n"
        "sql = 'SELECT ' + ', '.join('%s::timestamptz' for _ in values) + ', NULL::timestamptz, now()'\n"
        "with connection.cursor() as cursor:\n"
        "    loader = cursor.cursor.adapters.get_loader(1184, 0)\n"
        "    cursor.execute(sql, values)\n"
        "    ours = cursor.fetchone()\n"
        "with connection.cursor() as cursor:\n"
        "    register_tzloader(connection.timezone, cursor.cursor)\n"
        "    cursor.execute(sql, values)\n"
        "    djangos = cursor.fetchone()\n"
        "print('ours', issubclass(loader, TimestamptzLoader))\n"
        "print('same', ours[:-1] == djangos[:-1])\n"
        "print('zones', {str(value.tzinfo) for value in ours if value is not None} == {'UTC'})\n"
        "print('aware', ours[-1].tzinfo is djangos[-1].tzinfo)\n"
    )
    lines = run_script(script, empty_database, tmp_path)
    assert lines == {"ours": "True", "same": "True", "zones": "True", "aware": "True"}
