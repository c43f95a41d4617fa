"""What the figures draw for a posture: the muscle paths our body model computes, with their style.

Both the MuJoCo renderer and the SVG schematic draw exactly these polylines (pelvis frame, metres).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from psoascare.body.model import BodyModel
    from psoascare.body.postures import Posture

PSOAS_RED = (0.80, 0.07, 0.07)
ILIACUS_ORANGE = (0.97, 0.56, 0.08)


@dataclass(frozen=True)
class PathStyle:
    rgb: tuple[float, float, float]
    radius_m: float
    label: str

    @property
    def hex(self) -> str:
        return "#" + "".join(f"{round(channel * 255):02x}" for channel in self.rgb)


STYLES = {
    "psoas": PathStyle(PSOAS_RED, 0.0075, "psoas major"),
    "iliacus": PathStyle(ILIACUS_ORANGE, 0.0065, "iliacus"),
    "fascicle": PathStyle(PSOAS_RED, 0.0035, "psoas fascicle"),
}


@dataclass(frozen=True)
class DrawnPath:
    """One muscle polyline: `kind` picks the style ("psoas", "iliacus", "fascicle")."""

    name: str
    kind: str
    points: np.ndarray

    @property
    def style(self) -> PathStyle:
        return STYLES[self.kind]


def muscle_paths(model: BodyModel, posture: Posture) -> list[DrawnPath]:
    """Psoas and iliacus of both sides, as the model computes them for `posture`."""
    from psoascare.body.model import MUSCLES, split_muscle_name

    paths = []
    for muscle in MUSCLES:
        kind, _ = split_muscle_name(muscle)
        paths.append(DrawnPath(muscle, kind, np.asarray(model.muscle_path(muscle, posture), dtype=float)))
    return paths


def fascicle_paths(model: BodyModel, posture: Posture) -> list[DrawnPath]:
    """The lumbar psoas fascicles of both sides (T12-L5 to the pelvic brim) for `posture`."""
    from psoascare.body.lumbar import lumbar_fascicle_paths

    paths = []
    for side in ("r", "l"):
        for name, points in lumbar_fascicle_paths(posture, side, model.name).items():
            paths.append(DrawnPath(f"psoas {name} fascicle {side}", "fascicle", np.asarray(points, dtype=float)))
    return paths


def figure_paths(model: BodyModel, posture: Posture) -> list[DrawnPath]:
    """Everything drawn in a figure of `posture`: lumbar fascicles, then psoas and iliacus."""
    return fascicle_paths(model, posture) + muscle_paths(model, posture)


@dataclass(frozen=True)
class Label:
    """A text label anchored at a point of the pelvis frame (metres)."""

    text: str
    point: np.ndarray


# Vertebra names are written beside the spine, on the body's left, clear of the right-side fascicles.
VERTEBRA_LABEL_OFFSET_M = np.array([0.0, 0.0, -0.075])


def vertebra_labels(posture: Posture) -> list[Label]:
    """ "T12" ... "L5" beside each vertebral body of our lumbar model in `posture`."""
    from psoascare.body.lumbar import vertebra_centres

    return [
        Label(name, np.asarray(centre, dtype=float) + VERTEBRA_LABEL_OFFSET_M)
        for name, centre in vertebra_centres(posture).items()
    ]
