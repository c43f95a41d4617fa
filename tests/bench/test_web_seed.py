"""The web benchmark's seed still fits the schema: a tiny size seeded into a real PostgreSQL database, migrated
by `psoascare setup` as the benchmark does, gives the rows the size promises. (A new NOT NULL column once broke
the seed unnoticed until the next benchmark run.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_web
from tests.web.test_postgres import empty_database  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow


def test_the_seed_fills_a_migrated_database(empty_database: str, tmp_path: Path) -> None:  # noqa: F811
    database = empty_database.rsplit("/", 1)[1]  # the seed makes it afresh; the fixture drops it afterwards
    size = bench_web.SIZES["tiny"]
    seconds, rows = bench_web.seed(database, size, bench_web._environment(database, tmp_path), figures=False)
    assert seconds is not None
    clients, days = size.clients, size.days
    screenings = clients + sum(1 for c in range(clients) if c % 97 == 13)
    # pain, two ticks, one session and three desk breaks a day for each client; the screenings
    assert rows == clients * days * (1 + 2 + 1 + 3) + screenings
