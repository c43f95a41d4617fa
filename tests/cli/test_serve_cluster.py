"""A clinic's set-up for real: two `psoascare serve` processes (gunicorn, several workers) started at the same
moment on one data directory, one PostgreSQL database and one Redis, behind a simulated HTTPS proxy.

Skips with a reason where PostgreSQL or Redis does not answer on 127.0.0.1; under CI=true they must.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psoascare.knowledge.content import red_flags
from psoascare.web.accounts.throttle import ADDRESS_FAILURE_LIMIT
from tests.cli.test_serve import _free_port
from tests.web.test_postgres import empty_database  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("PSOASCARE_TEST_REDIS", "redis://127.0.0.1:6379/0")
PASSWORD = "a clinic-grade password 7"


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL} ({exc.__class__.__name__})")
    return REDIS_URL


class Browser:
    """Cookies shared across ports, as a browser shares them across the processes behind one proxy."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect, urllib.request.HTTPHandler
        )

    def request(self, url: str, data: dict[str, str] | None = None, **headers: str) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def log_in(self, base: str, username: str, password: str, **headers: str) -> tuple[int, str, str]:
        _, _, page = self.request(f"{base}/accounts/login/", **headers)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page[:500]
        form = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
        return self.request(f"{base}/accounts/login/", form, **headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _wait_until_up(base: str, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"serve did not answer at {base} in 120 s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def two_servers(empty_database: str, redis_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:  # noqa: F811
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "REDIS_URL": redis_url,
        "PSOASCARE_CACHE_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "PSOASCARE_DATA_DIR": str(tmp_path / "data"),
        "PSOASCARE_SECRET_KEY": "a shared secret key for every process of the test clinic",
        "PSOASCARE_TRUSTED_PROXIES": "127.0.0.1",
        "MUJOCO_GL": "off",
    }
    ports = [_free_port(), _free_port()]
    processes, logs = [], []
    for n, (port, workers) in enumerate(zip(ports, (2, 1), strict=True)):
        log = tmp_path / f"serve-{n}.log"
        logs.append(log)
        command = [sys.executable, "-m", "psoascare", "serve", "--port", str(port), "--workers", str(workers)]
        with log.open("w") as out:
            processes.append(subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True))
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, process, log in zip(bases, processes, logs, strict=True):
            _wait_until_up(base, process, log)
        setpassword = [sys.executable, "-m", "psoascare", "setpassword", "demo-client", "--password-stdin"]
        subprocess.run(setpassword, env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        yield bases[0], bases[1]
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_two_servers_started_together_share_sessions_throttles_and_build_https_links(
    two_servers: tuple[str, str],
) -> None:
    first, second = two_servers

    # A session made by one process is good on the other.
    browser = Browser()
    status, location, _ = browser.log_in(first, "demo-client", PASSWORD)
    assert (status, location) == (302, "/"), (status, location)
    status, location, page = browser.request(f"{second}/privacy/")
    assert status == 200 and "demo-client" in page, (status, location)

    # Links are https behind the (trusted) proxy, http without it.
    status, _, page = browser.request(f"{second}/calendar/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    port = second.rsplit(":", 1)[1]
    assert f"https://127.0.0.1:{port}/calendar/" in page
    _, _, plain = browser.request(f"{second}/calendar/")
    assert f"http://127.0.0.1:{port}/calendar/" in plain and "https://127.0.0.1" not in plain

    # Failed log-ins counted by one process stop that client address on the other (Redis); the address is the
    # one the trusted proxy forwarded, so another visitor through the same proxy still gets in.
    guesser = {"X-Forwarded-For": "203.0.113.77"}
    for n in range(ADDRESS_FAILURE_LIMIT):
        status, _, page = Browser().log_in(first, f"nobody-{n}", "a wrong guess", **guesser)
        assert status == 200 and "Please enter a correct username" in page
    _, _, page = Browser().log_in(second, "demo-client", PASSWORD, **guesser)
    assert "Too many failed log-ins from your network" in page
    status, _, _ = Browser().log_in(second, "demo-client", PASSWORD, **{"X-Forwarded-For": "198.51.100.4"})
    assert status == 302


def test_today_kept_by_one_process_follows_pain_recorded_through_the_other(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    browser = Browser()
    assert browser.log_in(first, "demo-client", PASSWORD)[0] == 302
    status, location, check = browser.request(f"{first}/today/")
    assert (status, location) == (302, "/safety/check/")  # the safety questions come first
    _, _, check = browser.request(f"{first}{location}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', check)
    assert token, check[:500]
    answers = {sign.slug: "no" for sign in red_flags().all_signs}
    status, _, result = browser.request(f"{first}{location}", {"csrfmiddlewaretoken": token[1], **answers})
    assert status == 200 and "None of the warning signs apply" in result
    status, location, page = browser.request(f"{first}/today/")
    assert status == 200, (status, location)
    _, _, kept = browser.request(f"{first}/today/")  # now kept by the first process (and in Redis)
    assert "You recorded" not in kept
    # Pain, not a tick: it can be recorded at any hour, while a routine item opens only at its time.
    form = re.search(
        r'action="/today/pain/" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page
    )
    assert form, page[:3000]
    status, _, _ = browser.request(f"{second}/today/pain/", {"csrfmiddlewaretoken": form[1], "score": "4", "note": ""})
    assert status == 302
    browser.request(f"{second}/today/")  # shows the one-time "Saved" message, which is never kept
    _, _, after = browser.request(f"{first}/today/")
    assert "You recorded <strong>4/10</strong>" in after, after[:3000]
