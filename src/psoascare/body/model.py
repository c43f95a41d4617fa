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

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from psoascare.body.geometry import MIRROR_Z, FloatArray, hip_rotation_matrix
from psoascare.body.muscle_data import MODEL_NAMES, ModelSpec, MuscleSpec, model_spec
from psoascare.body.postures import COORDINATES, Posture, check_angle, standing
from psoascare.body.wrap import wrap_over_cylinder, wrapped_length_and_slope

MUSCLES: tuple[str, ...] = ("psoas_r", "psoas_l", "iliacus_r", "iliacus_l")
DEFAULT_MODEL = "rajagopal2016"

# Step of the central difference for moment arms: small against the curvature of L(θ), large against
# rounding (lengths ~0.2 m in float64).
MOMENT_ARM_STEP_RAD = 1e-5
# Postures per block of work: small enough for the working arrays to stay in cache.
CHUNK_SIZE = 1024
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
        # Each wrap cylinder's rotation (as nested lists of floats) and centre, right side.
        self._wrap_frames: dict[str, tuple[list[list[float]], list[float]]] = {
            kind: (spec.wrap.rotation("r").tolist(), spec.wrap.centre("r").tolist())
            for kind, spec in self.spec.muscles.items()
            if spec.wrap is not None
        }
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

    def _kind_lengths(
        self, kind: str, trig: Sequence[FloatArray], flexion_deg: FloatArray, with_slopes: bool
    ) -> tuple[FloatArray, FloatArray | None]:
        """Length (m) of the RIGHT muscle `kind` at the hip angles whose cosines and sines `trig` holds
        (flexion, adduction, rotation), and with `with_slopes` its exact derivative dL/dθ (m/rad) in flexion.

        The path is summed segment by segment, each in the cheapest exact form: between two points on one
        bone a segment keeps its length (and adds nothing to the slope); from a pelvis point q to a femur
        point p = r + h, with r = Rz(θ) Rx Ry p_femur the femur point turned about the hip centre h,
        |p - q|² = |p_femur|² + |w|² + 2 r·w (w = h - q), and since dr/dθ = (-r_y, r_x, 0),
        dL/dθ = (w_y r_x - w_x r_y) / L. Only the wrapped segment needs the cylinder-frame point. Conditional
        via points are switched by the flexion itself, as OpenSim does; at the switch the slope is the slope
        of the path in use there, as OpenSim's moment arm is."""
        cos_f, sin_f, cos_a, sin_a, cos_r, sin_r = trig
        muscle = self.spec.muscles[kind]
        hip = self._hip_centre_r
        turned: dict[int, tuple[FloatArray, FloatArray, FloatArray]] = {}

        def turned_point(index: int) -> tuple[FloatArray, FloatArray, FloatArray]:
            # The femur point turned by rotation (about y), adduction (about x), flexion (about z): R = Rz Rx Ry.
            if index not in turned:
                px, py, pz = muscle.points[index].location
                x1, z1 = cos_r * px + sin_r * pz, cos_r * pz - sin_r * px
                y2, z2 = cos_a * py - sin_a * z1, sin_a * py + cos_a * z1
                turned[index] = (cos_f * x1 - sin_f * y2, sin_f * x1 + cos_f * y2, z2)
            return turned[index]

        def segment(first: int, second: int) -> tuple[Any, Any]:
            start, end = muscle.points[first], muscle.points[second]
            if start.frame == end.frame:
                return math.dist(start.location, end.location), 0.0
            wrap = muscle.wrap
            if wrap is not None and (first + 1, second + 1) == wrap.between_points:
                return self._wrapped_segment(kind, first, second, turned_point(second), with_slopes)
            pelvis_point, femur_index = (start, second) if start.frame == "pelvis" else (end, first)
            rx, ry, rz = turned_point(femur_index)
            wx, wy, wz = (hip[axis] - pelvis_point.location[axis] for axis in range(3))
            base = sum(value * value for value in muscle.points[femur_index].location) + (wx * wx + wy * wy + wz * wz)
            length = np.sqrt(base + 2.0 * (rx * wx + ry * wy + rz * wz))
            return length, ((wy * rx - wx * ry) / length if with_slopes else 0.0)

        total_length: Any = 0.0
        total_slope: Any = 0.0
        index = 1
        count = len(muscle.points)
        while index < count:
            point = muscle.points[index]
            if point.active_hip_flexion_deg is None:
                length, slope = segment(index - 1, index)
                index += 1
            else:
                # A conditional via point: through it while active, straight past it otherwise.
                low, high = point.active_hip_flexion_deg
                active = (flexion_deg >= low) & (flexion_deg <= high)
                before, before_slope = segment(index - 1, index)
                after, after_slope = segment(index, index + 1)
                past, past_slope = segment(index - 1, index + 1)
                length = np.where(active, before + after, past)
                slope = np.where(active, before_slope + after_slope, past_slope) if with_slopes else 0.0
                index += 2
            total_length = total_length + length
            total_slope = total_slope + slope
        size = flexion_deg.shape[0]
        lengths = np.broadcast_to(np.asarray(total_length, dtype=float), (size,))
        slopes = np.broadcast_to(np.asarray(total_slope, dtype=float), (size,)) if with_slopes else None
        return lengths, slopes

    def _wrapped_segment(
        self,
        kind: str,
        first: int,
        second: int,
        turned: tuple[FloatArray, FloatArray, FloatArray],
        with_slope: bool,
    ) -> tuple[FloatArray, Any]:
        """The wrapped segment's length and slope, from a fixed pelvis point to a femur point (turned about
        the hip centre: `turned` = r, the point is r + h)."""
        muscle = self.spec.muscles[kind]
        wrap = muscle.wrap
        assert wrap is not None
        start, end = muscle.points[first], muscle.points[second]
        if start.frame != "pelvis" or end.frame != "femur":
            raise NotImplementedError("a wrapped segment must run from a pelvis point to a femur point")
        rotation, centre = self._wrap_frames[kind]
        # Into the cylinder frame, b = M (p - c) with M = R^T. The fixed start point once, as numbers.
        offset = [start.location[axis] - centre[axis] for axis in range(3)]
        a = [sum(rotation[row][axis] * offset[row] for row in range(3)) for axis in range(3)]
        # The femur point p = r + h: b = M r + M (h - c), and db/dθ = M (-r_y, r_x, 0).
        rx, ry, rz = turned
        hip_offset = [self._hip_centre_r[axis] - centre[axis] for axis in range(3)]
        rows = [[rotation[row][axis] for row in range(3)] for axis in range(3)]  # rows of M
        b = [m[0] * rx + m[1] * ry + (m[2] * rz + sum(m[row] * hip_offset[row] for row in range(3))) for m in rows]
        velocity = (
            (rows[0][1] * rx - rows[0][0] * ry, rows[1][1] * rx - rows[1][0] * ry, rows[2][1] * rx - rows[2][0] * ry)
            if with_slope
            else None
        )
        length, slope = wrapped_length_and_slope(
            a[0], a[1], a[2], b[0], b[1], b[2], velocity, wrap.radius, wrap.quadrant, wrap.length
        )
        return length, (slope if slope is not None else 0.0)

    def _hip_angles(self, angles: Mapping[str, FloatArray], side: str) -> tuple[FloatArray, FloatArray, FloatArray]:
        flexion, adduction, rotation = (
            np.radians(angles[f"hip_{name}_{side}"]) for name in ("flexion", "adduction", "rotation")
        )
        return flexion, adduction, rotation

    def _evaluate(
        self, postures: PostureInput, muscles: Sequence[str], with_slopes: bool, flexion_offset_rad: float = 0.0
    ) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
        """Lengths (m) and, with `with_slopes`, dL/dθ (m/rad) of the muscles. `flexion_offset_rad` turns
        each hip by that much more flexion (a conditional via point still switches at the given flexion):
        the central-difference reference uses it."""
        for muscle in muscles:
            split_muscle_name(muscle)
        angles = angle_arrays(postures)
        count = next(iter(angles.values())).shape[0]
        lengths: dict[str, FloatArray] = {muscle: np.empty(count) for muscle in muscles}
        slopes: dict[str, FloatArray] = {muscle: np.empty(count) for muscle in muscles} if with_slopes else {}
        kinds: dict[str, list[str]] = {}
        for muscle in muscles:
            kind, side = split_muscle_name(muscle)
            kinds.setdefault(kind, []).append(side)
        sides = ("r", "l")
        names = ("flexion", "adduction", "rotation")
        # Work in chunks that keep the working arrays in the processor's cache; within a chunk both hips
        # are stacked (the left muscle at left-hip angles is the right muscle at the same angles), and the
        # three angles of both hips go through one np.radians, one np.cos and one np.sin.
        for begin in range(0, count, CHUNK_SIZE):
            chunk = slice(begin, min(begin + CHUNK_SIZE, count))
            size = chunk.stop - chunk.start
            degrees = np.empty((3, 2 * size))
            for row, name in enumerate(names):
                degrees[row, :size] = angles[f"hip_{name}_r"][chunk]
                degrees[row, size:] = angles[f"hip_{name}_l"][chunk]
            radians = np.radians(degrees)
            if flexion_offset_rad:
                radians[0] += flexion_offset_rad
            cosines, sines = np.cos(radians), np.sin(radians)
            trig = (cosines[0], sines[0], cosines[1], sines[1], cosines[2], sines[2])
            for kind, kind_sides in kinds.items():
                if len(kind_sides) == 2:
                    part = slice(None)
                else:
                    start = sides.index(kind_sides[0]) * size
                    part = slice(start, start + size)
                length, slope = self._kind_lengths(kind, [item[part] for item in trig], degrees[0, part], with_slopes)
                for position, side in enumerate(kind_sides if len(kind_sides) == 1 else sides):
                    values = slice(position * size, (position + 1) * size)
                    lengths[f"{kind}_{side}"][chunk] = length[values]
                    if slope is not None:
                        slopes[f"{kind}_{side}"][chunk] = slope[values]
        return lengths, slopes

    # ----- lengths and moment arms ------------------------------------------------------------------
    def lengths(self, postures: PostureInput, muscles: Sequence[str] = MUSCLES) -> dict[str, FloatArray]:
        """Musculotendon length (m) of each muscle, arrays of shape (n,)."""
        return self._evaluate(postures, muscles, with_slopes=False)[0]

    def moment_arms(self, postures: PostureInput, muscles: Sequence[str] = MUSCLES) -> dict[str, FloatArray]:
        """Hip-flexion moment arm (m) of each muscle about its own hip: -dL/dθ, the tendon-excursion method,
        with the derivative taken exactly (see `moment_arms_by_central_difference` for the difference)."""
        return self.lengths_and_moment_arms(postures, muscles)[1]

    def lengths_and_moment_arms(
        self, postures: PostureInput, muscles: Sequence[str] = MUSCLES
    ) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
        """Both at once: lengths (m) and hip-flexion moment arms (m), -dL/dθ, from one evaluation."""
        lengths, slopes = self._evaluate(postures, muscles, with_slopes=True)
        for slope in slopes.values():
            np.negative(slope, out=slope)
        return lengths, slopes

    def moment_arms_by_central_difference(
        self, postures: PostureInput, muscles: Sequence[str] = MUSCLES, step: float = MOMENT_ARM_STEP_RAD
    ) -> dict[str, FloatArray]:
        """The tendon-excursion moment arm by central difference, -(L(θ + h) - L(θ - h)) / 2h: the reference
        the exact derivative is tested against (conditional via points switched at θ itself)."""
        ahead = self._evaluate(postures, muscles, with_slopes=False, flexion_offset_rad=step)[0]
        behind = self._evaluate(postures, muscles, with_slopes=False, flexion_offset_rad=-step)[0]
        return {muscle: -(ahead[muscle] - behind[muscle]) / (2.0 * step) for muscle in muscles}

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
            # The same evaluation as report() uses, so that standing differs from itself by exactly 0.
            lengths, _ = self.lengths_and_moment_arms(standing())
            self._standing_lengths = {muscle: float(value[0]) for muscle, value in lengths.items()}
        return dict(self._standing_lengths)

    def report(self, posture: Posture) -> dict[str, dict[str, float]]:
        """Per muscle: length_mm, change_mm and change_pct against standing, moment_arm_mm,
        normalised_fibre_length."""
        for coordinate in COORDINATES:
            check_angle(coordinate, float(getattr(posture, coordinate)))
        lengths, moment_arms = self.lengths_and_moment_arms(posture)
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
