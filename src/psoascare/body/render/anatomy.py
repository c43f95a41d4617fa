"""What the figures draw for a posture: the muscle paths our body model computes, with their style.

Both the MuJoCo renderer and the SVG schematic draw exactly these polylines (pelvis frame, metres).
The pictures give them volume: each path carries a radius at each point, the psoas belly's greatest
cross-section having the area of the model's physiological cross-section (PCSA = maximum isometric
force / specific tension, 60 N/cm² as in Rajagopal A et al., IEEE Trans Biomed Eng 2016;63:2068),
shared among its lumbar fascicles where they merge; the iliacus is drawn as a fan of strands from the
iliac crest to its path, its PCSA shared among them. The radii are a drawing of the volume, never used
for any number.
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
    "fan": PathStyle(ILIACUS_ORANGE, 0.006, "iliacus"),
}


# Rajagopal et al. 2016 computed maximum isometric forces from muscle volumes with this specific tension.
SPECIFIC_TENSION_N_PER_M2 = 60.0e4
TENDON_RADIUS_M = 0.0045
FASCICLE_ORIGIN_RADIUS_M = 0.004
# Iliacus fan: strands from points along the iliac crest (pelvis frame, right side; a drawing of the
# iliac fossa read off MyoLeg's pelvis mesh, not model data) to the model's iliacus path.
ILIAC_CREST_ORIGINS_M = (
    (-0.085, 0.062, 0.068),
    (-0.068, 0.064, 0.083),
    (-0.050, 0.052, 0.100),
    (-0.032, 0.032, 0.105),
    (-0.016, 0.010, 0.108),
)
RESAMPLED_POINTS = 10
# Strands of the iliacus fan, spread evenly along the crest points above (close enough to overlap).
FAN_STRANDS = 8


def _along_crest(count: int) -> np.ndarray:
    """`count` origins evenly spaced along the iliac crest polyline."""
    crest = np.asarray(ILIAC_CREST_ORIGINS_M, dtype=float)
    points, _ = _resample(crest, count)
    return points


def pcsa_radius_m(max_isometric_force_n: float, strands: int = 1) -> float:
    """Radius of a round cross-section with 1/strands of the PCSA the force implies."""
    area = max_isometric_force_n / SPECIFIC_TENSION_N_PER_M2 / strands
    return float(np.sqrt(area / np.pi))


@dataclass(frozen=True)
class DrawnPath:
    """One muscle polyline: `kind` picks the style ("psoas", "iliacus", "fascicle", "fan");
    `radii` (one per point, metres) give it volume in the pictures (None: the style's radius)."""

    name: str
    kind: str
    points: np.ndarray
    radii: np.ndarray | None = None

    @property
    def style(self) -> PathStyle:
        return STYLES[self.kind]

    def radius_at(self) -> np.ndarray:
        if self.radii is not None:
            return self.radii
        return np.full(len(self.points), self.style.radius_m)


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


def _resample(points: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` points evenly spaced along a polyline, and their arc-length fractions 0..1."""
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    fractions = np.linspace(0.0, 1.0, count)
    targets = fractions * along[-1]
    resampled = np.column_stack([np.interp(targets, along, points[:, axis]) for axis in range(3)])
    return resampled, fractions


def _belly_profile(fractions: np.ndarray, peak_m: float, fleshy_until: float) -> np.ndarray:
    """Full thickness over the belly, tapering to the tendon from `fleshy_until` to the insertion."""
    taper = np.clip((1.0 - fractions) / max(1.0 - fleshy_until, 1e-6), 0.0, 1.0) ** 0.7
    swell = 0.85 + 0.15 * np.clip(fractions / 0.3, 0.0, 1.0)
    return np.maximum(TENDON_RADIUS_M, peak_m * swell * np.where(fractions < fleshy_until, 1.0, taper))


def volume_paths(model: BodyModel, posture: Posture) -> list[DrawnPath]:
    """The muscles with volume: psoas fascicles T12-L5 thickening as they merge into the belly along the
    model's psoas path, the iliacus as a fan from the iliac crest along its path; both taper into the
    tendon at the lesser trochanter. The model's own paths are the centre lines."""
    from psoascare.body.geometry import MIRROR_Z
    from psoascare.body.model import split_muscle_name

    spec = model.spec
    psoas_force = spec.muscles["psoas"].max_isometric_force
    iliacus_force = spec.muscles["iliacus"].max_isometric_force
    drawn: list[DrawnPath] = []
    fascicles = fascicle_paths(model, posture)
    per_side = max(1, len(fascicles) // 2)
    merged_radius = pcsa_radius_m(psoas_force, per_side)
    for path in fascicles:
        points, fractions = _resample(path.points, 4)
        radii = FASCICLE_ORIGIN_RADIUS_M + (merged_radius - FASCICLE_ORIGIN_RADIUS_M) * fractions
        drawn.append(DrawnPath(path.name, "fascicle", points, radii))
    for path in muscle_paths(model, posture):
        kind, side = split_muscle_name(path.name)
        points, fractions = _resample(path.points, RESAMPLED_POINTS)
        if kind == "psoas":
            radii = _belly_profile(fractions, 0.7 * pcsa_radius_m(psoas_force), 0.55)
            drawn.append(DrawnPath(path.name, "psoas", points, radii))
            continue
        origins = _along_crest(FAN_STRANDS)
        strands = len(origins) + 1
        strand_radius = pcsa_radius_m(iliacus_force, strands) * 1.5
        drawn.append(DrawnPath(path.name, "iliacus", points, _belly_profile(fractions, strand_radius, 0.6)))
        # Fan strands join the model's path at its second point (the pelvic brim).
        joined = np.asarray(path.points[1:], dtype=float)
        for index, origin in enumerate(origins):
            start = np.asarray(origin, dtype=float)
            if side == "l":
                start = start @ MIRROR_Z
            strand, strand_fractions = _resample(np.vstack([start, joined]), 6)
            radii = _belly_profile(strand_fractions, strand_radius, 0.5)
            drawn.append(DrawnPath(f"iliacus fan {index + 1} {side}", "fan", strand, radii))
    return drawn


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
