"""The lesson's pictures on the page: WebP with a phone-sized copy, labels as text over them, plain captions
with the numbers behind "Details", and the address the routine player uses to show the leg being stretched."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from PIL import Image

from psoascare.body.figures import MANIFEST_FORMAT, MANIFEST_NAME
from psoascare.web.lessons.figures import LESSON_FIGURE_KEYS, leg_figure_url
from tests.web.base import BaseTestCase

LABEL = {"text": "psoas major", "structure": "psoas", "world": [0, 0, 1], "anchor": [200.0, 300.0],
         "at": [260.0, 280.0], "align": "start"}  # fmt: skip


@contextmanager
def rendered(keys: tuple[str, ...]) -> Iterator[Path]:
    """A data directory whose figures/ holds a still (PNG, WebP and phone WebP) for each key."""
    with (
        tempfile.TemporaryDirectory(prefix="lesson-figures-") as tmp,
        mock.patch.dict(os.environ, {"PSOASCARE_DATA_DIR": tmp}),
    ):
        figures = Path(tmp) / "figures"
        figures.mkdir()
        entries = {}
        for key in keys:
            picture = Image.new("RGB", (480, 640), "white")
            picture.save(figures / f"{key}.png")
            picture.save(figures / f"{key}.webp")
            picture.resize((240, 320)).save(figures / f"{key}-240.webp")
            entries[key] = {
                "file": f"{key}.png",
                "files": [f"{key}.png", f"{key}.webp", f"{key}-240.webp"],
                "webp": {"full": f"{key}.webp", "small": f"{key}-240.webp"},
                "size": [480, 640],
                "alt": f"alt of {key}",
                "caption": f"Caption of {key} in plain words.",
                "details": f"{key}: psoas 181 mm (rajagopal2016)",
                "labels": [LABEL],
            }
        manifest = {"format": MANIFEST_FORMAT, "file_format": "png", "figures": entries}
        (figures / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
        yield figures


class FigurePagesTestCase(BaseTestCase):
    def test_it_shows_webp_pictures_with_labels_legend_and_details(self) -> None:
        with rendered(LESSON_FIGURE_KEYS):
            response = self.client.get("/learn/psoas/")
            self.assertContains(
                response, 'srcset="/figures/standing-side-240.webp 240w, /figures/standing-side.webp 480w"'
            )
            self.assertContains(response, '<svg class="figure-labels" viewBox="0 0 480 640" role="group"')
            label = 'text-anchor="start" style="font-size: 17px">psoas major</text>'
            self.assertContains(response, label, count=len(LESSON_FIGURE_KEYS))
            self.assertContains(response, '<ul class="legend" aria-label="Colours in the picture">')
            self.assertContains(response, "<summary>Details</summary><p>sitting-90-90-side: psoas 181 mm")
            webp = self.client.get("/figures/standing-side-240.webp")
            self.assertEqual(webp.status_code, 200)
            self.assertEqual(webp["Content-Type"], "image/webp")
            # The PNG stays for the printed handout and the player's older addresses.
            self.assertEqual(self.client.get("/figures/standing-side.png").status_code, 200)
            self.assertEqual(self.client.get("/figures/lumbar-close-up-480.webp").status_code, 404)

    def test_it_sends_the_player_to_the_leg_being_stretched(self) -> None:
        with rendered(("bed-edge-hang-side", "bed-edge-hang-left", "standing-side")):
            self.assertEqual(leg_figure_url("bed-edge-hang", "left"), "/learn/figure/bed-edge-hang/left/")
            left = self.client.get("/learn/figure/bed-edge-hang/left/")
            self.assertRedirects(left, "/figures/bed-edge-hang-left.png", fetch_redirect_response=False)
            right = self.client.get(leg_figure_url("bed-edge-hang", "right"))
            self.assertRedirects(right, "/figures/bed-edge-hang-side.png", fetch_redirect_response=False)
            # "both", or a posture without a left view: the right side's picture.
            both = self.client.get(leg_figure_url("standing", "both"))
            self.assertRedirects(both, "/figures/standing-side.png", fetch_redirect_response=False)
            left_standing = self.client.get("/learn/figure/standing/left/")
            self.assertRedirects(left_standing, "/figures/standing-side.png", fetch_redirect_response=False)
            self.assertEqual(self.client.get("/learn/figure/cartwheel/left/").status_code, 404)
            self.assertEqual(self.client.get("/learn/figure/bed-edge-hang/up/").status_code, 404)
