"""Lumbar spine T12-L5 and the psoas fascicles from it to the pelvic brim (data: `data/lumbar.toml`).

The vertebrae form a chain standing on the sacrum: each body's axis leans forward from the pelvis-frame
vertical by the sacral slope less the lordosis of the joints below it; a lumbar flexion adds to those lean
angles, shared among the joints by their flexion ranges. The fascicles run straight from their origins on
the bodies and transverse processes to the model's psoas point at the pelvic brim, so flexing the lumbar
spine moves the origins and changes the fascicles' lengths.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from psoascare.body.geometry import MIRROR_Z, FloatArray
from psoascare.body.muscle_data import DEFAULT_MODEL, model_spec
from psoascare.body.postures import Posture

VERTEBRA_NAMES: tuple[str, ...] = ("T12", "L1", "L2", "L3", "L4", "L5")


class LumbarDataError(ValueError):
    """The lumbar data file is invalid; the message names the file and field."""


@dataclass(frozen=True)
class VertebraSpec:
    name: str
    body_height: float
    disc_below: float
    lordosis_below_deg: float
    flexion_share: float


@dataclass(frozen=True)
class FascicleSpec:
    name: str
    vertebra: str
    origin: tuple[float, float, float]  # vertebra frame


@dataclass(frozen=True)
class LumbarSpec:
    lumbosacral_joint: tuple[float, float, float]
    sacral_slope_deg: float
    vertebrae: tuple[VertebraSpec, ...]  # bottom (L5) up
    fascicles: tuple[FascicleSpec, ...]


def _number(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LumbarDataError(f"{where}: field {key!r} must be a number, got {value!r}")
    return float(value)


def _vector(where: str, key: str, value: Any) -> tuple[float, float, float]:
    if not isinstance(value, list) or len(value) != 3:
        raise LumbarDataError(f"{where}: field {key!r} must be a list of 3 numbers, got {value!r}")
    x, y, z = (_number(where, key, item) for item in value)
    return (x, y, z)


@lru_cache(maxsize=2)
def load_lumbar_spec(path: Path | None = None) -> LumbarSpec:
    file = path or Path(str(resources.files("psoascare.body") / "data" / "lumbar.toml"))
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LumbarDataError(f"{file}: {error}") from None
    where = file.name
    vertebrae: list[VertebraSpec] = []
    for index, row in enumerate(document.get("vertebrae", [])):
        row_where = f"{where} vertebrae[{index}]"
        vertebrae.append(
            VertebraSpec(
                name=str(row.get("name")),
                body_height=_number(row_where, "body_height", row.get("body_height")),
                disc_below=_number(row_where, "disc_below", row.get("disc_below")),
                lordosis_below_deg=_number(row_where, "lordosis_below_deg", row.get("lordosis_below_deg")),
                flexion_share=_number(row_where, "flexion_share", row.get("flexion_share")),
            )
        )
    if tuple(vertebra.name for vertebra in reversed(vertebrae)) != VERTEBRA_NAMES:
        raise LumbarDataError(f"{where}: [[vertebrae]] must list L5, L4, L3, L2, L1, T12 in that order")
    fascicles: list[FascicleSpec] = []
    for name, row in dict(document.get("fascicles", {})).items():
        row_where = f"{where} fascicles.{name!r}"
        if not isinstance(row, dict) or row.get("vertebra") not in VERTEBRA_NAMES:
            raise LumbarDataError(f"{row_where}: field 'vertebra' must be one of {', '.join(VERTEBRA_NAMES)}")
        fascicles.append(FascicleSpec(name, row["vertebra"], _vector(row_where, "origin", row.get("origin"))))
    if not fascicles:
        raise LumbarDataError(f"{where}: no [fascicles]")
    return LumbarSpec(
        lumbosacral_joint=_vector(where, "lumbosacral_joint", document.get("lumbosacral_joint")),
        sacral_slope_deg=_number(where, "sacral_slope_deg", document.get("sacral_slope_deg")),
        vertebrae=tuple(vertebrae),
        fascicles=tuple(fascicles),
    )


def vertebra_frames(lumbar_flexion_deg: float) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Each vertebra's (rotation vertebra->pelvis (3, 3), body centre (3,)) in the pelvis frame."""
    spec = load_lumbar_spec()
    total_share = sum(vertebra.flexion_share for vertebra in spec.vertebrae)
    joint = np.array(spec.lumbosacral_joint)
    lean_deg = spec.sacral_slope_deg  # forward lean of the axis from the pelvis-frame vertical
    frames: dict[str, tuple[FloatArray, FloatArray]] = {}
    for vertebra in spec.vertebrae:
        # Lordosis leans each vertebra back relative to the one below; flexion leans it forward.
        lean_deg += -vertebra.lordosis_below_deg + lumbar_flexion_deg * vertebra.flexion_share / total_share
        lean = math.radians(lean_deg)
        axis = np.array([math.sin(lean), math.cos(lean), 0.0])
        anterior = np.array([math.cos(lean), -math.sin(lean), 0.0])
        rotation = np.column_stack([anterior, axis, [0.0, 0.0, 1.0]])
        centre = joint + (vertebra.disc_below + vertebra.body_height) / 2.0 * axis
        frames[vertebra.name] = (rotation, centre)
        # The next disc's centre: the top of this body plus half the next disc (next disc ~ this one's).
        joint = centre + (vertebra.body_height + vertebra.disc_below) / 2.0 * axis
    return frames


def vertebra_centres(posture: Posture) -> dict[str, FloatArray]:
    """ "T12".."L5" -> vertebral body centre (3,) in the pelvis frame, metres."""
    frames = vertebra_frames(float(posture.lumbar_flexion))
    return {name: frames[name][1] for name in VERTEBRA_NAMES}


def lumbar_fascicle_paths(posture: Posture, side: str = "r", model: str = DEFAULT_MODEL) -> dict[str, FloatArray]:
    """Fascicle name ("T12/L1", ..., "L5", "L1 TP", ...) -> polyline (k, 3), pelvis frame, metres,
    from its lumbar origin to the model's psoas point at the pelvic brim."""
    if side not in ("r", "l"):
        raise ValueError(f"side must be 'r' or 'l', got {side!r}")
    frames = vertebra_frames(float(posture.lumbar_flexion))
    brim = np.array(model_spec(model).muscles["psoas"].points[1].location)
    paths: dict[str, FloatArray] = {}
    for fascicle in load_lumbar_spec().fascicles:
        rotation, centre = frames[fascicle.vertebra]
        origin = centre + rotation @ np.array(fascicle.origin)
        path = np.array([origin, brim])
        paths[fascicle.name] = path if side == "r" else path @ MIRROR_Z
    return paths


def lumbar_fascicle_lengths(posture: Posture, model: str = DEFAULT_MODEL) -> dict[str, float]:
    """Length (m) of each right fascicle from its origin to the pelvic brim."""
    return {
        name: float(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1)))
        for name, path in lumbar_fascicle_paths(posture, "r", model).items()
    }
