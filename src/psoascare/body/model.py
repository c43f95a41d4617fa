"""The body model: pelvis, femurs and the psoas and iliacus paths of an OpenSim model, vectorised.

Everything is computed in the pelvis frame (OpenSim: x anterior, y up, z right; metres). A femur point p
sits at hip_centre + R(hip angles) p. A muscle's musculotendon length is the length of its path: straight
segments between its active path points, and over a wrap cylinder where the model has one. The hip-flexion
moment arm is found by the tendon-excursion method, r = -dL/dθ (central difference), which is what
OpenSim's moment arm equals for these paths.

The left side is the mirror image of the right (z -> -z, with the left hip's adduction and rotation axes
reversed as in the OpenSim models), so a left muscle at some left-hip angles is exactly as long as the right
muscle at the same right-hip angles; the code uses that and mirrors the drawn paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from psoascare.body.geometry import MIRROR_Z, FloatArray, hip_rotation_matrix
from psoascare.body.muscle_data import MODEL_NAMES, ModelSpec, MuscleSpec, model_spec
from psoascare.body.postures import COORDINATES, Posture, check_angle, standing
from psoascare.body.wrap import wrap_over_cylinder

MUSCLES: tuple[str, ...] = ("psoas_r", "psoas_l", "iliacus_r", "iliacus_l")
DEFAULT_MODEL = "rajagopal2016"

# Step of the central difference for moment arms: small against the curvature of L(θ), large against
# rounding (lengths ~0.2 m in float64).
MOMENT_ARM_STEP_RAD = 1e-5
# Spacing of the drawn points along a wrap arc (OpenSim draws one every 2 mm too).
WRAP_ARC_SPACING_M = 0.002

PostureInput = Posture | Sequence[Posture] | Mapping[str, ArrayLike]


def split_muscle_name(muscle: str) -> tuple[str, str]:
    """ "psoas_r" -> ("psoas", "r")."""
    if muscle not in MUSCLES:
        raise ValueError(f"unknown muscle {muscle!r}; known muscles: {', '.join(MUSCLES)}")
    kind, side = muscle.rsplit("_", 1)
    return kind, side


def angle_arrays(postures: PostureInput) -> dict[str, FloatArray]:
    """Postures as arrays of angles in degrees, one per coordinate, all of the same shape (n,).

    Accepts one Posture, a sequence of them, or a mapping of coordinate names to numbers or arrays
    (coordinates left out are 0, the standing value).
    """
    if isinstance(postures, Posture):
        return {name: np.array([float(getattr(postures, name))]) for name in COORDINATES}
    if isinstance(postures, Mapping):
        unknown = set(postures) - set(COORDINATES)
        if unknown:
            raise ValueError(f"unknown coordinates {sorted(unknown)}; known: {', '.join(COORDINATES)}")
        given = {name: np.atleast_1d(np.asarray(value, dtype=float)) for name, value in postures.items()}
        shape = np.broadcast_shapes(*(array.shape for array in given.values())) if given else (1,)
        if len(shape) != 1:
            raise ValueError(f"angle arrays must be one-dimensional, got shape {shape}")
        return {
            name: np.broadcast_to(given[name], shape).astype(float) if name in given else np.zeros(shape)
            for name in COORDINATES
        }
    posture_list = list(postures)
    if not all(isinstance(item, Posture) for item in posture_list):
        raise TypeError("expected a Posture, a sequence of Postures or a mapping of angle arrays")
    return {name: np.array([float(getattr(item, name)) for item in posture_list]) for name in COORDINATES}


class BodyModel:
    """Psoas and iliacus paths of one OpenSim model ("rajagopal2016" or "gait2392")."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        if name not in MODEL_NAMES:
            raise ValueError(f"unknown model {name!r}; known models: {', '.join(MODEL_NAMES)}")
        self.name = name
        self.spec: ModelSpec = model_spec(name)
        self._hip_centre_r = self.spec.hip_centre("r")
        self._standing_lengths: dict[str, float] | None = None

    def __repr__(self) -> str:
        return f"BodyModel({self.name!r})"

    # ----- kinematics -------------------------------------------------------------------------------
    def femur_pose(self, posture: Posture, side: str = "r") -> tuple[FloatArray, FloatArray]:
        """Femur -> pelvis rotation (3, 3) and the hip joint centre (3,) in the pelvis frame."""
        if side not in ("r", "l"):
            raise ValueError(f"side must be 'r' or 'l', got {side!r}")
        angles = [
            np.radians([float(getattr(posture, f"hip_{name}_{side}"))]) for name in ("flexion", "adduction", "rotation")
        ]
        rotation = hip_rotation_matrix(angles[0], angles[1], angles[2], side)[0]
        return rotation, self.spec.hip_centre(side)

    def _right_points(
        self, muscle: MuscleSpec, flexion: FloatArray, adduction: FloatArray, rotation: FloatArray
    ) -> list[FloatArray]:
        """Each path point of the RIGHT muscle in the pelvis frame, shape (n, 3), at these hip angles."""
        cos_f, sin_f = np.cos(flexion), np.sin(flexion)
        cos_a, sin_a = np.cos(adduction), np.sin(adduction)
        cos_r, sin_r = np.cos(rotation), np.sin(rotation)
        points: list[FloatArray] = []
        for point in muscle.points:
            px, py, pz = point.location
            if point.frame == "pelvis":
                points.append(np.broadcast_to(np.array(point.location), (flexion.shape[0], 3)))
                continue
            # R = Rz(flexion) Rx(adduction) Ry(rotation), applied right to left, one axis at a time.
            x1, z1 = cos_r * px + sin_r * pz, -sin_r * px + cos_r * pz
            y2, z2 = cos_a * py - sin_a * z1, sin_a * py + cos_a * z1
            x3, y3 = cos_f * x1 - sin_f * y2, sin_f * x1 + cos_f * y2
            hx, hy, hz = self._hip_centre_r
            points.append(np.stack([x3 + hx, y3 + hy, z2 + hz], axis=-1))
        return points

    def _right_length(
        self,
        muscle: MuscleSpec,
        flexion: FloatArray,
        adduction: FloatArray,
        rotation: FloatArray,
        condition_flexion: FloatArray | None = None,
    ) -> FloatArray:
        """Musculotendon length (m) of the right muscle at these hip angles (radians, shape (n,)).

        Conditional via points are switched by `condition_flexion` (default: the flexion itself), so that
        a moment arm's two nearby evaluations use the same path, as OpenSim's derivative does.
        """
        points = self._right_points(muscle, flexion, adduction, rotation)
        flexion_deg = np.degrees(flexion if condition_flexion is None else condition_flexion)
        wrap = muscle.wrap
        length = np.zeros(flexion.shape[0])
        previous = points[0]
        for index in range(1, len(points)):
            current = points[index]
            spec = muscle.points[index]
            if wrap is not None and index + 1 == wrap.between_points[1]:
                segment = self._wrapped_segment(wrap, previous, current)
            else:
                segment = np.sqrt(np.einsum("ij,ij->i", current - previous, current - previous))
            if spec.active_hip_flexion_deg is None:
                length += segment
                previous = current
            else:
                low, high = spec.active_hip_flexion_deg
                active = (flexion_deg >= low) & (flexion_deg <= high)
                length += np.where(active, segment, 0.0)
                previous = np.where(active[:, None], current, previous)
        return length

    @staticmethod
    def _wrapped_segment(wrap: Any, start: FloatArray, end: FloatArray) -> FloatArray:
        rotation = wrap.rotation("r")
        centre = wrap.centre("r")
        # Into the cylinder frame: q = R^T (p - c), i.e. (p - c) R for row vectors.
        a = (start - centre) @ rotation
        b = (end - centre) @ rotation
        result = wrap_over_cylinder(a, b, wrap.radius, wrap.quadrant, wrap.length)
        first, second = result.tangent_points()
        over = (
            np.sqrt(np.einsum("ij,ij->i", first - a, first - a))
            + result.surface_length
            + np.sqrt(np.einsum("ij,ij->i", b - second, b - second))
        )
        straight = np.sqrt(np.einsum("ij,ij->i", b - a, b - a))
        return np.where(result.wrapped, over, straight)

    def _hip_angles(self, angles: Mapping[str, FloatArray], side: str) -> tuple[FloatArray, ...]:
        return tuple(np.radians(angles[f"hip_{name}_{side}"]) for name in ("flexion", "adduction", "rotation"))

    # ----- lengths and moment arms ------------------------------------------------------------------
    def lengths(self, postures: PostureInput, muscles: Sequence[str] = MUSCLES) -> dict[str, FloatArray]:
        """Musculotendon length (m) of each muscle, arrays of shape (n,)."""
        angles = angle_arrays(postures)
        result: dict[str, FloatArray] = {}
        for muscle in muscles:
            kind, side = split_muscle_name(muscle)
            result[muscle] = self._right_length(self.spec.muscles[kind], *self._hip_angles(angles, side))
        return result

    def moment_arms(self, postures: PostureInput, muscles: Sequence[str] = MUSCLES) -> dict[str, FloatArray]:
        """Hip-flexion moment arm (m) of each muscle about its own hip, -dL/dθ by central difference."""
        angles = angle_arrays(postures)
        result: dict[str, FloatArray] = {}
        for muscle in muscles:
            kind, side = split_muscle_name(muscle)
            flexion, adduction, rotation = self._hip_angles(angles, side)
            spec = self.spec.muscles[kind]
            step = MOMENT_ARM_STEP_RAD
            # Both evaluations in one call: half the numpy overhead for large batches.
            stacked = self._right_length(
                spec,
                np.concatenate([flexion + step, flexion - step]),
                np.concatenate([adduction, adduction]),
                np.concatenate([rotation, rotation]),
                condition_flexion=np.concatenate([flexion, flexion]),
            )
            count = flexion.shape[0]
            result[muscle] = -(stacked[:count] - stacked[count:]) / (2.0 * step)
        return result

    def normalised_fibre_lengths(self, lengths: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
        """Fibre length / optimal fibre length for a rigid tendon and constant-thickness pennation.

        With a rigid tendon, the fibres take up L - tendon slack length along the line of action; the
        pennated fibre keeps its width l_opt·sin(α_opt), so l_fibre = sqrt(width² + (L - l_slack)²).
        """
        result: dict[str, FloatArray] = {}
        for muscle, length in lengths.items():
            kind, _ = split_muscle_name(muscle)
            spec = self.spec.muscles[kind]
            along = np.maximum(np.asarray(length) - spec.tendon_slack_length, 0.0)
            width = spec.optimal_fibre_length * np.sin(spec.pennation_rad)
            result[muscle] = np.sqrt(width**2 + along**2) / spec.optimal_fibre_length
        return result

    def standing_lengths(self) -> dict[str, float]:
        """Length (m) of each muscle in the standing posture, the reference for changes."""
        if self._standing_lengths is None:
            lengths = self.lengths(standing())
            self._standing_lengths = {muscle: float(value[0]) for muscle, value in lengths.items()}
        return dict(self._standing_lengths)

    def report(self, posture: Posture) -> dict[str, dict[str, float]]:
        """Per muscle: length_mm, change_mm and change_pct against standing, moment_arm_mm,
        normalised_fibre_length."""
        for coordinate in COORDINATES:
            check_angle(coordinate, float(getattr(posture, coordinate)))
        lengths = self.lengths(posture)
        moment_arms = self.moment_arms(posture)
        fibres = self.normalised_fibre_lengths(lengths)
        reference = self.standing_lengths()
        report: dict[str, dict[str, float]] = {}
        for muscle in MUSCLES:
            length = float(lengths[muscle][0])
            change = length - reference[muscle]
            report[muscle] = {
                "length_mm": length * 1000.0,
                "change_mm": change * 1000.0,
                "change_pct": 100.0 * change / reference[muscle],
                "moment_arm_mm": float(moment_arms[muscle][0]) * 1000.0,
                "normalised_fibre_length": float(fibres[muscle][0]),
            }
        return report

    # ----- geometry for pictures --------------------------------------------------------------------
    def muscle_path(self, muscle: str, posture: Posture) -> FloatArray:
        """The muscle's path as a polyline (k, 3) in the pelvis frame, metres, wrap arc sampled."""
        kind, side = split_muscle_name(muscle)
        spec = self.spec.muscles[kind]
        angles = angle_arrays(posture)
        flexion, adduction, rotation = self._hip_angles(angles, side)
        points = [point[0] for point in self._right_points(spec, flexion, adduction, rotation)]
        flexion_deg = float(np.degrees(flexion[0]))
        polyline: list[FloatArray] = [points[0]]
        for index in range(1, len(points)):
            point_spec = spec.points[index]
            if point_spec.active_hip_flexion_deg is not None:
                low, high = point_spec.active_hip_flexion_deg
                if not low <= flexion_deg <= high:
                    continue
            wrap = spec.wrap
            if wrap is not None and index + 1 == wrap.between_points[1]:
                polyline.extend(self._wrap_arc(wrap, polyline[-1], points[index]))
            polyline.append(points[index])
        path = np.array(polyline)
        return path if side == "r" else path @ MIRROR_Z

    @staticmethod
    def _wrap_arc(wrap: Any, start: FloatArray, end: FloatArray) -> list[FloatArray]:
        rotation, centre = wrap.rotation("r"), wrap.centre("r")
        a = ((start - centre) @ rotation)[None, :]
        b = ((end - centre) @ rotation)[None, :]
        result = wrap_over_cylinder(a, b, wrap.radius, wrap.quadrant, wrap.length)
        if not bool(result.wrapped[0]):
            return []
        count = max(int(float(result.surface_length[0]) / WRAP_ARC_SPACING_M), 1)
        return [result.point_on_surface(step / count)[0] @ rotation.T + centre for step in range(count + 1)]


def psoas_length_curve(hip_flexion_deg: ArrayLike, model: str = DEFAULT_MODEL) -> FloatArray:
    """Right psoas musculotendon length (mm) against hip flexion (degrees), other coordinates standing."""
    flexion = np.atleast_1d(np.asarray(hip_flexion_deg, dtype=float))
    return BodyModel(model).lengths({"hip_flexion_r": flexion}, muscles=("psoas_r",))["psoas_r"] * 1000.0
