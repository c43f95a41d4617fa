"""QR codes for the handout's links: PNG for the PDF, an SVG data URI for the printable page."""

from __future__ import annotations

import io
from typing import Final

import segno

# Pixels per module in the PNG; the PDF scales the image, so this only has to be sharp enough to print.
PNG_SCALE: Final = 8
# The quiet zone the QR standard asks for (4 modules); without it phone cameras misread printed codes.
BORDER: Final = 4


def qr_code(url: str) -> segno.QRCode:
    # make_qr, not make: a short text would otherwise become a Micro QR code, which most phones cannot read.
    # Level M survives a crease or a smudge on a printed page.
    return segno.make_qr(url, error="m")


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=PNG_SCALE, border=BORDER)
    return buffer.getvalue()


def qr_svg_data_uri(url: str) -> str:
    return str(qr_code(url).svg_data_uri(scale=4, border=BORDER))
