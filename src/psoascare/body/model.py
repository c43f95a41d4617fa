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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from psoascare.body.geometry import MIRROR_Z, FloatArray, hip_rotation_matrix
from psoascare.body.muscle_data import MODEL_NAMES, ModelSpec, MuscleSpec, model_spec
from psoascare.body.postures import COORDINATES, Posture, check_angle, standing
from psoascare.body.wrap import wrap_over_cylinder, wrapped_length

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
        self,
        kind: str,
        hip_trig: tuple[FloatArray, ...],
        flexion_deg: FloatArray,
        flexion_trig: Sequence[tuple[FloatArray, FloatArray]],
    ) -> list[FloatArray]:
        """Lengths (m) of the RIGHT muscle `kind`, one array per entry of `flexion_trig` (the cosine and
        sine of the hip flexion plus an offset), at the adduction and rotation given in `hip_trig`.

        The path is summed segment by segment, each in the cheapest exact form: between two points on one
        bone a segment keeps its length; from a pelvis point q to a femur point at p = Rz(θ)·u + h (u: the
        point turned by rotation and adduction, h: hip centre), |p - q|² = |u|² + |w|² + 2 (Rz(θ)u)·w with
        w = h - q, and (Rz(θ)u)·w = cos θ (u_x w_x + u_y w_y) + sin θ (u_x w_y - u_y w_x) + u_z w_z; only
        the wrapped segment needs the femur point itself. Conditional via points are switched by the
        un-offset flexion, so that a moment arm's nearby evaluations use one path, as OpenSim's derivative
        does."""
        _, _, cos_a, sin_a, cos_r, sin_r = hip_trig
        muscle = self.spec.muscles[kind]
        hip = self._hip_centre_r
        turned: dict[int, tuple[FloatArray, FloatArray, FloatArray]] = {}

        def turned_point(index: int) -> tuple[FloatArray, FloatArray, FloatArray]:
            # The femur point turned by rotation (about y) then adduction (about x): R = Rz Rx Ry.
            if index not in turned:
                px, py, pz = muscle.points[index].location
                x1, z1 = cos_r * px + sin_r * pz, cos_r * pz - sin_r * px
                turned[index] = (x1, cos_a * py - sin_a * z1, sin_a * py + cos_a * z1)
            return turned[index]

        def segment(first: int, second: int) -> list[Any]:
            start, end = muscle.points[first], muscle.points[second]
            if start.frame == end.frame:
                return [math.dist(start.location, end.location)] * len(flexion_trig)
            wrap = muscle.wrap
            if wrap is not None and (first + 1, second + 1) == wrap.between_points:
                return self._wrapped_segment(kind, first, second, turned_point, flexion_trig)
            pelvis_point, femur_index = (start, second) if start.frame == "pelvis" else (end, first)
            ux, uy, uz = turned_point(femur_index)
            wx, wy, wz = (hip[axis] - pelvis_point.location[axis] for axis in range(3))
            in_plane = ux * wx + uy * wy
            across = ux * wy - uy * wx
            base = (
                sum(value * value for value in muscle.points[femur_index].location)
                + (wx * wx + wy * wy + wz * wz)
                + 2.0 * wz * uz
            )
            return [np.sqrt(base + 2.0 * (cos * in_plane + sin * across)) for cos, sin in flexion_trig]

        lengths: list[Any] = [0.0] * len(flexion_trig)
        index = 1
        count = len(muscle.points)
        while index < count:
            point = muscle.points[index]
            if point.active_hip_flexion_deg is None:
                pieces = segment(index - 1, index)
                index += 1
            else:
                # A conditional via point: through it while active, straight past it otherwise.
                low, high = point.active_hip_flexion_deg
                active = (flexion_deg >= low) & (flexion_deg <= high)
                through = [
                    before + after
                    for before, after in zip(segment(index - 1, index), segment(index, index + 1), strict=True)
                ]
                past = segment(index - 1, index + 1)
                pieces = [np.where(active, via, direct) for via, direct in zip(through, past, strict=True)]
                index += 2
            lengths = [total + piece for total, piece in zip(lengths, pieces, strict=True)]
        size = flexion_deg.shape[0]
        return [np.broadcast_to(np.asarray(total, dtype=float), (size,)) for total in lengths]

    def _wrapped_segment(
        self,
        kind: str,
        first: int,
        second: int,
        turned_point: Callable[[int], tuple[FloatArray, FloatArray, FloatArray]],
        flexion_trig: Sequence[tuple[FloatArray, FloatArray]],
    ) -> list[Any]:
        """The wrapped segment's length for each flexion, from a fixed pelvis point to a femur point."""
        muscle = self.spec.muscles[kind]
        wrap = muscle.wrap
        assert wrap is not None
        start, end = muscle.points[first], muscle.points[second]
        if start.frame != "pelvis" or end.frame != "femur":
            raise NotImplementedError("a wrapped segment must run from a pelvis point to a femur point")
        rotation, centre = self._wrap_frames[kind]
        # Into the cylinder frame, q = M (p - c) with M = R^T. The fixed start point once, as numbers.
        offset = [start.location[axis] - centre[axis] for axis in range(3)]
        a = [sum(rotation[row][axis] * offset[row] for row in range(3)) for axis in range(3)]
        # The femur point p = Rz(θ) u + h: q = cos θ·E + sin θ·F + G with E = M(u_x, u_y, 0),
        # F = M(-u_y, u_x, 0) and G = M(0, 0, u_z) + M(h - c).
        ux, uy, uz = turned_point(second)
        hip_offset = [self._hip_centre_r[axis] - centre[axis] for axis in range(3)]
        columns = [[rotation[row][axis] for row in range(3)] for axis in range(3)]  # rows of M
        e_part = [m[0] * ux + m[1] * uy for m in columns]
        f_part = [m[1] * ux - m[0] * uy for m in columns]
        g_part = [m[2] * uz + sum(m[row] * hip_offset[row] for row in range(3)) for m in columns]
        stacked_cos = np.concatenate([cos for cos, _ in flexion_trig])
        stacked_sin = np.concatenate([sin for _, sin in flexion_trig])
        repeats = len(flexion_trig)
        b = [
            stacked_cos * np.concatenate([e_part[axis]] * repeats)
            + stacked_sin * np.concatenate([f_part[axis]] * repeats)
            + np.concatenate([g_part[axis]] * repeats)
            for axis in range(3)
        ]
        lengths = wrapped_length(
            a[0], a[1], a[2], b[0], b[1], b[2], wrap.radius, wrap.quadrant, wrap.length, repeats=repeats
        )
        return list(np.split(lengths, repeats))

    def _hip_angles(self, angles: Mapping[str, FloatArray], side: str) -> tuple[FloatArray, FloatArray, FloatArray]:
        flexion, adduction, rotation = (
            np.radians(angles[f"hip_{name}_{side}"]) for name in ("flexion", "adduction", "rotation")
        )
        return flexion, adduction, rotation

    def _evaluate(
        self, postures: PostureInput, muscles: Sequence[str], flexion_offsets: Sequence[float]
    ) -> dict[str, list[FloatArray]]:
        angles = angle_arrays(postures)
        count = next(iter(angles.values())).shape[0]
        result: dict[str, list[FloatArray]] = {muscle: [np.empty(count) for _ in flexion_offsets] for muscle in muscles}
        kinds: dict[str, list[str]] = {}
        for muscle in muscles:
            kind, side = split_muscle_name(muscle)
            kinds.setdefault(kind, []).append(side)
        sides = ("r", "l")
        # Work in chunks that keep the working arrays in the processor's cache; within a chunk both hips
        # are stacked (the left muscle at left-hip angles is the right muscle at the same angles).
        for begin in range(0, count, CHUNK_SIZE):
            chunk = slice(begin, min(begin + CHUNK_SIZE, count))
            size = chunk.stop - chunk.start
            flexion_deg, adduction, rotation = (
                np.concatenate([angles[f"hip_{name}_{side}"][chunk] for side in sides])
                for name in ("flexion", "adduction", "rotation")
            )
            flexion, adduction, rotation = np.radians(flexion_deg), np.radians(adduction), np.radians(rotation)
            trig: tuple[FloatArray, ...] = (
                np.cos(flexion),
                np.sin(flexion),
                np.cos(adduction),
                np.sin(adduction),
                np.cos(rotation),
                np.sin(rotation),
            )
            cos_f, sin_f = trig[0], trig[1]
            flexion_trig = [
                (
                    cos_f * math.cos(offset) - sin_f * math.sin(offset),
                    sin_f * math.cos(offset) + cos_f * math.sin(offset),
                )
                if offset
                else (cos_f, sin_f)
                for offset in flexion_offsets
            ]
            for kind, kind_sides in kinds.items():
                if len(kind_sides) == 2:
                    part = slice(None)
                else:
                    start = sides.index(kind_sides[0]) * size
                    part = slice(start, start + size)
                values = self._kind_lengths(
                    kind,
                    tuple(item[part] for item in trig),
                    flexion_deg[part],
                    [(cos[part], sin[part]) for cos, sin in flexion_trig],
                )
                for offset_index, value in enumerate(values):
                    for position, side in enumerate(kind_sides if len(kind_sides) == 1 else sides):
                        target = result[f"{kind}_{side}"][offset_index]
                        target[chunk] = value[position * size : (position + 1) * size]
        return result

    # ----- lengths and moment arms ------------------------------------------------------------------
    def lengths(self, postures: PostureInput, muscles: Sequence[str] = MUSCLES) -> dict[str, FloatArray]:
        """Musculotendon length (m) of each muscle, arrays of shape (n,)."""
        for muscle in muscles:
            split_muscle_name(muscle)
        return {muscle: values[0] for muscle, values in self._evaluate(postures, muscles, (0.0,)).items()}

    def moment_arms(self, postures: PostureInput, muscles: Sequence[str] = MUSCLES) -> dict[str, FloatArray]:
        """Hip-flexion moment arm (m) of each muscle about its own hip, -dL/dθ by central difference."""
        for muscle in muscles:
            split_muscle_name(muscle)
        step = MOMENT_ARM_STEP_RAD
        evaluated = self._evaluate(postures, muscles, (step, -step))
        return {muscle: -(ahead - behind) / (2.0 * step) for muscle, (ahead, behind) in evaluated.items()}

    def lengths_and_moment_arms(
        self, postures: PostureInput, muscles: Sequence[str] = MUSCLES
    ) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
        """Both at once: lengths (m) and hip-flexion moment arms (m) from the same two evaluations.

        The length is the mean of the central difference's two evaluations, L(θ ± h): that differs from
        L(θ) by L''(θ)·h²/2, under 1e-12 m for h = 1e-5 rad, and saves a third of the work.
        """
        for muscle in muscles:
            split_muscle_name(muscle)
        step = MOMENT_ARM_STEP_RAD
        evaluated = self._evaluate(postures, muscles, (step, -step))
        lengths = {muscle: 0.5 * (ahead + behind) for muscle, (ahead, behind) in evaluated.items()}
        moment_arms = {muscle: -(ahead - behind) / (2.0 * step) for muscle, (ahead, behind) in evaluated.items()}
        return lengths, moment_arms

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
