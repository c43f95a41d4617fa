"""The printable page in Debian's chromium: on screen with the site's navigation, printed without it."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from psoascare.web.accounts.models import create_client, create_therapist
from psoascare.web.programs.models import Assignment
from tests.conftest import logged_in_page
from tests.web.handout.helpers import data_dir_with_figures

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def client_user(transactional_db: None) -> User:
    therapist = create_therapist("tess", "tess@example.org", PASSWORD)
    client = create_client("dana", "dana@example.org", PASSWORD, therapist=therapist)
    Assignment.assign(client, therapist, "psoas-care")
    return client


def test_it_prints_the_handout_without_the_site_navigation(
    chromium: Any, live_server: Any, client_user: User, artifacts_dir: Path
) -> None:
    with data_dir_with_figures(()):
        page = logged_in_page(chromium, live_server, client_user)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/handout/")
        assert page.is_visible("header.site")
        assert page.is_visible("text=Download PDF")
        assert page.is_visible("button.print-button")  # shown by the page's script
        page.screenshot(path=str(artifacts_dir / "handout-screen.png"), full_page=True)

        page.emulate_media(media="print")
        assert not page.is_visible("header.site")
        assert not page.is_visible("footer.site")
        assert not page.is_visible("text=Download PDF")
        assert page.is_visible("#warning-signs")
        breaks = page.eval_on_selector_all(
            ".handout-section", "sections => sections.map(s => [s.id, getComputedStyle(s).breakBefore])"
        )
        # The routine and the moves follow the header; the warning signs, lesson and links start pages.
        assert [section for section, value in breaks if value == "page"] == ["warning-signs", "lesson", "links"]
        page.screenshot(path=str(artifacts_dir / "handout-print.png"), full_page=True)
        printed = page.pdf(format="A4", print_background=True)
        (artifacts_dir / "handout-printed-by-chromium.pdf").write_bytes(printed)
        page.context.close()
    assert errors == []
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(printed)).pages)
    assert "Dead bug" in text and "Log out" not in text and "Download PDF" not in text
