"""Reads `data/muscles.toml`: the psoas and iliacus paths of the OpenSim models (right side, pelvis frame).

numpy (and the geometry and wrap modules that need it) is imported by the functions that use it, so that the
CLI can name the models (MODEL_NAMES, DEFAULT_MODEL) without loading numpy.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psoascare.body.geometry import FloatArray

MODEL_NAMES: tuple[str, ...] = ("gait2392", "rajagopal2016")
DEFAULT_MODEL = "rajagopal2016"
MUSCLE_KINDS: tuple[str, ...] = ("psoas", "iliacus")
FRAMES: tuple[str, ...] = ("pelvis", "femur")


class ModelDataError(ValueError):
    """The muscle data file is invalid; the message names the file and field."""


@dataclass(frozen=True)
class PathPointSpec:
    frame: str  # "pelvis" or "femur"
    location: tuple[float, float, float]  # metres, right side
    # A via point that is part of the path only while hip flexion (degrees) is in this range.
    active_hip_flexion_deg: tuple[float, float] | None = None


@dataclass(frozen=True)
class WrapCylinderSpec:
    name: str
    radius: float
    length: float
    translation: tuple[float, float, float]  # pelvis frame, right side
    xyz_body_rotation: tuple[float, float, float]  # radians
    quadrant: str
    between_points: tuple[int, int]  # 1-based path point numbers, as OpenSim's PathWrap range

    def body_rotation(self, side: str = "r") -> tuple[float, float, float]:
        """OpenSim's xyz_body_rotation (radians) of this side's cylinder: the left one mirrors the right."""
        a, b, c = self.xyz_body_rotation
        return (a, b, c) if side == "r" else (-a, -b, c)

    def rotation(self, side: str = "r") -> FloatArray:
        """Cylinder -> pelvis rotation."""
        from psoascare.body.geometry import body_fixed_xyz

        return body_fixed_xyz(self.body_rotation(side))

    def centre(self, side: str = "r") -> FloatArray:
        import numpy as np

        x, y, z = self.translation
        return np.array([x, y, z if side == "r" else -z])


@dataclass(frozen=True)
class MuscleSpec:
    kind: str  # "psoas" or "iliacus"
    points: tuple[PathPointSpec, ...]
    max_isometric_force: float
    optimal_fibre_length: float
    tendon_slack_length: float
    pennation_rad: float
    wrap: WrapCylinderSpec | None = None


@dataclass(frozen=True)
class ModelSpec:
    name: str
    title: str
    source: str
    hip_centre_r: tuple[float, float, float]
    muscles: dict[str, MuscleSpec]

    def hip_centre(self, side: str = "r") -> FloatArray:
        import numpy as np

        x, y, z = self.hip_centre_r
        return np.array([x, y, z if side == "r" else -z])


def _vector(where: str, key: str, value: Any) -> tuple[float, float, float]:
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(item, int | float) and not isinstance(item, bool) for item in value)
    ):
        raise ModelDataError(f"{where}: field {key!r} must be a list of 3 numbers, got {value!r}")
    x, y, z = (float(item) for item in value)
    return (x, y, z)


def _positive(where: str, table: dict[str, Any], key: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 or math.isinf(value):
        raise ModelDataError(f"{where}: field {key!r} must be a positive number, got {value!r}")
    return float(value)


def _parse_wrap(where: str, table: Any, point_count: int) -> WrapCylinderSpec:
    from psoascare.body.wrap import QUADRANTS

    if not isinstance(table, dict):
        raise ModelDataError(f"{where}: field 'wrap' must be a table")
    quadrant = table.get("quadrant")
    if quadrant not in QUADRANTS:
        raise ModelDataError(f"{where}: wrap field 'quadrant' must be one of {', '.join(QUADRANTS)}")
    between = table.get("between_points")
    if (
        not isinstance(between, list)
        or len(between) != 2
        or not all(isinstance(item, int) for item in between)
        or between[1] != between[0] + 1
        or not 1 <= between[0] < point_count
    ):
        raise ModelDataError(f"{where}: wrap field 'between_points' must be two consecutive point numbers")
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise ModelDataError(f"{where}: wrap field 'name' must be a string")
    return WrapCylinderSpec(
        name=name,
        radius=_positive(where, table, "radius"),
        length=_positive(where, table, "length"),
        translation=_vector(where, "translation", table.get("translation")),
        xyz_body_rotation=_vector(where, "xyz_body_rotation", table.get("xyz_body_rotation")),
        quadrant=quadrant,
        between_points=(between[0], between[1]),
    )


def _parse_muscle(where: str, kind: str, table: dict[str, Any]) -> MuscleSpec:
    rows = table.get("points")
    if not isinstance(rows, list) or len(rows) < 2:
        raise ModelDataError(f"{where}: field 'points' must list at least 2 path points")
    points: list[PathPointSpec] = []
    for index, row in enumerate(rows):
        row_where = f"{where} points[{index}]"
        if not isinstance(row, dict) or row.get("frame") not in FRAMES:
            raise ModelDataError(f"{row_where}: field 'frame' must be one of {', '.join(FRAMES)}")
        active = row.get("active_hip_flexion_deg")
        active_range: tuple[float, float] | None = None
        if active is not None:
            if not isinstance(active, list) or len(active) != 2 or not active[0] < active[1]:
                raise ModelDataError(f"{row_where}: field 'active_hip_flexion_deg' must be [low, high]")
            active_range = (float(active[0]), float(active[1]))
        points.append(PathPointSpec(row["frame"], _vector(row_where, "at", row.get("at")), active_range))
    if points[0].frame != "pelvis" or points[-1].frame != "femur":
        raise ModelDataError(f"{where}: the path must start on the pelvis and end on the femur")
    if points[0].active_hip_flexion_deg or points[-1].active_hip_flexion_deg:
        raise ModelDataError(f"{where}: origin and insertion cannot be conditional")
    pennation = table.get("pennation_rad")
    if isinstance(pennation, bool) or not isinstance(pennation, int | float) or not 0 <= pennation < 1.5:
        raise ModelDataError(f"{where}: field 'pennation_rad' must be a number in [0, 1.5), got {pennation!r}")
    for index in range(1, len(points) - 1):
        if points[index].active_hip_flexion_deg and points[index + 1].active_hip_flexion_deg:
            raise ModelDataError(f"{where}: points[{index}] and points[{index + 1}] are both conditional")
    wrap = _parse_wrap(where, table["wrap"], len(points)) if "wrap" in table else None
    if wrap is not None:
        start, end = (points[number - 1] for number in wrap.between_points)
        if start.active_hip_flexion_deg or end.active_hip_flexion_deg:
            raise ModelDataError(f"{where}: the wrapped segment's points cannot be conditional")
        if (start.frame, end.frame) != ("pelvis", "femur"):
            raise ModelDataError(f"{where}: the wrapped segment must run from a pelvis point to a femur point")
    return MuscleSpec(
        kind=kind,
        points=tuple(points),
        max_isometric_force=_positive(where, table, "max_isometric_force"),
        optimal_fibre_length=_positive(where, table, "optimal_fibre_length"),
        tendon_slack_length=_positive(where, table, "tendon_slack_length"),
        pennation_rad=float(pennation),
        wrap=wrap,
    )


def _data_path() -> Path:
    return Path(str(resources.files("psoascare.body") / "data" / "muscles.toml"))


@lru_cache(maxsize=4)
def load_model_specs(path: Path | None = None) -> dict[str, ModelSpec]:
    """Every model in the muscle data file, keyed by name ("gait2392", "rajagopal2016")."""
    file = path or _data_path()
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ModelDataError(f"{file}: {error}") from None
    models = document.get("models")
    if not isinstance(models, dict):
        raise ModelDataError(f"{file.name}: expected [models.<name>] tables")
    specs: dict[str, ModelSpec] = {}
    for name, table in models.items():
        where = f"{file.name} [models.{name}]"
        muscles_table = table.get("muscles")
        if not isinstance(muscles_table, dict) or set(muscles_table) != set(MUSCLE_KINDS):
            raise ModelDataError(f"{where}: field 'muscles' must define exactly {', '.join(MUSCLE_KINDS)}")
        for key in ("title", "source"):
            if not isinstance(table.get(key), str) or not table[key]:
                raise ModelDataError(f"{where}: field {key!r} must be a non-empty string")
        specs[name] = ModelSpec(
            name=name,
            title=table["title"],
            source=table["source"],
            hip_centre_r=_vector(where, "hip_centre_r", table.get("hip_centre_r")),
            muscles={
                kind: _parse_muscle(f"{where} muscles.{kind}", kind, muscles_table[kind]) for kind in MUSCLE_KINDS
            },
        )
    return specs


def model_spec(name: str) -> ModelSpec:
    specs = load_model_specs()
    if name not in specs:
        raise ValueError(f"unknown model {name!r}; known models: {', '.join(specs)}")
    return specs[name]
