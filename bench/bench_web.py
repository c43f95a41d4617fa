"""Web load benchmark: PsoasCare on PostgreSQL (+ Redis), side by side with a bare Django hello-world on the same
server stack (gunicorn, the same workers and threads), driven by wrk against 127.0.0.1 only.

`python -m bench web` (size from PSOASCARE_BENCH_SIZE or `--size`: "small" while developing, "clinic" =
100 therapists × 100 clients × 1 year, the default). Seeds the database with set-based INSERT … SELECT
generate_series, then measures req/s of Today, the calendar feed, the client page and an API write against
hello-world's, p50/p95 of the dashboard at 10, 100 and 1,000 clients, the queries of each, and RSS per worker.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("PSOASCARE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PSOASCARE_TEST_REDIS", "redis://127.0.0.1:6379/0")
# Both servers' shape: serve's default with gunicorn is one thread per worker; PSOASCARE_BENCH_THREADS=4 measures
# the shape it had before (docs/benchmarks.md compares them).
WORKERS = int(os.environ.get("PSOASCARE_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("PSOASCARE_BENCH_THREADS", "1"))
CONNECTIONS = 8
SECONDS = 3
ROUNDS = 5  # short interleaved runs: the machine's speed changes from one minute to the next
WARM_UP_SECONDS = 2
DASHBOARD_REQUESTS = 40


@dataclass(frozen=True)
class Size:
    therapists: int
    clients: int
    days: int


# Therapist 0 has 10 clients, 1 has 100, 2 has 1,000; the others share the rest.
SIZES = {"tiny": Size(4, 120, 3), "small": Size(4, 1_200, 30), "clinic": Size(100, 10_000, 365)}  # tiny: tests
DEFAULT_SIZE = "clinic"
DASHBOARD_THERAPISTS = {"10": "bench-t0000", "100": "bench-t0001", "1,000": "bench-t0002"}
MEASURED_CLIENT = "bench-c000005"  # one of the 10-client therapist's clients, with no open red flag

SEED = """
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                       date_joined)
SELECT '!', false, 'bench-t' || lpad(t::text, 4, '0'), 'Therapist', t::text, '', false, true, now()
FROM generate_series(0, %(therapists)s - 1) t;

INSERT INTO accounts_profile (user_id, role, therapist_id, video_call_url, created_at)
SELECT id, 'therapist', NULL, '', now() FROM auth_user WHERE username LIKE 'bench-t%%';

INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                       date_joined)
SELECT '!', false, 'bench-c' || lpad(c::text, 6, '0'), 'Client', c::text, '', false, true, now()
FROM generate_series(0, %(clients)s - 1) c;

CREATE TEMP TABLE bench_client AS
SELECT c, u.id AS user_id, t.id AS therapist_id
FROM generate_series(0, %(clients)s - 1) c
JOIN auth_user u ON u.username = 'bench-c' || lpad(c::text, 6, '0')
JOIN auth_user t ON t.username = 'bench-t' || lpad((CASE WHEN c < 10 THEN 0 WHEN c < 110 THEN 1
    WHEN c < 1110 THEN 2 ELSE 3 + (c - 1110) %% (%(therapists)s - 3) END)::text, 4, '0');

INSERT INTO accounts_profile (user_id, role, therapist_id, video_call_url, created_at)
SELECT user_id, 'client', therapist_id, '', now() FROM bench_client;

INSERT INTO programs_assignment (client_id, therapist_id, template_slug, programme_id, item_overrides, times, days,
    move_every_minutes, work_start, work_end, work_days, switch_seconds, assigned_at)
SELECT user_id, therapist_id, 'bed-edge', NULL, '{}', '["07:30", "21:30"]', '[0, 1, 2, 3, 4, 5, 6]', 60, '09:00',
    '17:00', '[0, 1, 2, 3, 4]', 15, now() - make_interval(days => %(days)s)
FROM bench_client;

INSERT INTO calendarfeed_calendarfeed (client_id, token, created_at, revoked)
SELECT user_id, 'bench-feed-' || c || '-' || md5(random()::text), now(), NULL FROM bench_client;

INSERT INTO journal_redflagscreening (client_id, answered_at, trigger, answers, outcome, reviewed_at,
    reviewed_by_id)
SELECT user_id, now() - make_interval(days => %(days)s), 'first-login', '{}', 'clear', NULL, NULL
FROM bench_client;

INSERT INTO journal_redflagscreening (client_id, answered_at, trigger, answers, outcome, reviewed_at,
    reviewed_by_id)
SELECT user_id, now() - interval '2 days', 'self', '{}', 'urgent', NULL, NULL
FROM bench_client WHERE c %% 97 = 13;

CREATE TEMP TABLE bench_day AS
SELECT (current_date - d) AS day FROM generate_series(0, %(days)s - 1) d;

INSERT INTO journal_painrecord (client_id, day, score, note, recorded_at)
SELECT user_id, day, 3 + (c + (day - date '2000-01-01')) %% 2, '', day + time '20:00'
FROM bench_client, bench_day;

INSERT INTO journal_completeditem (client_id, day, item_key, label, done_at)
SELECT user_id, day, 'bed-edge-hang:' || side || ':0730', 'Bed-edge hang, ' || side, day + time '07:35'
FROM bench_client, bench_day, (VALUES ('left'), ('right')) AS sides(side);

INSERT INTO journal_stretchsession (client_id, routine_slug, title, mode, protocol, started_at, ended_at,
    completed, steps, source, created_at, recorded_by_id)
SELECT user_id, 'bed-edge', 'Bed-edge stretch', 'home', '', day + time '07:30', day + time '07:34', true, '[]',
    'web', day + time '07:34', NULL
FROM bench_client, bench_day;

INSERT INTO journal_deskevent (client_id, kind, started_at, ended_at, detail, source, created_at)
SELECT user_id, 'break_taken', day + at, day + at + interval '3 minutes', '', 'desktop', day + at
FROM bench_client, bench_day, (VALUES (time '10:00'), (time '13:00'), (time '16:00')) AS breaks(at);
"""
JOURNAL_TABLES = (
    "journal_painrecord",
    "journal_completeditem",
    "journal_stretchsession",
    "journal_deskevent",
    "journal_redflagscreening",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _environment(database: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DATABASE_URL": _database_url(database),
        "REDIS_URL": REDIS_URL,
        "PSOASCARE_CACHE_PREFIX": f"bench-{database}",
        "PSOASCARE_DATA_DIR": str(data_dir),
        "PSOASCARE_SECRET_KEY": "bench-secret-key-for-the-web-benchmark-only-0123456789",
        "MUJOCO_GL": "off",
    }


def seed(
    database: str, size: Size, env: dict[str, str], reuse: bool = False, figures: bool = True
) -> tuple[float | None, int]:
    """A fresh database, migrated and filled; returns the seconds the inserts took (None when an existing one was
    reused: PSOASCARE_BENCH_REUSE=1) and the journal's rows."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is not None
        if not (reuse and exists):
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'.encode())
            admin.execute(f'CREATE DATABASE "{database}"'.encode())
    # With the figures, as a clinic runs it: a worker serving the lesson before they exist would load the
    # renderer to draw fallbacks.
    command = [sys.executable, "-m", "psoascare", "setup", "--no-demo", "--figures" if figures else "--no-figures"]
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    seconds: float | None = None
    with psycopg.connect(_database_url(database), autocommit=True) as connection:
        if not (reuse and exists):
            started = time.perf_counter()
            params = {"therapists": size.therapists, "clients": size.clients, "days": size.days}
            for statement in [part.strip() for part in SEED.split(";\n") if part.strip()]:
                if "%(" in statement:
                    connection.execute(statement.encode(), params)
                else:
                    connection.execute(statement.replace("%%", "%").encode())
            # A clinic's database has been through autovacuum, which sets the visibility map the dashboard's
            # index-only scans rely on; a freshly inserted one has not.
            connection.execute("VACUUM (ANALYZE)")
            seconds = time.perf_counter() - started
        rows = 0
        for table in JOURNAL_TABLES:
            counted = connection.execute(f"SELECT count(*) FROM {table}".encode()).fetchone()
            rows += int(counted[0]) if counted else 0
    return seconds, rows


class Server:
    def __init__(self, command: list[str], env: dict[str, str], port: int, probe: str) -> None:
        self.port = port
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError(f"server did not start: {self.log.read()[-2000:]}") from None
                time.sleep(0.3)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    status = (stat.parent / "status").read_text()
                    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
                    if match:
                        sizes.append(int(match.group(1)) / 1024)
            except (OSError, IndexError, ValueError):
                continue
        return sorted(sizes)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(url: str, headers: dict[str, str], script: Path | None = None, seconds: int = SECONDS) -> Load:
    """wrk for `seconds` with CONNECTIONS connections on one thread, against 127.0.0.1 only."""
    assert url.startswith("http://127.0.0.1:"), url
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return Load(rps, latency("50"), latency("99"), errors)


def csrf_cookie(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("csrftoken="):
                return header.split(";", 1)[0].split("=", 1)[1]
    raise RuntimeError(f"{url} set no CSRF cookie")


def sequential_latencies(url: str, cookie: str, count: int) -> list[float]:
    """Milliseconds per request, one request at a time (after 3 untimed ones)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    times = []
    for n in range(count + 3):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            assert response.status == 200
        if n >= 3:
            times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run() -> str:
    size_name = os.environ.get("PSOASCARE_BENCH_SIZE", DEFAULT_SIZE)
    if size_name not in SIZES:
        raise SystemExit(f"PSOASCARE_BENCH_SIZE={size_name!r}: choose one of {', '.join(SIZES)}")
    size = SIZES[size_name]
    database = os.environ.get("PSOASCARE_BENCH_DATABASE", f"psoascare_bench_{size_name}")
    with tempfile.TemporaryDirectory(prefix="psoascare-bench-web-") as data_dir:
        env = _environment(database, Path(data_dir))
        seconds, rows = seed(database, size, env, reuse=os.environ.get("PSOASCARE_BENCH_REUSE") == "1")
        therapists = json.dumps(DASHBOARD_THERAPISTS)
        prepared = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.web_prepare", MEASURED_CLIENT, therapists],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        load_before = os.getloadavg()[0]
        app_port, hello_port = _free_port(), _free_port()
        serve = [sys.executable, "-m", "psoascare", "serve", "--no-setup", "--no-demo"]
        shape = ["--workers", str(WORKERS), "--threads", str(THREADS), "--server", "gunicorn"]
        app = Server([*serve, *shape, "--port", str(app_port)], env, app_port, "/healthz")
        hello_code = (
            "from psoascare.cli.serve import serve; "
            f"serve('127.0.0.1', {hello_port}, {WORKERS}, {THREADS}, 'gunicorn', 'bench.web_hello:application')"
        )
        hello = Server([sys.executable, "-c", hello_code], env, hello_port, "/")
        try:
            base = f"http://127.0.0.1:{app_port}"
            # A browser keeps the CSRF cookie it was given once; without it every page would make a new secret.
            csrf = csrf_cookie(f"{base}/accounts/login/")
            client_cookie = f"sessionid={prepared['client_session']}; csrftoken={csrf}"
            therapist_cookie = f"sessionid={prepared['therapist_session']}; csrftoken={csrf}"
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
                # Each request a new break (a start within 10:00-11:00 on 25 Nov, to the microsecond, from a
                # random place so that rounds do not repeat each other): a repeat is stored once and would
                # measure the look-up of the stored one instead of a write.
                lua.write(
                    'wrk.method = "POST"\n'
                    'wrk.headers["Content-Type"] = "application/json"\n'
                    f'wrk.headers["Authorization"] = "Bearer {prepared["token"]}"\n'
                    "math.randomseed(os.time() + math.floor(os.clock() * 1e6))\n"
                    "local sent = math.floor(math.random() * 3.5e9)\n"
                    "request = function()\n"
                    "  sent = sent + 1\n"
                    "  local minute, second = math.floor(sent / 60e6) % 60, math.floor(sent / 1e6) % 60\n"
                    '  local body = string.format(\'{"kind": "break_taken", "started_at": '
                    '"2026-11-25T10:%02d:%02d.%06d+00:00"}\', minute, second, sent % 1000000)\n'
                    "  return wrk.format(nil, nil, nil, body)\n"
                    "end\n"
                )
            pages = {
                "Today": (f"{base}/today/", {"Cookie": client_cookie}, None),
                "calendar feed": (f"{base}{prepared['feed_path']}", {}, None),
                "client page": (f"{base}/clinic/clients/{prepared['client_id']}/", {"Cookie": therapist_cookie}, None),
                "API write (POST desk event)": (f"{base}/api/journal/desk-events", {}, Path(lua.name)),
            }
            hello_url = f"http://127.0.0.1:{hello_port}/"
            loads: dict[str, list[tuple[Load, Load]]] = {name: [] for name in pages}
            for url, headers, script in pages.values():  # warm both (imports, templates, first renders)
                wrk(hello_url, {}, seconds=WARM_UP_SECONDS)
                wrk(url, headers, script, seconds=WARM_UP_SECONDS)
            # The machine's speed drifts from minute to minute: each page runs against a hello-world run just
            # before it, in ROUNDS interleaved rounds, and the share is the median of the rounds' shares.
            for _ in range(ROUNDS):
                for name, (url, headers, script) in pages.items():
                    hello_load = wrk(hello_url, {})
                    loads[name].append((wrk(url, headers, script), hello_load))
            Path(lua.name).unlink()
            dashboards = {
                clients: sequential_latencies(
                    f"{base}/clinic/",
                    f"sessionid={prepared['dashboard_sessions'][clients]}; csrftoken={csrf}",
                    DASHBOARD_REQUESTS,
                )
                for clients in DASHBOARD_THERAPISTS
            }
            # The lesson page too, so every kind of page has been served before the sizes are read.
            with urllib.request.urlopen(f"{base}/learn/psoas/", timeout=60) as lesson_page:
                lesson_page.read()
            app_rss, hello_rss = app.worker_rss_mb(), hello.worker_rss_mb()
        finally:
            app.stop()
            hello.stop()
        load_after = os.getloadavg()[0]
        costs = request_costs(env, {**prepared, "csrf": csrf})
    return report(
        size_name,
        size,
        seconds,
        rows,
        prepared["queries"],
        loads,
        dashboards,
        app_rss,
        hello_rss,
        (load_before, load_after),
        costs,
    )


def request_costs(env: dict[str, str], prepared: dict[str, Any]) -> dict[str, float | None]:
    """In-process CPU per request and per statement (bench/web_cost.py), each side in its own process."""
    costs: dict[str, float | None] = {}
    for arguments in (["hello"], ["app", json.dumps(prepared)]):
        done = subprocess.run(
            [sys.executable, "-m", "bench.web_cost", *arguments],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        costs.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return costs


def report(
    size_name: str,
    size: Size,
    seed_seconds: float | None,
    rows: int,
    queries: dict[str, int],
    loads: dict[str, list[tuple[Load, Load]]],
    dashboards: dict[str, list[float]],
    app_rss: list[float],
    hello_rss: list[float],
    load_average: tuple[float, float],
    costs: dict[str, float | None],
) -> str:
    seeded = f" in {seed_seconds:.0f} s" if seed_seconds is not None else " by an earlier run, reused"
    targets = {"Today": 25, "calendar feed": 40}
    query_names = {"Today": "today", "calendar feed": "feed", "client page": "client page"}
    lines = [
        "## Web serving",
        "",
        f"PsoasCare on PostgreSQL 15 and Redis, seeded with size `{size_name}`: {size.therapists} therapists, "
        f"{size.clients:,} clients, {size.days} days of journal each ({rows:,} journal rows, inserted with "
        f"INSERT … SELECT generate_series{seeded}). Served by `psoascare serve` (gunicorn, "
        f"{WORKERS} workers × {THREADS} threads); the hello-world is a bare Django view (no apps, no middleware) "
        f"on the same stack, run just before each page in {ROUNDS} interleaved rounds (the machine's speed drifts "
        f"from minute to minute); each figure is the median of the rounds. Load from wrk (1 thread, "
        f"{CONNECTIONS} connections, {SECONDS} s each, after {WARM_UP_SECONDS} s untimed) "
        f"on the same 2-core machine, so the load generator takes CPU from the server. `python -m bench web` "
        f"(PSOASCARE_BENCH_SIZE={size_name}, PSOASCARE_BENCH_THREADS={THREADS}). "
        f"Load average (1 min) {load_average[0]:.2f} before, "
        f"{load_average[1]:.2f} after: the machine is shared with other work.",
        "",
        "| page | req/s | hello-world req/s | of hello-world | target | p50 ms | p99 ms (worst round) | non-2xx "
        "| queries |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, rounds in loads.items():
        hello = statistics.median(hello_load.requests_per_second for _, hello_load in rounds)
        share = statistics.median(100 * load.requests_per_second / h.requests_per_second for load, h in rounds)
        load = Load(
            statistics.median(load.requests_per_second for load, _ in rounds),
            statistics.median(load.p50_ms for load, _ in rounds),
            max(load.p99_ms for load, _ in rounds),
            sum(load.errors for load, _ in rounds),
        )
        target = targets.get(name)
        verdict = "—" if target is None else f"≥ {target} %: {'meets' if share >= target else 'misses'}"
        query = queries.get(query_names.get(name, ""), queries.get("api write") if name.startswith("API") else None)
        lines.append(
            f"| {name} | {load.requests_per_second:,.0f} | {hello:,.0f} | {share:.0f} % | {verdict} | "
            f"{load.p50_ms:.1f} | {load.p99_ms:.1f} | {load.errors} | {'' if query is None else query} |"
        )
    lines += [
        "",
        f"Dashboard, one request at a time ({DASHBOARD_REQUESTS} after 3 untimed), first page (50 clients at most):",
        "",
        "| clients | p50 ms | p95 ms | target | queries |",
        "| ---: | ---: | ---: | --- | ---: |",
    ]
    for clients, times in dashboards.items():
        p95 = percentile(times, 0.95)
        target = {"100": 100, "1,000": 300}.get(clients)
        verdict = "—" if target is None else f"p95 ≤ {target} ms: {'meets' if p95 <= target else 'misses'}"
        count = queries[f"dashboard {clients}"]
        lines.append(f"| {clients} | {statistics.median(times):.0f} | {p95:.0f} | {verdict} | {count} |")
    worst = max(app_rss) if app_rss else float("nan")
    lines += [
        "",
        f"RSS per worker after the runs: PsoasCare {', '.join(f'{mb:.0f}' for mb in app_rss)} MB "
        f"(target ≤ 150 MB: {'meets' if worst <= 150 else 'misses'}); hello-world "
        f"{', '.join(f'{mb:.0f}' for mb in hello_rss)} MB.",
        "",
        *cost_lines(costs),
    ]
    return "\n".join(lines)


def cost_lines(costs: dict[str, float | None]) -> list[str]:
    """Where a request's CPU goes, in-process: the floor a page with one query stands on, beside the pages."""

    def us(name: str) -> str:
        value = costs.get(name)
        return "not readable here" if value is None else f"{value:,.0f} µs"

    hello = costs.get("hello-world") or float("nan")
    lines = [
        "CPU per request in one process, with no server, network or load generator (bench/web_cost.py; the best of "
        "3 rounds): what the req/s shares above stand on. The servers add the same work per request to both sides "
        "(HTTP parsing, sockets), and the load generator and PostgreSQL share the same 2 cores.",
        "",
        "| in-process | CPU | × hello-world |",
        "| --- | ---: | ---: |",
    ]
    for name in ("hello-world", "calendar feed", "Today", "client page", "SELECT 1 through Django"):
        value = costs.get(name)
        ratio = "" if value is None else f"{value / hello:.1f}"
        lines.append(f"| {name} | {us(name)} | {ratio} |")
    lines += [
        "",
        "PostgreSQL backend CPU per execution (prepared, as the app runs them): `SELECT 1` "
        f"{us('backend: SELECT 1')}, the feed's version (its token, account and page stamp) "
        f"{us('backend: feed version')}, Today's version (the page stamp, read with the user) "
        f"{us('backend: Today version')}.",
    ]
    return lines
