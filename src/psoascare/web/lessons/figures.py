"""Figures for the lesson page and exercise cards: the rendered pictures from the data directory, or, until
they are rendered, SVG schematics drawn inline from the same model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.urls import reverse

from psoascare.body.figures import HEIGHT, WIDTH, Figure, catalogue, read_manifest
from psoascare.paths import figures_dir

LESSON_FIGURE_KEYS = (
    "standing-side",
    "sitting-90-90-side",
    "slumped-sitting-side",
    "bed-edge-hang-side",
    "standing-front",
    "lumbar-close-up",
)
FILENAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(png|svg)$")


@dataclass(frozen=True)
class LessonFigure:
    key: str
    alt: str
    caption: str
    url: str = ""
    svg: str = ""
    width: int = WIDTH
    height: int = HEIGHT


@cache
def catalogue_by_key() -> dict[str, Figure]:
    """Every body-model figure by key (built once per process)."""
    return {figure.key: figure for figure in catalogue()}


def _inline(figure: Figure) -> str:
    from psoascare.body.render import schematic_svg

    return schematic_svg(
        figure.posture, figure.view, title=figure.caption, description=figure.alt, element_id=f"fig-{figure.key}"
    )


def rendered_entries() -> dict[str, dict[str, Any]]:
    """The manifest's figures whose files are on disk, by key (read once per page)."""
    directory = figures_dir()
    entries = read_manifest(directory).get("figures", {})
    return {
        key: entry
        for key, entry in entries.items()
        if isinstance(entry, dict) and (directory / str(entry.get("file", ""))).is_file()
    }


def figure(key: str, rendered: dict[str, dict[str, Any]] | None = None) -> LessonFigure:
    """One figure by catalogue key: the rendered file when there is one, else an inline schematic."""
    entry = (rendered if rendered is not None else rendered_entries()).get(key)
    if entry is not None:
        url = reverse("figure", args=[entry["file"]])
        return LessonFigure(key, str(entry["alt"]), str(entry["caption"]), url=url)
    known = catalogue_by_key()[key]
    return LessonFigure(key, known.alt, known.caption, svg=_inline(known))


def lesson_figures(rendered: dict[str, dict[str, Any]] | None = None) -> list[LessonFigure]:
    rendered = rendered if rendered is not None else rendered_entries()
    return [figure(key, rendered) for key in LESSON_FIGURE_KEYS]


@dataclass(frozen=True)
class SliderFrame:
    angle: int
    url: str
    caption: str


def slider_frames(rendered: dict[str, dict[str, Any]] | None = None) -> list[SliderFrame]:
    """The hip-angle slider's frames when all are rendered (empty otherwise: the page shows the curve only)."""
    rendered = rendered if rendered is not None else rendered_entries()
    sliders = [f for f in catalogue_by_key().values() if f.kind == "slider"]
    if not all(f.key in rendered for f in sliders):
        return []
    return [
        SliderFrame(
            round(f.posture.hip_flexion_r),
            reverse("figure", args=[rendered[f.key]["file"]]),
            str(rendered[f.key]["caption"]),
        )
        for f in sliders
    ]


def figure_path(filename: str) -> Path | None:
    """The file for a figure name, or None: only names the manifest lists, so no path can escape."""
    if not FILENAME.match(filename):
        return None
    listed = {e.get("file") for e in read_manifest(figures_dir()).get("figures", {}).values() if isinstance(e, dict)}
    path = figures_dir() / filename
    return path if filename in listed and path.is_file() else None


@cache
def lesson_model_figures() -> dict[str, str]:
    """The numbers the lesson text quotes, computed by both body models (never typed in)."""
    from psoascare.body.model import BodyModel
    from psoascare.body.postures import get_posture

    models = ("rajagopal2016", "gait2392")
    standing = get_posture("standing")
    # A range over the models and over the ways people sit (slumped to upright 90/90), not the best case.
    shortening = sorted(
        -BodyModel(m).report(get_posture(p))["psoas_r"]["change_pct"]
        for m in models
        for p in ("slumped-sitting", "sitting-90-90")
    )
    arms = sorted(BodyModel(m).report(standing)["psoas_r"]["moment_arm_mm"] / 10 for m in models)
    return {
        "sitting_shortening": f"about {shortening[0]:.0f}–{shortening[-1]:.0f} %",
        "psoas_moment_arm": f"{arms[0]:.1f}–{arms[-1]:.1f} cm",
    }
