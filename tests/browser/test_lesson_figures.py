"""The lesson page with the rendered figures, in Debian chromium: pictures load, captions carry the model's
numbers, and the hip-angle slider works from the keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from psoascare.body.figures import render_all
from psoascare.paths import figures_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def rendered() -> Path:
    summary = render_all(figures_dir())
    assert summary.total > 0
    return figures_dir()


def test_it_shows_the_rendered_figures_and_the_slider(
    page: Any, live_server: Any, rendered: Path, artifacts_dir: Path
) -> None:
    page.goto(f"{live_server.url}/learn/psoas/")
    images = page.locator("section.figures figure img")
    assert images.count() == 6
    for index in range(images.count()):
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", images.nth(index).element_handle())
    captions = page.locator("section.figures figcaption").all_inner_texts()
    assert any(caption.startswith("Sitting 90/90: psoas −") for caption in captions), captions
    page.screenshot(path=str(artifacts_dir / "lesson-figures.png"), full_page=True)

    slider = page.locator("#hip-angle")
    before = page.get_attribute("#slider-image", "src")
    slider.focus()
    for _ in range(18):  # 18 steps of 5°: the hip bent 90°
        page.keyboard.press("ArrowRight")
    assert page.input_value("#hip-angle") == "90"
    assert page.get_attribute("#slider-image", "src") != before
    readout = page.inner_text("#slider-readout")
    assert readout.startswith("hip bent 90°: psoas") and "−" in readout
    page.locator("#hip-slider").screenshot(path=str(artifacts_dir / "lesson-slider-90.png"))
