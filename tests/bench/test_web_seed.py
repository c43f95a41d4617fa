"""The web benchmark's seed still fits the schema: a tiny size seeded into a real PostgreSQL database, migrated
by `psoascare setup` as the benchmark does, gives the rows the size promises. (A new NOT NULL column once broke
the seed unnoticed until the next benchmark run.)"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from bench import bench_web
from tests.web.test_postgres import ADMIN_URL

pytestmark = pytest.mark.slow


def test_the_seed_fills_a_migrated_database(tmp_path: Path) -> None:
    import psycopg

    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL}: {exc}")
        pytest.skip(f"no PostgreSQL at {ADMIN_URL} ({exc.__class__.__name__})")
    database = f"psoascare_test_seed_{uuid.uuid4().hex[:8]}"
    size = bench_web.SIZES["tiny"]
    env = bench_web._environment(database, tmp_path)
    try:
        seconds, rows = bench_web.seed(database, size, env, figures=False)
        assert seconds is not None
        clients, days = size.clients, size.days
        screenings = clients + sum(1 for c in range(clients) if c % 97 == 13)
        # pain, two ticks, one session and three desk breaks a day for each client; the screenings
        assert rows == clients * days * (1 + 2 + 1 + 3) + screenings
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'.encode())
