"""Figures for the lesson page, drawn by the body model (wired to psoascare.body.figures)."""

from __future__ import annotations

from typing import Any


def lesson_figures() -> list[Any]:
    return []
