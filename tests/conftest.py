"""Shared pytest set-up: the cast of users lives in tests/web/base.py; artefacts go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session", autouse=True)
def plain_static_storage() -> Iterator[None]:
    """Tests serve static files from the finders (as Django's live server does); the hashed manifest storage
    of production is exercised end to end by tests/cli/test_serve.py, which runs the real server."""
    from django.test.utils import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.conf import settings

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks there at start-up
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    """Each test starts with empty caches, as a fresh server would: the database is rolled back between tests
    and ids are reused, so a cached page or throttle count must not carry from one test into the next."""
    from django.core.cache import cache

    from psoascare.web.calendarfeed.views import FEEDS
    from psoascare.web.journal.today_page import TODAY_PAGES

    cache.clear()
    for pages in (FEEDS, TODAY_PAGES):
        pages.clear_local()
    yield


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never a downloaded browser).

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is open, which
    would break tests elsewhere that run asyncio (the desk timer's D-Bus sources)."""
    import os
    import shutil

    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is missing: `make test` installs it with apt-get")
        pytest.skip("Debian chromium is not installed (make test installs it)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM in the test is still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    context.close()


class OneRequestAtATime:
    """A WSGI application answering one request at a time. The live server answers each request in its own thread,
    but on the in-memory SQLite test database every thread shares one connection: a page's background request (the
    service worker, the offline outbox) beside a form's POST interleaved their savepoints ("no such savepoint")."""

    def __init__(self, application: Any) -> None:
        import threading

        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            return self.application(environ, start_response)


@pytest.fixture
def live_server(live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server answering one request at a time (OneRequestAtATime), and after each test every
    browser page closed before the database is emptied: a page's own background requests must not still be
    writing while the test database is flushed ("database table is locked")."""
    server = live_server.thread.httpd
    if not isinstance(server.get_app(), OneRequestAtATime):  # the server lives for the whole session
        server.set_app(OneRequestAtATime(server.get_app()))
    yield live_server
    if "chromium" in request.fixturenames:
        for context in list(request.getfixturevalue("chromium").contexts):
            context.close()
    # A request the server took before the pages closed is still being answered in its own thread (Django's
    # live server: one thread per request); let those finish before the database is emptied.
    import threading
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate() if thread.is_alive()
    ):
        time.sleep(0.05)


def logged_in_page(browser: Any, live_server: Any, user: Any, **context_options: Any) -> Any:
    """A new browser page already logged in as `user` (the session cookie of Django's test client)."""
    from django.test import Client

    django_client = Client()
    django_client.force_login(user)
    context = browser.new_context(**{"viewport": {"width": 1100, "height": 900}, **context_options})
    context.add_cookies(
        [{"name": "sessionid", "value": django_client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def play_in_zero_time(page: Any, url: str, *, minutes: float = 10) -> None:
    """Opens a player with the browser's clock under the test's control and plays it at real speed in no real
    time: Playwright's clock moves Date, performance.now and the timers together, so the session's start, end
    and holds agree as they do for a person (a faster ?speed= preview is never recorded)."""
    import time

    page.clock.install(time=time.time() - minutes * 60)  # the session ends in the past, as a real one would
    page.goto(url)
    page.click("#start")
    page.clock.run_for(int(minutes * 60 * 1000))
