"""Figures for the lesson page and exercise cards: the rendered pictures from the data directory, or, until
they are rendered, SVG schematics drawn inline from the same model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.urls import reverse

from psoascare.body.figures import (
    HEIGHT,
    PEDALLING_KEY,
    SMALL_WIDTH,
    WALKING_KEY,
    WIDTH,
    Figure,
    catalogue,
    figure_key,
    motion_curve,
    read_manifest,
)
from psoascare.body.render.anatomy import ILIACUS_ORANGE, PSOAS_RED
from psoascare.paths import figures_dir

LESSON_FIGURE_KEYS = (
    "standing-side",
    "sitting-90-90-side",
    "slumped-sitting-side",
    "bed-edge-hang-side",
    "standing-front",
    "lumbar-close-up",
)
FILENAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(png|svg|webp)$")
CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml", "webp": "image/webp"}
# What the colours mean, under every picture (text, so it reads aloud and can be translated).
LEGEND = (
    ("psoas major", "#" + "".join(f"{round(c * 255):02x}" for c in PSOAS_RED)),
    ("iliacus", "#" + "".join(f"{round(c * 255):02x}" for c in ILIACUS_ORANGE)),
    ("bone", "#e3d9c7"),
    ("outline of the body", "#f3d2c2"),
)


@dataclass(frozen=True)
class OverlayLabel:
    """One label over a picture, in the picture's pixel coordinates (the overlay scales with it)."""

    text: str
    structure: str
    x: float
    y: float
    align: str
    anchor_x: float
    anchor_y: float
    size: int = 17

    @property
    def line_x(self) -> float:
        """Where the leader line leaves the text (just before its start, or after its end)."""
        return self.x - 3 if self.align == "start" else self.x + 3

    @property
    def line_y(self) -> float:
        return self.y - 5


@dataclass(frozen=True)
class LessonFigure:
    key: str
    alt: str
    caption: str
    url: str = ""
    svg: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    srcset: str = ""
    details: str = ""
    labels: tuple[OverlayLabel, ...] = ()
    legend: tuple[tuple[str, str], ...] = LEGEND


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


def _overlay(entry: dict[str, Any]) -> tuple[OverlayLabel, ...]:
    labels = []
    for label in entry.get("labels") or []:
        try:
            labels.append(
                OverlayLabel(
                    str(label["text"]),
                    str(label["structure"]),
                    float(label["at"][0]),
                    float(label["at"][1]),
                    "end" if label["align"] == "end" else "start",
                    float(label["anchor"][0]),
                    float(label["anchor"][1]),
                    int(label.get("size", 17)),
                )
            )
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # an entry from an older manifest: no labels rather than a broken page
    return tuple(labels)


def _size(entry: dict[str, Any]) -> tuple[int, int]:
    size = entry.get("size")
    if isinstance(size, list) and len(size) == 2 and all(isinstance(value, int) for value in size):
        return size[0], size[1]
    return WIDTH, HEIGHT


def _sources(entry: dict[str, Any]) -> tuple[str, str]:
    """The picture's address (WebP where rendered so) and its srcset (phone and full size)."""
    webp = entry.get("webp") or {}
    full = webp.get("full")
    if not isinstance(full, str):
        return reverse("figure", args=[entry["file"]]), ""
    url = reverse("figure", args=[full])
    small = webp.get("small")
    width = _size(entry)[0]
    small_width = width * SMALL_WIDTH // WIDTH
    if not isinstance(small, str):
        return url, ""
    return url, f"{reverse('figure', args=[small])} {small_width}w, {url} {width}w"


def figure(key: str, rendered: dict[str, dict[str, Any]] | None = None) -> LessonFigure:
    """One figure by catalogue key: the rendered file when there is one, else an inline schematic."""
    entry = (rendered if rendered is not None else rendered_entries()).get(key)
    known = catalogue_by_key().get(key)
    if entry is not None:
        url, srcset = _sources(entry)
        width, height = _size(entry)
        return LessonFigure(
            key,
            str(entry["alt"]),
            str(entry["caption"]),
            url=url,
            width=width,
            height=height,
            srcset=srcset,
            details=str(entry.get("details") or (known.details if known else "")),
            labels=_overlay(entry),
        )
    if known is None:
        raise KeyError(key)
    return LessonFigure(key, known.alt, known.caption, svg=_inline(known), details=known.details)


def leg_figure_url(posture: str, side: str = "right") -> str:
    """The address of a posture's picture showing the leg being stretched (`side` "right", "left" or
    "both"): the player sets its image to this. Redirects to the rendered file."""
    return reverse("lessons:leg_figure", args=[posture, side if side in ("left", "right") else "right"])


def leg_figure_file(posture: str, side: str, rendered: dict[str, dict[str, Any]] | None = None) -> str | None:
    """The file name for `leg_figure_url`: the left-leg view where there is one, else the right side. The
    primary file (the PNG with its labels drawn in), as the player shows it in a plain <img>."""
    rendered = rendered if rendered is not None else rendered_entries()
    for key in (figure_key(posture, side), figure_key(posture, "right")):
        entry = rendered.get(key)
        if entry is not None:
            return str(entry["file"])
    return None


def lesson_figures(rendered: dict[str, dict[str, Any]] | None = None) -> list[LessonFigure]:
    rendered = rendered if rendered is not None else rendered_entries()
    return [figure(key, rendered) for key in LESSON_FIGURE_KEYS]


@dataclass(frozen=True)
class SliderFrame:
    angle: int
    url: str
    caption: str
    labels: tuple[OverlayLabel, ...] = ()


def slider_frames(rendered: dict[str, dict[str, Any]] | None = None) -> list[SliderFrame]:
    """The hip-angle slider's frames when all are rendered (empty otherwise: the page shows the curve only)."""
    rendered = rendered if rendered is not None else rendered_entries()
    sliders = [f for f in catalogue_by_key().values() if f.kind == "slider"]
    if not all(f.key in rendered for f in sliders):
        return []
    return [
        SliderFrame(
            round(f.posture.hip_flexion_r),
            _sources(rendered[f.key])[0],
            str(rendered[f.key]["caption"]),
            _overlay(rendered[f.key]),
        )
        for f in sliders
    ]


@dataclass(frozen=True)
class Movement:
    """A movement shown as a short loop of frames beside the psoas length curve over the cycle."""

    key: str
    title: str
    frames: tuple[dict[str, Any], ...]
    curve: tuple[dict[str, float], ...]
    alt: str
    details: str


def movements(rendered: dict[str, dict[str, Any]] | None = None) -> list[Movement]:
    """The walking stride and the pedal stroke, when all their frames are rendered."""
    rendered = rendered if rendered is not None else rendered_entries()
    found = []
    for key, title in ((WALKING_KEY, "Walking"), (PEDALLING_KEY, "Cycling")):
        frames = sorted((f for f in catalogue_by_key().values() if f.sequence == key), key=lambda figure: figure.key)
        if not frames or not all(f.key in rendered for f in frames):
            continue
        count = len(frames)
        found.append(
            Movement(
                key,
                title,
                tuple(
                    {
                        "url": _sources(rendered[f.key])[0],
                        "percent": round(100.0 * index / count, 1),
                        "caption": f.caption,
                        "change_pct": round(f.psoas_change_pct["r"], 2),
                        "labels": [vars(label) for label in _overlay(rendered[f.key])],
                    }
                    for index, f in enumerate(frames)
                ),
                tuple(_motion_curve(key)),
                f"{title}, seen from the right side: {count} pictures over one "
                f"{'stride' if key == WALKING_KEY else 'turn of the pedals'}, with the psoas in red.",
                "The curve is the right psoas's length change against standing over the cycle, computed by the "
                "body model (Rajagopal A et al., IEEE Trans Biomed Eng 2016;63:2068) for each moment; the marker "
                "follows the picture.",
            )
        )
    return found


@cache
def _motion_curve(key: str) -> tuple[dict[str, float], ...]:
    return tuple(motion_curve(key))


def _listed_files() -> set[str]:
    entries = read_manifest(figures_dir()).get("figures", {}).values()
    return {
        name
        for entry in entries
        if isinstance(entry, dict)
        for name in (entry.get("files") or [entry.get("file")])
        if isinstance(name, str)
    }


def figure_path(filename: str) -> Path | None:
    """The file for a figure name, or None: only names the manifest lists, so no path can escape."""
    if not FILENAME.match(filename):
        return None
    path = figures_dir() / filename
    return path if filename in _listed_files() and path.is_file() else None


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
