"""The demo client logs in with Debian chromium, ticks the morning stretch, and finds it kept after a reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from psoascare.web.bootstrap import ensure_demo_content
from psoascare.web.journal.models import CompletedItem
from tests.web.base import open_at_any_hour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    # On the first log-in the client answers the red-flag questions before seeing the routine.
    page.wait_for_url(f"{base_url}/safety/check/")
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    with page.expect_navigation():
        page.click("text=Send my answers")
    assert "None of the warning signs apply" in page.content()
    page.goto(f"{base_url}/today/")


def test_it_keeps_a_ticked_stretch_after_reload(page: Any, live_server: Any, artifacts_dir: Path) -> None:
    accounts = ensure_demo_content()
    assert accounts is not None
    open_at_any_hour(User.objects.get(username="demo-client"))
    _log_in(page, live_server.url, "demo-client", accounts.client_password)

    item = page.locator("li[data-key='bed-edge-hang:left:0000']")
    assert item.locator("button").inner_text() == "Done"
    with page.expect_navigation():
        item.locator("button").click()
    page.reload()

    item = page.locator("li[data-key='bed-edge-hang:left:0000']")
    assert "done at" in item.inner_text()
    assert item.locator("button").inner_text() == "Undo"
    right = page.locator("li[data-key='bed-edge-hang:right:0000']")
    assert right.locator("button").inner_text() == "Done"
    stored = CompletedItem.objects.get()
    assert (stored.client.username, stored.item_key) == ("demo-client", "bed-edge-hang:left:0000")
    page.screenshot(path=str(artifacts_dir / "today-page.png"), full_page=True)


def test_it_shows_a_clear_error_for_a_bad_pain_score(page: Any, live_server: Any, artifacts_dir: Path) -> None:
    accounts = ensure_demo_content()
    assert accounts is not None
    _log_in(page, live_server.url, "demo-client", accounts.client_password)
    page.fill("#id_score", "11")
    with page.expect_navigation():
        page.click("text=Save pain")
    assert "cannot be above 10" in page.locator("#score-error").inner_text()
    page.fill("#id_score", "3")
    with page.expect_navigation():
        page.click("text=Save pain")
    assert "You recorded 3/10" in page.locator("#pain-heading + p").inner_text()


def test_it_loads_no_video_from_the_provider_before_a_click(page: Any, live_server: Any, artifacts_dir: Path) -> None:
    ensure_demo_content()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if live_server.url not in request.url else None)
    page.route("**/*", lambda route: route.continue_() if live_server.url in route.request.url else route.abort())
    page.goto(f"{live_server.url}/learn/psoas/")
    page.screenshot(path=str(artifacts_dir / "lesson-page.png"), full_page=True)
    assert outside == []
    page.click("text=Play video from YouTube")
    page.wait_for_selector("iframe")
    assert any("youtube-nocookie.com" in url for url in outside)
