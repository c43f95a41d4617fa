"""The lesson page with the rendered figures, in Debian chromium: pictures load as WebP with their labels
over them, captions are plain words with the numbers behind "Details", the hip-angle slider works from the
keyboard, the movement loops play and pause, and the page stays light. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from psoascare.body.figures import render_all
from psoascare.paths import figures_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The lesson's first load (HTML, CSS, scripts, pictures) must stay under this.
FIRST_LOAD_BUDGET_BYTES = 300_000


@pytest.fixture(scope="module")
def rendered() -> Path:
    summary = render_all(figures_dir())
    assert summary.total > 0
    return figures_dir()


def transferred(page: Any) -> tuple[int, list[str]]:
    """Bytes the page has fetched so far and their addresses (from the Resource Timing API)."""
    entries = page.evaluate(
        """() => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
            .map((e) => [e.name, e.encodedBodySize || e.transferSize || 0])"""
    )
    return sum(size for _, size in entries), [name for name, _ in entries]


def full_page_screenshot(page: Any, path: Path) -> None:
    """Scroll through first, so lazily loaded pictures are in the screenshot."""
    height = page.evaluate("() => document.body.scrollHeight")
    for top in range(0, height, 600):
        page.evaluate(f"() => window.scrollTo(0, {top})")
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)


def test_it_shows_labelled_pictures_plain_captions_and_the_slider(
    page: Any, live_server: Any, rendered: Path, artifacts_dir: Path
) -> None:
    page.goto(f"{live_server.url}/learn/psoas/")
    page.wait_for_load_state("networkidle")
    images = page.locator("section.figures figure img")
    assert images.count() == 6
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert ".webp" in page.evaluate("(img) => img.currentSrc", image.element_handle())
    # Labels are text over each picture, read by screen readers; the legend says what the colours mean.
    standing = page.locator("#figure-standing-side")
    assert "psoas major" in (standing.locator("svg.figure-labels").text_content() or "")
    assert standing.locator("svg.figure-labels text").count() >= 4
    assert "iliacus" in standing.locator("ul.legend").inner_text()
    sitting = page.locator("#figure-sitting-90-90-side figcaption")
    assert "Here the psoas is" in sitting.locator(".figure-caption").inner_text()
    assert "mm" not in sitting.locator(".figure-caption").inner_text()
    assert not sitting.locator("details p").is_visible()
    sitting.locator("details summary").click()
    assert "mm" in sitting.locator("details p").inner_text()
    full_page_screenshot(page, artifacts_dir / "lesson-desktop.png")

    slider = page.locator("#hip-angle")
    before = page.get_attribute("#slider-image", "src")
    slider.focus()
    for _ in range(18):  # 18 steps of 5°: the hip bent 90°
        page.keyboard.press("ArrowRight")
    assert page.input_value("#hip-angle") == "90"
    assert page.get_attribute("#slider-image", "src") != before
    assert "hip-slider-090" in (page.get_attribute("#slider-image", "src") or "")
    assert "psoas major" in (page.text_content("#slider-labels") or "")
    readout = page.inner_text("#slider-readout")
    assert readout.startswith("hip bent 90°: psoas") and "−" in readout
    page.wait_for_function("() => document.getElementById('slider-image').complete")
    page.locator("#hip-slider").screenshot(path=str(artifacts_dir / "lesson-slider-90.png"))


def test_it_loads_light_and_only_from_this_site(
    page: Any, live_server: Any, rendered: Path, artifacts_dir: Path
) -> None:
    page.goto(f"{live_server.url}/learn/psoas/")
    page.wait_for_load_state("networkidle")
    total, names = transferred(page)
    (artifacts_dir / "lesson-first-load.txt").write_text(f"{total} bytes in {len(names)} requests\n" + "\n".join(names))
    assert total <= FIRST_LOAD_BUDGET_BYTES, (total, names)
    assert all(name.startswith(live_server.url) for name in names), names
    # Slider frames other than the first are fetched only when the slider moves.
    assert not [name for name in names if "hip-slider-" in name and "hip-slider-000" not in name], names


def test_it_plays_and_pauses_the_movements(page: Any, live_server: Any, rendered: Path, artifacts_dir: Path) -> None:
    page.goto(f"{live_server.url}/learn/psoas/")
    walking = page.locator("figure.movement[data-movement='walking-stride']")
    walking.scroll_into_view_if_needed()
    button = walking.locator("button.movement-toggle")
    page.wait_for_function("(b) => b.getAttribute('aria-pressed') === 'true'", arg=button.element_handle())
    image = walking.locator("img.movement-image")
    first = image.get_attribute("src")
    page.wait_for_function("([img, src]) => img.getAttribute('src') !== src", arg=[image.element_handle(), first])
    # Labels are drawn when a frame has loaded (never over an empty frame), which may come after its src is set.
    overlay = walking.locator("svg.figure-labels")
    page.wait_for_function("(svg) => svg.textContent.includes('psoas major')", arg=overlay.element_handle())
    assert "psoas major" in (overlay.text_content() or "")
    walking.screenshot(path=str(artifacts_dir / "lesson-walking.png"))
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "false" and button.inner_text() == "Play"
    paused = image.get_attribute("src")
    page.wait_for_timeout(700)
    assert image.get_attribute("src") == paused


def test_it_keeps_still_for_reduced_motion(chromium: Any, live_server: Any, rendered: Path) -> None:
    context = chromium.new_context(viewport={"width": 1100, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{live_server.url}/learn/psoas/")
    walking = page.locator("figure.movement[data-movement='walking-stride']")
    walking.scroll_into_view_if_needed()
    image = walking.locator("img.movement-image")
    first = image.get_attribute("src")
    page.wait_for_timeout(700)
    assert image.get_attribute("src") == first
    assert walking.locator("button.movement-toggle").get_attribute("aria-pressed") == "false"
    context.close()


def test_it_fits_a_phone(chromium: Any, live_server: Any, rendered: Path, artifacts_dir: Path) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live_server.url}/learn/psoas/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    figure = page.locator("#figure-bed-edge-hang-side")
    figure.scroll_into_view_if_needed()
    image = figure.locator("img")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    box, overlay = image.bounding_box(), figure.locator("svg.figure-labels").bounding_box()
    # The labels overlay covers the picture exactly, so every label points where it should.
    assert box is not None and overlay is not None
    assert abs(box["width"] - overlay["width"]) < 1 and abs(box["height"] - overlay["height"]) < 1
    full_page_screenshot(page, artifacts_dir / "lesson-phone.png")
    figure.screenshot(path=str(artifacts_dir / "lesson-phone-bed-edge.png"))
    context.close()


def test_it_shows_the_leg_being_stretched(page: Any, live_server: Any, rendered: Path, artifacts_dir: Path) -> None:
    for side in ("right", "left"):
        response = page.goto(f"{live_server.url}/learn/figure/bed-edge-hang/{side}/")
        assert response is not None and response.ok
        expected = "bed-edge-hang-left.png" if side == "left" else "bed-edge-hang-side.png"
        assert page.url.endswith(expected)
        page.screenshot(path=str(artifacts_dir / f"player-figure-{side}.png"))


def test_the_player_shows_the_leg_being_stretched(
    chromium: Any, live_server: Any, rendered: Path, artifacts_dir: Path
) -> None:
    from psoascare.knowledge.content import red_flags
    from psoascare.web.accounts.models import create_client
    from psoascare.web.journal.safety import screen
    from tests.conftest import logged_in_page

    client = create_client("lena", "lena@example.org", "correct horse battery staple", therapist=None)
    screen(client, "first-login", {sign.slug: False for sign in red_flags().all_signs})  # the gate is open
    page = logged_in_page(chromium, live_server, client, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/routines/bed-edge/play/")  # real time: holds last until skipped
    image = page.locator("#posture")
    page.keyboard.press("Space")
    page.wait_for_selector("#player[data-state=running]")
    for side in ("left", "right"):
        page.wait_for_function(
            "([img, side]) => (img.getAttribute('src') || '').endsWith('/bed-edge-hang/' + side + '/')"
            " && img.complete && img.naturalWidth > 0",
            arg=[image.element_handle(), side],
        )
        assert f"{side} leg" in (image.get_attribute("alt") or "")
        page.screenshot(path=str(artifacts_dir / f"player-hold-{side}.png"))
        # Skip steps until the player moves on to the other leg.
        for _ in range(8):
            if side == "right" or (image.get_attribute("src") or "").endswith("/right/"):
                break
            current = page.get_attribute("#player", "data-index")
            page.keyboard.press("ArrowRight")
            page.wait_for_function("(index) => document.getElementById('player').dataset.index !== index", arg=current)
    page.keyboard.press("Escape")
