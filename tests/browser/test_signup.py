"""Signing up without a therapist in Debian chromium, on a phone, with the keyboard: the safety questions come
first, then Today with the default routine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from psoascare.web.programs.models import SELF_SIGNUP_ROUTINE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_a_person_signs_up_on_a_phone_and_answers_the_safety_questions_first(
    chromium: Any, live_server: Any, settings: Any, artifacts_dir: Path
) -> None:
    settings.SELF_SIGNUP = True
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign up")
    page.wait_for_url(f"{live_server.url}/accounts/signup/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "signup-390.png"), full_page=True)
    # Keyboard only: the fields in order, then Enter.
    page.focus("#id_username")
    for text in ("pat", "pat@example.org", PASSWORD, PASSWORD):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/safety/check/"
    user = User.objects.get(username="pat")
    assert user.profile.therapist is None and user.assignment.template_slug == SELF_SIGNUP_ROUTINE
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    with page.expect_navigation():
        page.click("text=Send my answers")
    page.goto(f"{live_server.url}/today/")
    assert page.locator(f"a[href='/routines/{SELF_SIGNUP_ROUTINE}/play/']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "signup-today-390.png"), full_page=True)
    assert errors == []
    context.close()
