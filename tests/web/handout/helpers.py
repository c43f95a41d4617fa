"""Shared by the handout tests: reading QR codes back out of images, and a data directory with pictures."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import segno
from PIL import Image, ImageDraw, ImageOps

from psoascare.body.figures import MANIFEST_FORMAT, MANIFEST_NAME

DARK_BELOW = 128


def qr_grid(image: Image.Image, modules: int) -> list[list[bool]]:
    """The dark/light modules of the QR code in `image`, sampled at each module's centre.

    The code's dark pixels span exactly the symbol (the finder patterns fill three corners), so their
    bounding box gives the symbol's position and module size whatever the scale and quiet zone.
    """
    grey = image.convert("L")
    box = ImageOps.invert(grey).point(lambda v: 255 if v > 255 - DARK_BELOW else 0).getbbox()
    assert box is not None, "the image is blank"
    left, top, right, _ = box
    size = (right - left) / modules
    return [
        [
            grey.getpixel((int(left + (col + 0.5) * size), int(top + (row + 0.5) * size))) < DARK_BELOW
            for col in range(modules)
        ]
        for row in range(modules)
    ]


def qr_encodes(image: Image.Image, url: str) -> bool:
    """True when `image` shows the QR code of `url` at any error-correction level segno may pick."""
    for error in "LMQH":
        for boost in (True, False):
            code = segno.make_qr(url, error=error, boost_error=boost)
            expected = [[bool(module) for module in row] for row in code.matrix]
            if qr_grid(image, len(expected)) == expected:
                return True
    return False


def png_bytes_to_image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def _fake_render(path: Path, index: int) -> None:
    """A stand-in for a rendered figure: white canvas, a dark shape in the middle (as the real ones).
    Each differs, as the real ones do: the PDF stores identical images once."""
    picture = Image.new("RGB", (480, 640), "white")
    ImageDraw.Draw(picture).rectangle((180, 200, 300 + 10 * index, 440), fill=(180, 30, 30))
    picture.save(path, format="PNG")


@contextmanager
def data_dir_with_figures(keys: tuple[str, ...]) -> Iterator[Path]:
    """A fresh data directory whose figures/ holds PNGs for `keys` (none: no figures rendered at all)."""
    with (
        tempfile.TemporaryDirectory(prefix="handout-figures-") as tmp,
        mock.patch.dict(os.environ, {"PSOASCARE_DATA_DIR": tmp}),
    ):
        figures = Path(tmp) / "figures"
        figures.mkdir()
        entries = {}
        for index, key in enumerate(keys):
            _fake_render(figures / f"{key}.png", index)
            entries[key] = {"file": f"{key}.png", "alt": f"alt of {key}", "caption": f"caption of {key}"}
        manifest = {"format": MANIFEST_FORMAT, "file_format": "png", "figures": entries}
        (figures / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
        yield figures
