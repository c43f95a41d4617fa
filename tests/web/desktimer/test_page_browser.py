"""The timer page in Debian chromium: the script runs, counts down, and its break lands in the journal; it counts
only breaks that happened (the Idle Detection API where permitted, else the person's confirmation)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from psoascare.web.accounts.models import create_client
from psoascare.web.journal.models import DeskEvent as DeskEventRow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_the_page_counts_down_and_records_a_break(page: Any, live_server: Any, artifacts_dir: Path) -> None:
    create_client("dora", "dora@example.org", PASSWORD, therapist=None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.install(time=_working_morning())  # in working hours whenever the test runs; the clock flows on
    page.goto(f"{live_server.url}/accounts/login/?next=/desk/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/desk/")
    for _ in range(200):  # polled from here: the page's policy forbids the eval that wait_for_function polls with
        countdown = page.locator("#countdown").inner_text()
        if ":" in countdown and not countdown.startswith("--"):
            break
        time.sleep(0.05)
    minutes = int(countdown.split(":")[0])
    assert minutes in (59, 60), countdown
    assert page.locator("#mode").get_attribute("data-mode") == "confirm"  # no permission to see idleness
    assert "you confirm your breaks" in page.locator("#mode-heading").inner_text()
    assert page.locator("#snooze-5").is_disabled()
    page.mouse.move(200, 200)
    time.sleep(1.2)  # a bout of a second or so, so there is a bout to record
    page.click("#break-taken")
    rows = DeskEventRow.objects.filter(client__username="dora", source="web")
    for _ in range(200):  # the page posts in the background (up to 10 s on a busy machine)
        if rows.count() >= 2:
            break
        time.sleep(0.05)
    kinds = sorted(rows.values_list("kind", flat=True))
    assert kinds == ["break_taken", "sitting_bout"], (kinds, errors)
    page.screenshot(path=str(artifacts_dir / "desk-timer-page.png"), full_page=True)
    assert errors == []


def _open_timer(browser: Any, live_server: Any, username: str) -> Any:
    from tests.conftest import logged_in_page

    create_client(username, f"{username}@example.org", PASSWORD, therapist=None)
    page = logged_in_page(browser, live_server, User.objects.get(username=username))
    page.clock.install(time=_working_morning())
    return page


def _working_morning() -> float:
    """10:00 (the browser's local time) on the latest weekday at least 90 minutes ago: inside the default working
    hours (the timer rests outside them, so a test run in the evening or at a weekend would see it resting), and
    early enough that what the test plays ends in the past, as it would for real."""
    latest = datetime.now().astimezone() - timedelta(minutes=90)
    for days_back in range(8):
        morning = (latest - timedelta(days=days_back)).replace(hour=10, minute=0, second=0, microsecond=0)
        if morning.weekday() < 5 and morning <= latest:
            return morning.timestamp()
    raise AssertionError("no weekday in the last week")


def _grant_idle_detection(page: Any, origin: str) -> Any:
    """Grants the page's origin the idle-detection permission (Playwright has no name for it; the DevTools
    protocol has) and returns a DevTools session on the page, which can say the user is idle or the screen locked."""
    browser_session = page.context.browser.new_browser_cdp_session()
    targets = browser_session.send("Target.getTargets")["targetInfos"]
    context_id = next(t["browserContextId"] for t in targets if t["type"] == "page" and t["url"].startswith(origin))
    browser_session.send(
        "Browser.grantPermissions",
        {"permissions": ["idleDetection"], "origin": origin, "browserContextId": context_id},
    )
    return page.context.new_cdp_session(page)


def _events(page: Any, username: str, *, at_least: int) -> list[str]:
    """The kinds the page has recorded, once the server holds at least `at_least` of them and the page's queue of
    events to send is empty. Both, because neither alone says the page is done: the page queues an event only
    when its own timers or the Idle Detection API have run, so an empty queue may just be a queue not yet filled."""
    rows = DeskEventRow.objects.filter(client__username=username, source="web")
    for _ in range(400):  # the page posts in the background (up to 20 s on a busy machine)
        queued = page.evaluate("JSON.parse(localStorage.getItem('psoascare-desk-queue') || '[]').length")
        if queued == 0 and rows.count() >= at_least:
            break
        time.sleep(0.05)
    return sorted(rows.values_list("kind", flat=True))


def _mode(page: Any) -> str:
    """The mode the page shows, once the Idle Detection API has answered (asked without the page's timers,
    which Playwright's clock holds)."""
    for _ in range(200):
        mode = page.evaluate("document.getElementById('mode').dataset.mode")
        if mode == "activity":
            break
        time.sleep(0.05)
    return str(mode)


def test_without_idle_detection_a_quiet_hour_is_no_break_until_confirmed(
    chromium: Any, live_server: Any, artifacts_dir: Path
) -> None:
    page = _open_timer(chromium, live_server, "quinn")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/desk/")
    assert page.locator("#mode").get_attribute("data-mode") == "confirm"
    assert page.locator("#mode-confirm").is_visible() and not page.locator("#mode-activity").is_visible()
    assert page.locator("#idle-permission").is_visible()  # this Chromium has the API: it offers to ask
    page.clock.run_for(70 * 60 * 1000)  # 70 minutes without a key pressed in this tab
    assert page.locator("#state").inner_text() == "Time to move!"
    nudges = _events(page, "quinn", at_least=1)
    assert set(nudges) == {"nudge"}  # nudges (and reminders), and no break was invented
    page.screenshot(path=str(artifacts_dir / "desk-timer-confirm-mode.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "desk-timer-confirm-mode-390.png"), full_page=True)
    page.click("#break-taken")
    kinds = _events(page, "quinn", at_least=len(nudges) + 2)
    assert (kinds.count("break_taken"), kinds.count("sitting_bout"), kinds.count("natural_break")) == (1, 1, 0)
    assert errors == []
    page.context.close()


def test_with_idle_detection_time_away_from_the_computer_is_the_break(
    chromium: Any, live_server: Any, artifacts_dir: Path
) -> None:
    page = _open_timer(chromium, live_server, "ravi")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/desk/")
    devtools = _grant_idle_detection(page, live_server.url)
    devtools.send("Emulation.setIdleOverride", {"isUserActive": True, "isScreenUnlocked": True})
    page.reload()
    assert _mode(page) == "activity"
    assert page.locator("#mode-activity").is_visible() and not page.locator("#idle-permission").is_visible()
    page.clock.run_for(61 * 60 * 1000)  # an hour at the computer (in other windows: the API sees it all)
    assert page.locator("#state").inner_text() == "Time to move!"
    page.screenshot(path=str(artifacts_dir / "desk-timer-activity-mode.png"), full_page=True)
    devtools.send("Emulation.setIdleOverride", {"isUserActive": True, "isScreenUnlocked": False})  # locked
    page.clock.run_for(2 * 60 * 1000)
    kinds = _events(page, "ravi", at_least=3)
    assert (kinds.count("break_taken"), kinds.count("sitting_bout"), kinds.count("nudge")) == (1, 1, 1)
    assert errors == []
    page.context.close()
