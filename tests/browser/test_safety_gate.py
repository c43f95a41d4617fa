"""The safety gate end to end in chromium: a client answers "yes" to an emergency sign before any programme,
the therapist assigns one anyway, and every page the client could exercise from says so; only the therapist's
review opens it again."""

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
ACTION = "Go to A&E (the emergency department) or call 999 now."


def test_an_emergency_answer_shuts_every_way_in_until_the_therapist_reviews_it(
    chromium: Any, live_server: Any, artifacts_dir: Path
) -> None:
    base = live_server.url
    therapist = create_therapist("tessa", "tessa@example.org", PASSWORD)
    client = create_client("cleo", "cleo@example.org", PASSWORD, therapist=therapist)
    phone = logged_in_page(chromium, live_server, client, viewport={"width": 390, "height": 844})

    # First log-in: the questions, answered "yes" to weakness in both legs.
    phone.goto(f"{base}/today/")
    phone.wait_for_url(f"{base}/safety/check/")
    for radio in phone.locator("input[type=radio][value=no]").all():
        radio.check()
    phone.check("input[name=both-legs][value=yes]")
    with phone.expect_navigation():
        phone.click("text=Send my answers")
    result = phone.inner_text("main")
    assert ACTION in result and "Your therapist has been told." in result
    phone.screenshot(path=str(artifacts_dir / "safety-result-emergency-phone.png"), full_page=True)

    # The therapist assigns a programme after the answer: the client still sees only the pause.
    Assignment.assign(client, therapist, "bed-edge")
    phone.goto(f"{base}/today/")
    today = phone.inner_text("main")
    assert ACTION in today and "Start the guided routine" not in today
    assert phone.locator("li[data-key] button").count() == 0
    phone.screenshot(path=str(artifacts_dir / "safety-today-paused-phone.png"), full_page=True)
    response = phone.goto(f"{base}/routines/bed-edge/play/")
    assert response is not None and response.status == 403
    assert ACTION in phone.inner_text("main") and phone.locator("#player").count() == 0
    phone.goto(f"{base}/handout/")
    assert ACTION in phone.inner_text("#routine")
    feed = phone.request.get(f"{base}{CalendarFeed.for_client(client).path()}").text()
    assert "SUMMARY:PsoasCare: exercises paused" in feed and "RRULE" not in feed

    # The therapist sees the flag in words, must confirm before guiding in the clinic, then reviews it.
    laptop = logged_in_page(chromium, live_server, therapist)
    laptop.goto(f"{base}/clinic/clients/{client.pk}/")
    assert "Do you have pain, numbness or weakness in both legs?" in laptop.inner_text("main")
    laptop.goto(f"{base}/routines/clinic/{client.pk}/clinic-pir/play/")
    assert "I have assessed" in laptop.inner_text("main")
    laptop.screenshot(path=str(artifacts_dir / "safety-clinic-confirm.png"), full_page=True)
    laptop.goto(f"{base}/clinic/clients/{client.pk}/")
    with laptop.expect_navigation():
        laptop.click("text=I have reviewed this: resume the routine")

    phone.goto(f"{base}/today/")
    assert "Start the guided routine" in phone.inner_text("main")
    assert phone.goto(f"{base}/routines/bed-edge/play/").status == 200  # type: ignore[union-attr]
