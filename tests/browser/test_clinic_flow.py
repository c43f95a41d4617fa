"""The whole loop in Debian chromium: a therapist invites a client, assigns a routine and shares a video; the
client joins, answers the safety questions, does the routine and logs pain; the therapist's dashboard shows it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from psoascare.web.accounts.models import create_therapist
from psoascare.web.journal.models import PainRecord, StretchSession
from tests.conftest import play_in_zero_time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_a_therapist_and_a_client_complete_the_loop(chromium: Any, live_server: Any, artifacts_dir: Path) -> None:
    base = live_server.url
    create_therapist("tessa", "tessa@example.org", PASSWORD)
    therapist = chromium.new_context(viewport={"width": 1100, "height": 900}).new_page()
    client = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()  # a phone

    # The therapist invites a client and copies the link.
    log_in(therapist, base, "tessa")
    therapist.goto(f"{base}/accounts/invite/")
    therapist.fill("#id_email", "cleo@example.org")
    therapist.fill("#id_name", "Cleo")
    with therapist.expect_navigation():
        therapist.click("text=Create the invitation")
    link = therapist.input_value("#invitation-link")
    assert link.startswith(f"{base}/accounts/invite/")

    # The client accepts, and must answer the safety questions before anything else.
    client.goto(link)
    client.fill("#id_username", "cleo")
    client.fill("#id_password1", PASSWORD)
    client.fill("#id_password2", PASSWORD)
    with client.expect_navigation():
        client.click("text=Create my account")
    client.wait_for_url(f"{base}/safety/check/")
    client.screenshot(path=str(artifacts_dir / "flow-1-safety-questions.png"), full_page=True)
    for radio in client.locator("input[type=radio][value=no]").all():
        radio.check()
    with client.expect_navigation():
        client.click("text=Send my answers")
    client.goto(f"{base}/today/")
    assert "has not given you a routine yet" in client.inner_text("main")

    # The therapist assigns the bed-edge routine and shares a video with all clients.
    therapist.goto(f"{base}/clinic/")
    with therapist.expect_navigation():
        therapist.click("text=Cleo")
    with therapist.expect_navigation():
        therapist.locator("main a", has_text=re.compile(r"^Programme$")).click()
    therapist.select_option("#id_template", "bed-edge")
    with therapist.expect_navigation():
        therapist.click("text=Save programme")
    assert "Routine set to Bed-edge hang, morning and night" in therapist.inner_text("main")  # history in words
    therapist.goto(f"{base}/clinic/resources/")
    therapist.select_option("#id_kind", "video")
    therapist.fill("#id_title", "Tessa's psoas video")
    therapist.fill("#id_url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    therapist.fill("#id_note", "Watch this before your first stretch.")
    therapist.check("#id_shared_with_all")
    with therapist.expect_navigation():
        therapist.click("text=Save")

    # The client sees the routine and the video, runs the routine (fast) and logs pain.
    client.goto(f"{base}/today/")
    assert client.locator("li[data-key='bed-edge-hang:left:0730']").count() == 1
    client.goto(f"{base}/learn/psoas/")
    assert "Watch this before your first stretch." in client.inner_text("#resources")
    play_in_zero_time(client, f"{base}/routines/bed-edge/play/")
    client.wait_for_selector("#player[data-saved]", timeout=60_000)
    assert client.get_attribute("#player", "data-saved") == "yes"
    client.goto(f"{base}/today/")
    client.fill("#id_score", "3")
    with client.expect_navigation():
        client.click("text=Save pain")
    client.screenshot(path=str(artifacts_dir / "flow-2-client-today.png"), full_page=True)
    assert StretchSession.objects.get().client.username == "cleo"
    assert PainRecord.objects.get().score == 3

    # The therapist's dashboard and client page show it.
    therapist.goto(f"{base}/clinic/")
    row = therapist.locator("tr[data-client='cleo']")
    assert "3/10" in row.inner_text()
    # The session ticked both sides of the latest slot already open; before 06:30 nothing is due yet today.
    assert re.search(r"\(2/[24]\)|nothing due yet", row.inner_text()), row.inner_text()
    therapist.screenshot(path=str(artifacts_dir / "flow-3-therapist-dashboard.png"), full_page=True)
    with therapist.expect_navigation():
        row.locator("a").click()
    timeline = therapist.inner_text(".timeline")
    assert "Pain 3/10" in timeline and "Bed-edge" in timeline
    therapist.screenshot(path=str(artifacts_dir / "flow-4-therapist-client-page.png"), full_page=True)
