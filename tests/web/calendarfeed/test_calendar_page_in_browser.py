"""The client copies their feed link in Debian chromium, then stops it and gets a new one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from psoascare.web.accounts.models import create_client, create_therapist
from psoascare.web.calendarfeed.models import CalendarFeed
from psoascare.web.programs.models import Assignment
from tests.conftest import logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_it_copies_the_link_and_replaces_it(chromium: Any, live_server: Any, artifacts_dir: Path) -> None:
    therapist = create_therapist("tess", "tess@example.org", PASSWORD)
    client = create_client("cleo", "cleo@example.org", PASSWORD, therapist=therapist)
    Assignment.assign(client, therapist, "bed-edge")
    # Logged in through Django's own session rather than the form: this test is about the calendar page.
    page = logged_in_page(chromium, live_server, client)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    try:
        page.goto(f"{live_server.url}/calendar/")
        old_url = page.input_value("#feed-url")
        assert old_url == f"{live_server.url}/calendar/{CalendarFeed.objects.get(client=client).token}.ics"
        assert page.locator("svg.segno").is_visible()
        page.click("#copy-feed-url")
        page.wait_for_function("document.getElementById('copy-status').textContent === 'Copied.'")
        assert page.evaluate("navigator.clipboard.readText()") == old_url
        page.screenshot(path=str(artifacts_dir / "calendar-page.png"), full_page=True)

        with page.expect_navigation():
            page.click("text=Stop this link and make a new one")
        new_url = page.input_value("#feed-url")
        assert new_url != old_url
        assert page.request.get(old_url).status == 404
        feed = page.request.get(new_url)
        assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    finally:
        page.context.close()
