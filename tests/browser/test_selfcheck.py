"""The Thomas self-check in Debian chromium on a phone-sized page: the real pose model (MoveNet, shipped by the
npm package and served by the app) runs on real photographs, its points are compared with points annotated by
hand, a point is dragged and nudged, the check is saved and found in the journal and the API; no request leaves
the site and no request carries the photo."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

from psoascare.knowledge.content import red_flags
from psoascare.web.accounts.models import create_client, create_therapist
from psoascare.web.journal.models import RedFlagScreening
from psoascare.web.selfcheck.finders import FILES, PACKAGE_DIR
from psoascare.web.selfcheck.models import SelfCheck
from tests.conftest import logged_in_page
from tests.desk.tools import tool_missing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOTOS = Path(__file__).resolve().parent / "selfcheck_photos"
ANNOTATIONS = json.loads((PHOTOS / "annotations.json").read_text())
TOLERANCE_PX = 15.0
PHONE = {"width": 390, "height": 844}
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG", b"data:image", b"base64,", b"multipart/form-data")


def a_client() -> Any:
    therapist = create_therapist("tessa", "tessa@example.org", "correct horse battery staple")
    client = create_client("cleo", "cleo@example.org", "correct horse battery staple", therapist=therapist)
    answers = dict.fromkeys((sign.slug for sign in red_flags().all_signs), False)
    RedFlagScreening.objects.create(client=client, trigger="first-login", answers=answers, outcome="clear")
    return client


class Requests:
    """Every request the page makes, with its body."""

    def __init__(self, page: Any) -> None:
        self.seen: list[tuple[str, str, bytes]] = []
        page.on(
            "request", lambda request: self.seen.append((request.method, request.url, request.post_data_buffer or b""))
        )

    def check(self, base: str) -> None:
        host = urlsplit(base).netloc
        assert self.seen, "no requests recorded"
        for method, url, body in self.seen:
            parts = urlsplit(url)
            assert parts.scheme in ("blob", "data") or parts.netloc == host, f"{method} {url} left the site"
            for signature in IMAGE_SIGNATURES:
                assert signature not in body, f"{method} {url} carries image data ({signature!r})"
            assert len(body) < 8_000, f"{method} {url} sent {len(body)} bytes"


def found_points(page: Any) -> dict[str, list[float]]:
    return dict(json.loads(page.input_value("#id_points")))


def choose_photo(page: Any, path: Path, side: str) -> None:
    page.check(f"input[name=side-choice][value={side}]")
    page.set_input_files("#photo", str(path))
    page.wait_for_selector("#selfcheck[data-state=ready]", timeout=180_000)


def angle(page: Any, name: str) -> float:
    return float(page.get_attribute(f"#angle-{name}", "data-value"))


@pytest.fixture
def pose_model() -> None:
    missing = [name for name in FILES if not (PACKAGE_DIR / name).is_file()]
    if missing:
        tool_missing(f"the pose model is not installed ({missing})", "`make install` runs npm ci")


def test_the_pose_model_finds_the_annotated_points_and_a_check_is_saved(
    chromium: Any, live_server: Any, artifacts_dir: Path, pose_model: None
) -> None:
    base = live_server.url
    client = a_client()
    page = logged_in_page(chromium, live_server, client, viewport=PHONE)
    requests = Requests(page)
    page.goto(f"{base}/selfcheck/")
    assert "Keep the other knee hugged to your chest" in page.inner_text("#precautions")
    page.screenshot(path=str(artifacts_dir / "selfcheck-1-start.png"), full_page=True)

    errors: dict[str, dict[str, float]] = {}
    timings: dict[str, dict[str, int]] = {}
    for filename in ("basketball1-lying.jpg",):
        expected = ANNOTATIONS[filename]
        page.evaluate("document.getElementById('selfcheck').dataset.state = ''")
        choose_photo(page, PHOTOS / filename, expected["side"])
        assert page.input_value("#id_found_by") == "pose-model", page.inner_text("#status")
        width, height = Image.open(PHOTOS / filename).size
        assert (int(page.input_value("#id_image_width")), int(page.input_value("#id_image_height"))) == (width, height)
        points = found_points(page)
        timings[filename] = {
            "model_load_ms": int(page.get_attribute("#selfcheck", "data-load-ms") or 0),
            "detect_three_turns_ms": int(page.get_attribute("#selfcheck", "data-detect-ms") or 0),
        }
        errors[filename] = {
            name: round(math.dist(points[name], annotated), 1) for name, annotated in expected["points"].items()
        }
        page.screenshot(path=str(artifacts_dir / f"selfcheck-2-{filename.split('.')[0]}.png"), full_page=True)
    (artifacts_dir / "selfcheck-point-errors.json").write_text(json.dumps(errors, indent=2))
    (artifacts_dir / "selfcheck-timings.json").write_text(json.dumps(timings, indent=2))  # reported, not asserted
    for filename, by_point in errors.items():
        for name, error in by_point.items():
            assert error <= TOLERANCE_PX, f"{filename}: {name} is {error} px from the annotation ({errors})"

    # Drag the knee down with the mouse: the thigh hangs further below the bed line.
    before = angle(page, "thigh_below_bed")
    page.locator(".pt-knee").scroll_into_view_if_needed()
    knee = page.locator(".pt-knee").bounding_box()
    x, y = knee["x"] + knee["width"] / 2, knee["y"] + knee["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 12, steps=4)
    page.mouse.move(x, y + 25, steps=4)
    page.mouse.up()
    after_drag = angle(page, "thigh_below_bed")
    assert after_drag > before + 2.0, (before, after_drag)
    # And the ankle with the keyboard: Shift+ArrowDown moves it 10 px.
    ankle_before = found_points(page)["ankle"]
    page.focus(".pt-ankle")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("ArrowLeft")
    ankle_after = found_points(page)["ankle"]
    assert ankle_after[1] == pytest.approx(min(ankle_before[1] + 10, 399), abs=0.11)
    assert ankle_after[0] == pytest.approx(ankle_before[0] - 1, abs=0.11)
    page.fill("#id_note", "browser test")
    page.screenshot(path=str(artifacts_dir / "selfcheck-3-corrected.png"), full_page=True)

    with page.expect_navigation():
        page.click("#save")
    check = SelfCheck.objects.get(client=client)
    assert page.url == f"{base}/selfcheck/{check.pk}/"
    side = ANNOTATIONS["basketball1-lying.jpg"]["side"]
    assert (check.side, check.found_by, check.note) == (side, "pose-model", "browser test")
    assert check.thigh_below_bed == pytest.approx(after_drag, abs=0.05)
    assert "Harvey D, Br J Sports Med 1998;32:68" in page.inner_text("#result")
    page.screenshot(path=str(artifacts_dir / "selfcheck-4-result.png"), full_page=True)

    page.goto(f"{base}/journal/")
    assert page.locator("#selfcheck-summary circle[data-side=r]").count() == 1
    assert f"/selfcheck/{check.pk}/" in page.inner_html("#selfcheck-summary")
    page.screenshot(path=str(artifacts_dir / "selfcheck-5-journal.png"), full_page=True)
    listed = page.evaluate("fetch('/api/selfchecks').then((response) => response.json())")
    assert [row["id"] for row in listed] == [check.pk]
    assert listed[0]["thigh_below_bed"] == pytest.approx(after_drag, abs=0.05)

    requests.check(base)
    posts = [body for method, _, body in requests.seen if method == "POST"]
    assert len(posts) == 1 and b"points=" in posts[0]


def test_the_person_places_the_points_when_the_model_finds_nobody(
    chromium: Any, live_server: Any, tmp_path: Path, artifacts_dir: Path, pose_model: None
) -> None:
    base = live_server.url
    client = a_client()
    empty = tmp_path / "wall.png"
    Image.new("RGB", (640, 400), (200, 205, 210)).save(empty)
    page = logged_in_page(chromium, live_server, client, viewport=PHONE, has_touch=True, is_mobile=True)
    requests = Requests(page)
    page.goto(f"{base}/selfcheck/")
    choose_photo(page, empty, "r")
    assert "found nobody" in page.inner_text("#status")
    assert page.input_value("#id_found_by") == "by-hand"
    # Place the hip with the keyboard and drag the knee with a finger (touch events, as on a phone), then save.
    page.focus(".pt-hip")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowUp")
    knee_before = found_points(page)["knee"]
    box = page.locator(".pt-knee").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    touch = page.context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 6):
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + 3 * step}]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    knee_after = found_points(page)["knee"]
    assert knee_after[1] > knee_before[1] + 10, (knee_before, knee_after)
    page.screenshot(path=str(artifacts_dir / "selfcheck-6-by-hand.png"), full_page=True)
    with page.expect_navigation():
        page.click("#save")
    assert not page.locator("#save-error").count(), page.inner_text("#save-error")
    check = SelfCheck.objects.get(client=client)
    assert check.found_by == "by-hand" and check.side == "r"
    assert check.points["hip"] == [pytest.approx(352.0, abs=0.1), pytest.approx(170.0, abs=0.1)]
    requests.check(base)
