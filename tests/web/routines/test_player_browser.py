"""The browser player in Debian's chromium: plays bed-edge fast, saves it, and the journal shows it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from psoascare.knowledge.content import red_flags
from psoascare.web.accounts.models import create_client
from psoascare.web.journal.models import RedFlagScreening, StretchSession
from tests.conftest import logged_in_page, play_in_zero_time

pytestmark = [
    pytest.mark.browser,
]


@pytest.fixture
def browser(chromium: Any) -> Any:
    """The suite's shared Debian chromium (tests/conftest.py)."""
    return chromium


def answered_no_red_flags(client: User) -> None:
    RedFlagScreening.objects.create(
        client=client, trigger="first-login", answers={s.slug: False for s in red_flags().all_signs}, outcome="clear"
    )


@pytest.fixture
def client_user(transactional_db: None) -> User:
    client = create_client("dana", "dana@example.org", "correct horse battery staple", therapist=None)
    answered_no_red_flags(client)
    return client


def test_it_plays_bed_edge_and_saves_it_to_the_journal(
    browser: Any, live_server: Any, client_user: User, artifacts_dir: Path
) -> None:
    page = logged_in_page(browser, live_server, client_user)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    play_in_zero_time(page, f"{live_server.url}/routines/bed-edge/play/")
    page.wait_for_selector("#player[data-saved]", timeout=30_000)
    assert page.get_attribute("#player", "data-saved") == "yes", page.inner_text("#status")
    assert page.get_attribute("#player", "data-state") == "finished"
    page.screenshot(path=str(artifacts_dir / "routines-player-finished.png"), full_page=True)
    assert errors == []

    stored = StretchSession.objects.get(client=client_user)
    assert stored.completed and stored.source == "web"
    assert [(s["side"], s["rep"], s["done_seconds"], s["skipped"]) for s in stored.steps] == [
        ("left", 1, 30, False),
        ("right", 1, 30, False),
        ("left", 2, 30, False),
        ("right", 2, 30, False),
    ]
    page.click("#status a")
    page.wait_for_url(f"**/journal/sessions/{stored.pk}/")
    assert "bed-edge-hang" in page.content()


def test_it_pauses_skips_and_stops_from_the_keyboard_on_a_phone(
    browser: Any, live_server: Any, client_user: User, artifacts_dir: Path
) -> None:
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page = logged_in_page(browser, live_server, client_user, **phone)
    page.clock.install()
    # Paused: only the test moves the clock, so nothing ends by itself and the hold is exactly the five seconds
    # played, however long a busy machine takes between the key presses.
    page.clock.pause_at(time.time() + 1)
    page.goto(f"{live_server.url}/routines/bed-edge/play/")
    page.keyboard.press("Space")  # starts
    page.wait_for_selector("#player[data-state=running]")
    page.keyboard.press("ArrowRight")  # skip "get ready"
    page.wait_for_selector("#player[data-phase=hold]")
    page.clock.run_for(5_000)  # five seconds into the first hold
    page.keyboard.press("Space")
    page.wait_for_selector("#player[data-state=paused]")
    page.screenshot(path=str(artifacts_dir / "routines-player-phone-paused.png"))
    page.keyboard.press("Space")
    page.wait_for_selector("#player[data-state=running]")
    page.keyboard.press("Escape")
    page.wait_for_selector("#player[data-saved]", timeout=30_000)
    assert page.get_attribute("#player", "data-saved") == "yes", page.inner_text("#status")

    stored = StretchSession.objects.get(client=client_user)
    assert not stored.completed
    # Stopped during the first hold: that hold is recorded with what was done of it.
    assert [(s["side"], round(s["done_seconds"])) for s in stored.steps] == [("left", 5)]


def test_a_faster_preview_and_a_stop_before_the_first_hold_record_nothing(
    browser: Any, live_server: Any, client_user: User, artifacts_dir: Path
) -> None:
    page = logged_in_page(browser, live_server, client_user)
    page.goto(f"{live_server.url}/routines/bed-edge/play/?speed=100")
    assert "nothing is recorded" in page.inner_text("#preview-note")
    page.click("#start")
    page.wait_for_selector("#player[data-saved]", timeout=30_000)
    assert page.get_attribute("#player", "data-saved") == "preview"
    assert page.inner_text("#status") == "Preview: not recorded."
    page.goto(f"{live_server.url}/routines/bed-edge/play/")
    page.click("#start")
    page.keyboard.press("Escape")  # still getting into position
    page.wait_for_selector("#player[data-saved]", timeout=30_000)
    assert page.get_attribute("#player", "data-saved") == "nothing"
    assert not StretchSession.objects.filter(client=client_user).exists()


def test_the_player_shows_entry_exit_and_precautions_before_the_first_hold(
    browser: Any, live_server: Any, client_user: User, artifacts_dir: Path
) -> None:
    page = logged_in_page(browser, live_server, client_user, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/routines/bed-edge/play/")
    before = page.locator("#before-start details[data-exercise=bed-edge-hang]")
    assert before.get_attribute("open") is not None
    for text in ("Sit on the END of the bed", "Roll onto your side", "hip replacement", "femoral nerve", "call 999"):
        assert text in page.inner_text("#before-start"), text
    # Visible before Start, above the controls: the client reads them first.
    assert page.locator(".getting-in").is_visible()
    start_top = page.locator("#start").bounding_box()["y"]
    assert page.locator("#before-start").bounding_box()["y"] < start_top
    page.screenshot(path=str(artifacts_dir / "routines-player-before-start-phone.png"), full_page=True)


def test_it_shows_an_exercise_card(browser: Any, live_server: Any, artifacts_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/routines/exercises/bed-edge-hang/")
    # The rendered picture when `psoascare figures` has run in this data directory, else the model's schematic.
    figure = page.locator("#figure-bed-edge-hang-side")
    if figure.locator("img").count():
        assert page.evaluate("(img) => img.naturalWidth > 0", figure.locator("img").element_handle())
    else:
        assert figure.locator("svg[role=img] polyline[data-muscle=psoas_r]").count() == 1
    assert "than when you stand" in figure.locator("figcaption").inner_text()  # plain words; numbers in Details
    main = page.inner_text("main")
    for text in ("Sit on the END of the bed", "Bring the hanging knee back up", "later months of pregnancy"):
        assert text in main, text
    assert "call 999 now" in main
    page.screenshot(path=str(artifacts_dir / "routines-exercise-card-phone.png"), full_page=True)


def test_a_therapist_guides_pnf_for_their_client(
    browser: Any, live_server: Any, transactional_db: None, artifacts_dir: Path
) -> None:
    from psoascare.web.accounts.models import create_therapist

    therapist = create_therapist("theo", "theo@example.org", "correct horse battery staple")
    client = create_client("finn", "finn@example.org", "correct horse battery staple", therapist=therapist)
    page = logged_in_page(browser, live_server, therapist)
    url = f"{live_server.url}/routines/clinic/{client.pk}/clinic-pnf/play/"
    # Finn has not answered the safety questions: the therapist sees that and confirms before guiding.
    page.goto(url)
    assert "has not answered the safety questions yet" in page.inner_text("main")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.click("text=Confirm and go on")
    play_in_zero_time(page, url)
    page.wait_for_selector("#player[data-saved]", timeout=30_000)
    assert page.get_attribute("#player", "data-saved") == "yes", page.inner_text("#status")
    page.screenshot(path=str(artifacts_dir / "routines-clinic-pnf-finished.png"), full_page=True)

    stored = StretchSession.objects.get(client=client)
    assert (stored.mode, stored.protocol, stored.source, stored.recorded_by) == (
        "clinic",
        "pnf-contract-relax",
        "clinic",
        therapist,
    )
    assert [s["kind"] for s in stored.steps if s["side"] == "left"] == ["contract", "relax"] * 3 + ["hold"]
