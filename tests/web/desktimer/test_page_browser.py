"""The timer page in Debian chromium: the script runs, counts down, and its break lands in the journal."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from psoascare.web.accounts.models import create_client
from psoascare.web.journal.models import DeskEvent as DeskEventRow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_the_page_counts_down_and_records_a_break(page: Any, live_server: Any, artifacts_dir: Path) -> None:
    create_client("dora", "dora@example.org", PASSWORD, therapist=None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/?next=/desk/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/desk/")
    page.wait_for_function("document.getElementById('countdown').textContent.includes(':')")
    page.wait_for_function("!document.getElementById('countdown').textContent.startsWith('--')")
    countdown = page.locator("#countdown").inner_text()
    minutes = int(countdown.split(":")[0])
    assert minutes in (59, 60), countdown
    assert "in this tab" in page.locator("aside.note").inner_text()
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
