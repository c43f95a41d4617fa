"""A minimal PNG encoder (RGB, 8 bit) so rendering needs no imaging library."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, payload: bytes) -> bytes:
    checksum = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", checksum)


def encode_png(pixels: np.ndarray, compression: int = 6) -> bytes:
    """Encode an (height, width, 3) uint8 RGB array as PNG bytes."""
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an (height, width, 3) RGB array, got shape {pixels.shape}")
    rgb = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width, _ = rgb.shape
    # Filter type 0 (None) on every row: a zero byte before each scanline.
    scanlines = np.zeros((height, width * 3 + 1), dtype=np.uint8)
    scanlines[:, 1:] = rgb.reshape(height, width * 3)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(scanlines.tobytes(), compression))
        + _chunk(b"IEND", b"")
    )


def write_png(path: Path | str, pixels: np.ndarray) -> Path:
    """Write an RGB array to `path` as PNG (atomically: a half-written figure is never served)."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(encode_png(pixels))
    partial.replace(target)
    return target


def decode_png(data: bytes) -> np.ndarray:
    """Decode a PNG written by `encode_png` (8-bit RGB, unfiltered rows); used by the tests."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    offset = len(PNG_SIGNATURE)
    width = height = 0
    compressed = b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", payload[:10])
            if (depth, colour_type) != (8, 2):
                raise ValueError("only 8-bit RGB PNGs are supported")
        elif kind == b"IDAT":
            compressed += payload
    rows = np.frombuffer(zlib.decompress(compressed), dtype=np.uint8).reshape(height, width * 3 + 1)
    if np.any(rows[:, 0] != 0):
        raise ValueError("only unfiltered PNG rows are supported")
    return rows[:, 1:].reshape(height, width, 3).copy()
