"""The installable web app offline, in Debian chromium: Today and the assigned routine's player open with no
connection (the service worker kept them), a tick and a session made offline wait on the device, and once the
connection is back each is recorded exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from psoascare.web.accounts.models import create_client, create_therapist
from psoascare.web.journal.models import CompletedItem, RedFlagScreening, StretchSession
from psoascare.web.programs.models import Assignment
from tests.conftest import logged_in_page, play_in_zero_time
from tests.web.base import RED_FLAG_SLUGS, open_at_any_hour
from tests.web.routines.test_player_browser import answered_no_red_flags

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


class Network:
    def __init__(self) -> None:
        self.down = False
        self.asked: list[tuple[str, str, str | None]] = []  # method, path, Sec-Fetch-Mode while down


@pytest.fixture
def server_down(live_server: Any) -> Iterator[Network]:
    """While `.down`, the live server answers every request 503. Playwright's offline mode is the phone's
    view; this makes sure nothing can be stored meanwhile even if the browser briefly thinks it is online
    again (Chromium fires a stray "online" event now and then while its network is emulated)."""
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    network = Network()

    def switched(environ: dict[str, Any], start_response: Any) -> Any:
        if not network.down:
            return app(environ, start_response)
        network.asked.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_SEC_FETCH_MODE")))
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"the test's network is off"]

    httpd.set_app(switched)
    yield network
    httpd.set_app(app)


def test_today_and_the_player_work_offline_and_the_session_is_recorded_once(
    chromium: Any, live_server: Any, artifacts_dir: Path, server_down: Network
) -> None:
    therapist = create_therapist("tess", "tess@example.org", PASSWORD)
    client = create_client("oona", "oona@example.org", PASSWORD, therapist=therapist)
    Assignment.assign(client, therapist, "bed-edge")
    open_at_any_hour(client)
    answered_no_red_flags(client)
    page = logged_in_page(chromium, live_server, client, **PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    player = f"{live_server.url}/routines/bed-edge/play/"

    # Online: Today installs the service worker, which keeps Today, the lesson and this client's player.
    page.goto(f"{live_server.url}/today/")
    page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'", timeout=60_000)
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.goto(player)
    assert page.locator("#start").is_visible()

    page.context.set_offline(True)
    server_down.down = True
    response = page.goto(f"{live_server.url}/today/")
    assert response is not None and response.from_service_worker and response.status == 200
    assert "You are offline" not in page.content()
    assert page.evaluate("navigator.onLine") is False
    # A tick made offline is kept on the device with its time; pain waits for a connection, and says why.
    item = page.locator("li[data-key='bed-edge-hang:left:0000'] button")
    item.click()
    assert item.inner_text() == "Kept on this device" and item.is_disabled()
    made_at = page.evaluate("window.PsoasCareOutbox.waiting()[0].made_at")
    page.fill("#id_score", "3")
    page.locator("form[action='/today/pain/'] button[type=submit]").click()
    assert "Pain needs a connection" in page.inner_text("#outbox-note")
    page.screenshot(path=str(artifacts_dir / "offline-today-390.png"), full_page=True)
    response = page.goto(f"{live_server.url}/learn/psoas/")
    assert response is not None and response.status == 200 and "psoas" in page.title().lower()

    play_in_zero_time(page, player)
    page.wait_for_selector("#player[data-saved]", timeout=30_000)
    assert page.get_attribute("#player", "data-saved") == "queued", page.inner_text("#status")
    assert "kept on this device" in page.inner_text("#status")
    page.screenshot(path=str(artifacts_dir / "offline-player-queued-390.png"), full_page=True)
    # No page came from the server while offline: Today, the lesson and the player came from the device.
    assert [asked for asked in server_down.asked if asked[2] == "navigate"] == []
    assert not StretchSession.objects.filter(client=client).exists()
    assert not CompletedItem.objects.filter(client=client).exists()
    assert page.evaluate("window.PsoasCareOutbox.waiting().length") == 2  # the tick and the session

    # Back online: the outbox sends them, each once.
    server_down.down = False
    page.context.set_offline(False)
    page.wait_for_function("() => document.getElementById('player').dataset.saved === 'yes'", timeout=30_000)
    assert page.evaluate("window.PsoasCareOutbox.waiting().length") == 0
    page.screenshot(path=str(artifacts_dir / "offline-player-sent-390.png"), full_page=True)
    page.reload()  # a page load flushes the outbox again: there is nothing left to send twice
    page.goto(f"{live_server.url}/today/")
    stored = StretchSession.objects.get(client=client)
    assert stored.completed and stored.client_key is not None and stored.source == "web"
    tick = CompletedItem.objects.get(client=client, item_key="bed-edge-hang:left:0000")
    assert tick.done_at == datetime.fromisoformat(made_at)  # when it was ticked, not when it arrived

    # The safety gate shuts (a red flag answered elsewhere): the next page loaded online takes the player off
    # the device, so offline it does not open either.
    RedFlagScreening.objects.create(
        client=client, trigger="self", answers={RED_FLAG_SLUGS[0]: True}, outcome=RedFlagScreening.Outcome.URGENT
    )
    page.goto(f"{live_server.url}/learn/psoas/")
    page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'", timeout=60_000)
    page.context.set_offline(True)
    server_down.down = True
    response = page.goto(player)
    assert response is not None and response.status == 503
    assert not page.locator("#start").count()  # the worker's "You are offline" page, not the player
    page.context.set_offline(False)
    server_down.down = False
    assert errors == []
    page.context.close()


def test_chromium_finds_the_app_installable(chromium: Any, live_server: Any) -> None:
    """Chromium's own verdict on the manifest, icons and service worker (a test's browser context is incognito,
    which Chromium also reports; that one is about the test, not the app)."""
    page = chromium.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/learn/psoas/")
    page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'", timeout=60_000)
    devtools = page.context.new_cdp_session(page)
    installability = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in installability if error["errorId"] != "in-incognito"] == []
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
    page.context.close()


def test_logging_out_leaves_nothing_of_the_person_on_the_device(chromium: Any, live_server: Any) -> None:
    therapist = create_therapist("tom", "tom@example.org", PASSWORD)
    client = create_client("ida", "ida@example.org", PASSWORD, therapist=therapist)
    Assignment.assign(client, therapist, "bed-edge")
    answered_no_red_flags(client)
    page = logged_in_page(chromium, live_server, client, **PHONE)
    page.goto(f"{live_server.url}/today/")
    page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'", timeout=60_000)
    kept = (
        "async () => { const urls = []; for (const name of await caches.keys()) "
        "for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname); "
        "return urls; }"
    )
    assert {"/today/", "/routines/bed-edge/play/"} <= set(page.evaluate(kept))
    with page.expect_navigation():
        page.click("header.site button[type=submit]")  # Log out
    # What stays is what anyone may see (the next page keeps the lesson again), nothing of the person's.
    page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'", timeout=60_000)
    personal = [path for path in page.evaluate(kept) if path.startswith(("/today/", "/routines/"))]
    assert personal == []
    page.context.close()
