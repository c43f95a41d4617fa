"""Named postures (data file `data/postures.toml`), each with the source of its angles.

Angles are in degrees and follow the OpenSim coordinate conventions of the body model:
- hip flexion (+) / extension (-), hip adduction (+) / abduction (-), hip internal rotation (+), per side;
- knee flexion (+), per side (used for pictures only: no modelled muscle crosses the knee);
- lumbar flexion (+) / extension (-) relative to the standing lordosis;
- pelvic tilt: OpenSim's `pelvis_tilt`, a rotation of the pelvis about the lab z axis; positive lifts the
  front of the pelvis, i.e. a POSTERIOR tilt.
- `orientation` says how the whole body lies in the room (upright, supine, prone), for pictures.

Sequences (walking, running) carry a phase table (percent of the cycle against right hip and knee flexion);
the left leg follows the same curve half a cycle later.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# Every coordinate of a posture, in the order used for arrays of postures.
COORDINATES: tuple[str, ...] = (
    "hip_flexion_r",
    "hip_adduction_r",
    "hip_rotation_r",
    "hip_flexion_l",
    "hip_adduction_l",
    "hip_rotation_l",
    "knee_flexion_r",
    "knee_flexion_l",
    "lumbar_flexion",
    "pelvic_tilt",
)

# Accepted ranges in degrees: a little beyond the joints' physiological ranges (and the ranges of the
# OpenSim models' coordinates), so that a typo such as 900 is caught but every real posture passes.
COORDINATE_RANGES_DEG: dict[str, tuple[float, float]] = {
    "hip_flexion": (-40.0, 140.0),
    "hip_adduction": (-50.0, 40.0),
    "hip_rotation": (-60.0, 60.0),
    "knee_flexion": (-10.0, 160.0),
    "lumbar_flexion": (-40.0, 70.0),
    "pelvic_tilt": (-50.0, 50.0),
}

ORIENTATIONS: tuple[str, ...] = ("upright", "supine", "prone")

DEFAULT_POSTURES_FILE = "postures.toml"


class PostureError(ValueError):
    """A posture file or a posture's angles are invalid; the message names the file and field."""


class UnknownPosture(KeyError):
    """No posture has this name."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown posture {self.name!r}; known postures: {', '.join(self.known)}"


def coordinate_range(coordinate: str) -> tuple[float, float]:
    """The accepted range (degrees) of a coordinate such as "hip_flexion_r"."""
    base = coordinate.removesuffix("_r").removesuffix("_l")
    return COORDINATE_RANGES_DEG[base]


def check_angle(coordinate: str, value: float) -> None:
    """Raises PostureError when an angle is not a finite number inside the coordinate's range."""
    low, high = coordinate_range(coordinate)
    if not math.isfinite(value) or not low <= value <= high:
        raise PostureError(f"{coordinate} = {value:g}° is outside the accepted range {low:g}° to {high:g}°")


@dataclass(frozen=True)
class Phase:
    """One row of a movement cycle: percent of the cycle and the right leg's angles (degrees)."""

    percent: float
    hip_flexion: float
    knee_flexion: float


@dataclass(frozen=True)
class Posture:
    """A body posture; angles in degrees (see the module docstring for signs)."""

    name: str
    title: str
    hip_flexion_r: float = 0.0
    hip_adduction_r: float = 0.0
    hip_rotation_r: float = 0.0
    hip_flexion_l: float = 0.0
    hip_adduction_l: float = 0.0
    hip_rotation_l: float = 0.0
    knee_flexion_r: float = 0.0
    knee_flexion_l: float = 0.0
    lumbar_flexion: float = 0.0
    pelvic_tilt: float = 0.0
    source: str = ""
    description: str = ""
    orientation: str = "upright"
    # Movement cycles only: the right leg's angles over the cycle (left = half a cycle later).
    phases: tuple[Phase, ...] = field(default=(), compare=False, repr=False)
    # For cycles: the percent of the cycle the stored angles show (e.g. terminal stance).
    shown_at_percent: float | None = None

    @property
    def is_cycle(self) -> bool:
        return bool(self.phases)

    def angles(self) -> dict[str, float]:
        """The coordinates as a dict, degrees."""
        return {name: float(getattr(self, name)) for name in COORDINATES}

    def with_angles(self, **angles: float) -> Posture:
        """A copy with some angles changed (validated), e.g. `with_angles(hip_flexion_r=20)`."""
        for coordinate, value in angles.items():
            if coordinate not in COORDINATES:
                raise PostureError(f"unknown coordinate {coordinate!r}; known: {', '.join(COORDINATES)}")
            check_angle(coordinate, float(value))
        changes: dict[str, Any] = {key: float(value) for key, value in angles.items()}
        return replace(self, **changes)

    def cycle_angles(self, percent: np.ndarray | float) -> dict[str, np.ndarray]:
        """Angles at points of the cycle (percent, wraps at 100), as arrays; other coordinates as stored."""
        import numpy as np  # here, not at import: the CLI reads postures without loading numpy

        if not self.phases:
            raise PostureError(f"posture {self.name!r} is not a movement cycle")
        at = np.atleast_1d(np.asarray(percent, dtype=float)) % 100.0
        table_percent = np.array([row.percent for row in self.phases] + [100.0])
        hip = np.array([row.hip_flexion for row in self.phases] + [self.phases[0].hip_flexion])
        knee = np.array([row.knee_flexion for row in self.phases] + [self.phases[0].knee_flexion])
        # The left leg repeats the right leg's curve half a cycle later.
        left_at = (at + 50.0) % 100.0
        result = {name: np.full(at.shape, float(getattr(self, name))) for name in COORDINATES}
        result["hip_flexion_r"] = np.interp(at, table_percent, hip)
        result["knee_flexion_r"] = np.interp(at, table_percent, knee)
        result["hip_flexion_l"] = np.interp(left_at, table_percent, hip)
        result["knee_flexion_l"] = np.interp(left_at, table_percent, knee)
        return result

    def at_percent(self, percent: float) -> Posture:
        """The posture at one point of its cycle."""
        changes: dict[str, Any] = {key: float(value[0]) for key, value in self.cycle_angles(percent).items()}
        changes["shown_at_percent"] = float(percent) % 100.0
        return replace(self, **changes)


def _postures_path(path: Path | None) -> Path:
    if path is not None:
        return Path(path)
    return Path(str(resources.files("psoascare.body") / "data" / DEFAULT_POSTURES_FILE))


def _number(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PostureError(f"{where}: field {key!r} must be a number of degrees, got {value!r}")
    return float(value)


def _text(where: str, key: str, value: Any, *, required: bool) -> str:
    if value is None:
        if required:
            raise PostureError(f"{where}: missing field {key!r}")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise PostureError(f"{where}: field {key!r} must be a non-empty string, got {value!r}")
    return value


def _parse_phases(where: str, rows: Any) -> tuple[Phase, ...]:
    if not isinstance(rows, list) or len(rows) < 3:
        raise PostureError(f"{where}: field 'phases' must be a list of at least 3 [percent, hip, knee] rows")
    phases: list[Phase] = []
    for index, row in enumerate(rows):
        row_where = f"{where} phases[{index}]"
        if not isinstance(row, list) or len(row) != 3:
            raise PostureError(f"{row_where}: expected [percent, hip_flexion, knee_flexion], got {row!r}")
        percent, hip, knee = (
            _number(row_where, name, value)
            for name, value in zip(("percent", "hip_flexion", "knee_flexion"), row, strict=True)
        )
        if not 0.0 <= percent < 100.0 or (phases and percent <= phases[-1].percent):
            raise PostureError(f"{row_where}: percent must increase from 0 to below 100, got {percent:g}")
        try:
            check_angle("hip_flexion_r", hip)
            check_angle("knee_flexion_r", knee)
        except PostureError as error:
            raise PostureError(f"{row_where}: {error}") from None
        phases.append(Phase(percent, hip, knee))
    return tuple(phases)


def parse_posture(where: str, name: str, table: Mapping[str, Any]) -> Posture:
    """Builds a Posture from one TOML table; `where` (file and table) prefixes every error."""
    known_fields = set(COORDINATES) | {
        "title",
        "source",
        "description",
        "orientation",
        "phases",
        "shown_at_percent",
    }
    for key in table:
        if key not in known_fields:
            raise PostureError(f"{where}: unknown field {key!r}")
    angles: dict[str, float] = {}
    for coordinate in COORDINATES:
        if coordinate in table:
            value = _number(where, coordinate, table[coordinate])
            try:
                check_angle(coordinate, value)
            except PostureError as error:
                raise PostureError(f"{where}: field {coordinate!r}: {error}") from None
            angles[coordinate] = value
    orientation = _text(where, "orientation", table.get("orientation", "upright"), required=True)
    if orientation not in ORIENTATIONS:
        raise PostureError(f"{where}: field 'orientation' must be one of {', '.join(ORIENTATIONS)}")
    phases = _parse_phases(where, table["phases"]) if "phases" in table else ()
    shown_at = table.get("shown_at_percent")
    posture = Posture(
        name=name,
        title=_text(where, "title", table.get("title"), required=True),
        source=_text(where, "source", table.get("source"), required=True),
        description=_text(where, "description", table.get("description"), required=False),
        orientation=orientation,
        phases=phases,
        **angles,
    )
    if shown_at is not None:
        if not phases:
            raise PostureError(f"{where}: field 'shown_at_percent' needs a 'phases' table")
        posture = posture.at_percent(_number(where, "shown_at_percent", shown_at))
    return posture


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> dict[str, Posture]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PostureError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise PostureError(f"{path}: not valid TOML: {error}") from None
    tables = document.get("postures")
    if not isinstance(tables, dict) or not tables:
        raise PostureError(f"{path}: expected [postures.<name>] tables")
    postures: dict[str, Posture] = {}
    for name, table in tables.items():
        where = f"{path.name} [postures.{name}]"
        if not isinstance(table, dict):
            raise PostureError(f"{where}: expected a table")
        postures[name] = parse_posture(where, name, table)
    if "standing" not in postures:
        raise PostureError(f"{path}: a 'standing' posture is required (lengths are compared against it)")
    return postures


def posture_names(path: Path | None = None) -> tuple[str, ...]:
    """The named postures' slugs, in file order, without building them (so without loading numpy): what
    the exercise library checks its `posture` fields against."""
    return _names_cached(_postures_path(path).resolve())


@lru_cache(maxsize=8)
def _names_cached(path: Path) -> tuple[str, ...]:
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8")).get("postures")
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PostureError(f"{path}: {error}") from None
    if not isinstance(tables, dict) or not tables:
        raise PostureError(f"{path}: expected [postures.<name>] tables")
    return tuple(tables)


def load_postures(path: Path | None = None) -> dict[str, Posture]:
    """All named postures, keyed by slug ("standing", "sitting-90-90", ...), in file order."""
    return dict(_load_cached(_postures_path(path).resolve()))


def get_posture(name: str, path: Path | None = None) -> Posture:
    """One posture by slug; raises UnknownPosture (a KeyError) naming the known ones."""
    postures = load_postures(path)
    try:
        return postures[name]
    except KeyError:
        raise UnknownPosture(name, tuple(postures)) from None


def standing() -> Posture:
    """The reference posture that changes in length are measured against."""
    return get_posture("standing")
