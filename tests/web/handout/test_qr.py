from __future__ import annotations

from unittest import TestCase

from psoascare.web.handout.qr import qr_png
from tests.web.handout.helpers import png_bytes_to_image, qr_encodes

URL = "https://clinic.example.org/today/"


class QrPngTestCase(TestCase):
    def test_it_encodes_the_url(self) -> None:
        image = png_bytes_to_image(qr_png(URL))
        self.assertTrue(qr_encodes(image, URL))
        self.assertFalse(qr_encodes(image, URL + "x"))

    def test_it_makes_a_full_qr_code_even_for_short_text(self) -> None:
        # A Micro QR code (what segno.make picks for short text) has one finder pattern; phones want three.
        image = png_bytes_to_image(qr_png("hi"))
        self.assertTrue(qr_encodes(image, "hi"))
        self.assertGreaterEqual(image.width, 21 * 8)
