"""The body model: pelvis, femurs and the psoas and iliacus paths of an OpenSim model, vectorised.

Everything is computed in the pelvis frame (OpenSim: x anterior, y up, z right; metres). A femur point p
sits at hip_centre + R(hip angles) p. A muscle's musculotendon length is the length of its path: straight
segments between its active path points, and over a wrap cylinder where the model has one. The hip-flexion
moment arm is found by the tendon-excursion method, r = -dL/dθ, which is what OpenSim's moment arm equals
for these paths; the derivative is taken exactly, segment by segment (`moment_arms_by_central_difference`
keeps the central difference as the reference). Batches are computed with numpy, vectorised over postures,
or for large batches by one compiled loop (numba, when installed) that does the same operations.

The left side is the mirror image of the right (z -> -z, with the left hip's adduction and rotation axes
reversed as in the OpenSim models), so a left muscle at some left-hip angles is exactly as long as the right
muscle at the same right-hip angles; the code uses that and mirrors the drawn paths.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from psoascare.body.geometry import MIRROR_Z, FloatArray, hip_rotation_matrix
from psoascare.body.muscle_data import DEFAULT_MODEL, MODEL_NAMES, MUSCLE_KINDS, ModelSpec, MuscleSpec, model_spec
from psoascare.body.postures import COORDINATES, Posture, check_angle, standing
from psoascare.body.wrap import QUADRANTS, active_side_test, wrap_over_cylinder, wrapped_length_and_slope

MUSCLES: tuple[str, ...] = ("psoas_r", "psoas_l", "iliacus_r", "iliacus_l")

# Step of the central difference for moment arms: small against the curvature of L(θ), large against
# rounding (lengths ~0.2 m in float64).
MOMENT_ARM_STEP_RAD = 1e-5
# Postures per block of work: small enough for the working arrays to stay in cache.
CHUNK_SIZE = 2048
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
        return {name: np.array([value]) for name, value in postures.angles().items()}
    if isinstance(postures, Mapping):
        unknown = set(postures) - set(COORDINATES)
        if unknown:
            raise ValueError(f"unknown coordinates {sorted(unknown)}; known: {', '.join(COORDINATES)}")
        given = {name: np.atleast_1d(np.asarray(value, dtype=float)) for name, value in postures.items()}
        shape = np.broadcast_shapes(*(array.shape for array in given.values())) if given else (1,)
        if len(shape) != 1:
            raise ValueError(f"angle arrays must be one-dimensional, got shape {shape}")
        # The caller's arrays themselves where they have the shape (they are only read), no copies.
        return {
            name: (given[name] if given[name].shape == shape else np.broadcast_to(given[name], shape))
            if name in given
            else np.zeros(shape)
            for name in COORDINATES
        }
    posture_list = list(postures)
    if not all(isinstance(item, Posture) for item in posture_list):
        raise TypeError("expected a Posture, a sequence of Postures or a mapping of angle arrays")
    return {name: np.array([float(getattr(item, name)) for item in posture_list]) for name in COORDINATES}


def _turn_femur_point(
    location: tuple[float, float, float], cos_f: Any, sin_f: Any, cos_a: Any, sin_a: Any, cos_r: Any, sin_r: Any
) -> tuple[Any, Any, Any]:
    """A femur point turned about the hip centre by R = Rz(flexion) Rx(adduction) Ry(rotation), applied right
    to left, one axis at a time, from the angles' cosines and sines (numbers or arrays)."""
    px, py, pz = location
    x1, z1 = cos_r * px + sin_r * pz, cos_r * pz - sin_r * px
    y2, z2 = cos_a * py - sin_a * z1, sin_a * py + cos_a * z1
    return cos_f * x1 - sin_f * y2, sin_f * x1 + cos_f * y2, z2


@dataclass(frozen=True)
class _Segment:
    """A piece of a muscle's path in the cheapest exact form for its length (see `BodyModel._kind_lengths`)."""

    form: float  # _CONSTANT (both ends on one bone), _STRAIGHT (pelvis point to femur point) or _WRAPPED
    femur_point: int  # the index of the femur end; -1 for a _CONSTANT segment
    constant: float = 0.0  # _CONSTANT: the length; _STRAIGHT: |p_femur|² + |w|²
    w: tuple[float, float, float] = (0.0, 0.0, 0.0)  # _STRAIGHT: w = h - q, hip centre less the pelvis point


@dataclass(frozen=True)
class _Step:
    """A muscle's path, step by step: one segment always in the path, or at a conditional via point the
    segments into it, out of it and straight past it, with the hip flexion (degrees) that puts it in."""

    segments: tuple[_Segment, ...]
    active_hip_flexion_deg: tuple[float, float] | None = None


# ----- the compiled kernel ----------------------------------------------------------------------------
# For large batches the same lengths and exact slopes are computed by one loop over postures, compiled
# with numba when it is installed (imported only then: the CLI and single postures never load it). It
# follows `BodyModel._kind_lengths` and `wrap.wrapped_length_and_slope` operation for operation;
# tests/body/test_model.py checks it against them, and runs it uncompiled where numba is missing.
# Below this many postures, or without numba, the numpy path runs: compiling (or loading the compiled
# code from numba's cache) costs a fraction of a second once per process.
COMPILED_MIN_POSTURES = 20_000

# The path of every muscle as rows of numbers: what a term is, and its constants.
_TYPE, _KIND, _CONDITION, _MODE, _POINT = range(5)
_CONSTANT, _STRAIGHT, _WRAPPED = 0.0, 1.0, 2.0
_ALWAYS, _WHILE_ACTIVE, _WHILE_INACTIVE = 0.0, 1.0, 2.0
# _CONSTANT: [5] length. _STRAIGHT: [5] |p_femur|² + |w|², [6:9] w = h - q.
# _WRAPPED: [5:14] M (cylinder <- pelvis, by rows), [14:17] M (h - c), [17:20] a, [20] radius, [21] axis,
# [22] sign, [23] half length, [24] |a - T1| across, [25:29] a's + and - tangent points,
# [29] a inside, [30] a active, [31] a+ on, [32] a- on.
_TERM_WIDTH = 33


def _path_kernel(
    flexion_r: Any,
    adduction_r: Any,
    rotation_r: Any,
    flexion_l: Any,
    adduction_l: Any,
    rotation_l: Any,
    offset: float,
    points: Any,
    terms: Any,
    conditions: Any,
    wanted: Any,
    with_slopes: bool,
    lengths: Any,
    slopes: Any,
) -> None:  # pragma: no cover - runs compiled; tests run it as Python too
    """lengths[side, kind, i] and slopes[side, kind, i] (side 0 right, 1 left; kinds as MUSCLE_KINDS) for
    the hip angles in degrees, where wanted[side, kind]."""
    count = flexion_r.shape[0]
    point_count = points.shape[0]
    term_count = terms.shape[0]
    kind_count = wanted.shape[1]
    turned = np.empty((point_count, 3))
    active = np.empty(conditions.shape[0], dtype=np.bool_)
    total = np.empty(kind_count)
    total_slope = np.empty(kind_count)
    to_radians = math.pi / 180.0
    two_pi = 2.0 * math.pi
    for side in range(2):
        if not wanted[side].any():
            continue
        flexion = flexion_r if side == 0 else flexion_l
        adduction = adduction_r if side == 0 else adduction_l
        rotation = rotation_r if side == 0 else rotation_l
        for i in range(count):
            flexion_deg = flexion[i]
            angle = flexion_deg * to_radians + offset
            cos_f, sin_f = math.cos(angle), math.sin(angle)
            angle = adduction[i] * to_radians
            cos_a, sin_a = math.cos(angle), math.sin(angle)
            angle = rotation[i] * to_radians
            cos_r, sin_r = math.cos(angle), math.sin(angle)
            for p in range(point_count):  # as _turn_femur_point
                px, py, pz = points[p, 0], points[p, 1], points[p, 2]
                x1, z1 = cos_r * px + sin_r * pz, cos_r * pz - sin_r * px
                y2, z2 = cos_a * py - sin_a * z1, sin_a * py + cos_a * z1
                turned[p, 0] = cos_f * x1 - sin_f * y2
                turned[p, 1] = sin_f * x1 + cos_f * y2
                turned[p, 2] = z2
            for c in range(conditions.shape[0]):
                active[c] = (flexion_deg >= conditions[c, 0]) and (flexion_deg <= conditions[c, 1])
            total[:] = 0.0
            total_slope[:] = 0.0
            for t in range(term_count):
                kind = int(terms[t, _KIND])
                if not wanted[side, kind]:
                    continue
                condition = int(terms[t, _CONDITION])
                if condition >= 0:
                    if terms[t, _MODE] == _WHILE_ACTIVE and not active[condition]:
                        continue
                    if terms[t, _MODE] == _WHILE_INACTIVE and active[condition]:
                        continue
                if terms[t, _TYPE] == _CONSTANT:
                    total[kind] += terms[t, 5]
                    continue
                point = int(terms[t, _POINT])
                rx, ry, rz = turned[point, 0], turned[point, 1], turned[point, 2]
                if terms[t, _TYPE] == _STRAIGHT:
                    wx, wy, wz = terms[t, 6], terms[t, 7], terms[t, 8]
                    length = math.sqrt(terms[t, 5] + 2.0 * (rx * wx + ry * wy + rz * wz))
                    total[kind] += length
                    if with_slopes:
                        total_slope[kind] += (wy * rx - wx * ry) / length
                    continue
                # The wrapped segment, as wrap.wrapped_length_and_slope for one posture.
                bx = terms[t, 5] * rx + terms[t, 6] * ry + (terms[t, 7] * rz + terms[t, 14])
                by = terms[t, 8] * rx + terms[t, 9] * ry + (terms[t, 10] * rz + terms[t, 15])
                bz = terms[t, 11] * rx + terms[t, 12] * ry + (terms[t, 13] * rz + terms[t, 16])
                dbx = terms[t, 6] * rx - terms[t, 5] * ry
                dby = terms[t, 9] * rx - terms[t, 8] * ry
                dbz = terms[t, 12] * rx - terms[t, 11] * ry
                ax, ay, az = terms[t, 17], terms[t, 18], terms[t, 19]
                radius, axis, sign, half_length = terms[t, 20], terms[t, 21], terms[t, 22], terms[t, 23]
                r_sq = radius * radius
                dx, dy, dz = bx - ax, by - ay, bz - az
                dxy_sq = dx * dx + dy * dy
                straight = math.sqrt(dxy_sq + dz * dz)
                length = straight
                slope = (dx * dbx + dy * dby + dz * dbz) / straight if with_slopes else 0.0
                b_sq = bx * bx + by * by
                if terms[t, 29] == 0.0 and b_sq >= r_sq:
                    cross = ax * dy - ay * dx
                    minus_dot = -(ax * dx + ay * dy)
                    cuts_cylinder = (cross * cross < r_sq * dxy_sq) and (minus_dot > 0.0) and (minus_dot < dxy_sq)
                    if axis == 1.0:
                        near, b_value = ay * dxy_sq + minus_dot * dy, by
                    else:
                        near, b_value = ax * dxy_sq + minus_dot * dx, bx
                    near_active = near < 0.0 if sign < 0.0 else near >= 0.0
                    b_active = b_value < 0.0 if sign < 0.0 else b_value >= 0.0
                    if terms[t, 30] != 0.0:
                        candidate = cuts_cylinder or (not b_active and not near_active)
                    else:
                        candidate = (cuts_cylinder or not near_active) if b_active else True
                    if candidate:
                        a_far = terms[t, 24]
                        inverse_b_sq = 1.0 / b_sq
                        b_far = math.sqrt(b_sq - r_sq)
                        b_along = r_sq * inverse_b_sq
                        b_across = (radius * inverse_b_sq) * b_far
                        a_plus_on, a_minus_on = terms[t, 31] != 0.0, terms[t, 32] != 0.0
                        if a_plus_on != a_minus_on:
                            counter_clockwise = a_plus_on
                        else:
                            plus_x = b_along * bx - b_across * by
                            plus_y = b_along * by + b_across * bx
                            plus_value = plus_y if axis == 1.0 else plus_x
                            plus_on = plus_value < 0.0 if sign < 0.0 else plus_value >= 0.0
                            if a_plus_on:
                                counter_clockwise = not plus_on
                            else:
                                minus_x = b_along * bx + b_across * by
                                minus_y = b_along * by - b_across * bx
                                wider = (terms[t, 25] * minus_x + terms[t, 26] * minus_y) < (
                                    terms[t, 27] * plus_x + terms[t, 28] * plus_y
                                )
                                minus_value = minus_y if axis == 1.0 else minus_x
                                minus_on = minus_value < 0.0 if sign < 0.0 else minus_value >= 0.0
                                counter_clockwise = (not plus_on) and (minus_on or wider)
                        if counter_clockwise:
                            turn, first_x, first_y = 1.0, terms[t, 25], terms[t, 26]
                        else:
                            turn, first_x, first_y = -1.0, terms[t, 27], terms[t, 28]
                        signed_across = turn * b_across
                        second_x = b_along * bx + signed_across * by
                        second_y = b_along * by - signed_across * bx
                        sum_x, sum_y = first_x + second_x, first_y + second_y
                        facing = sum_x * (sum_x - ax - bx) + sum_y * (sum_y - ay - by)
                        short_angle = abs(
                            math.atan2(first_x * second_y - first_y * second_x, first_x * second_x + first_y * second_y)
                        )
                        arc = radius * (two_pi - short_angle if facing < 0.0 else short_angle)
                        across = (a_far + b_far) + arc
                        over = math.sqrt(across * across + dz * dz)
                        if half_length < math.inf:
                            climb = dz / across
                            first_height = az + climb * a_far
                            second_height = bz - climb * b_far
                            candidate = abs(first_height) <= half_length or abs(second_height) <= half_length
                        if candidate:
                            length = over
                            if with_slopes:
                                along_b = bx * dbx + by * dby
                                round_b = bx * dby - by * dbx
                                across_slope = (b_far * along_b + (turn * radius) * round_b) * inverse_b_sq
                                slope = (across * across_slope + dz * dbz) / over
                total[kind] += length
                total_slope[kind] += slope
            for kind in range(kind_count):
                lengths[side, kind, i] = total[kind]
                if with_slopes:
                    slopes[side, kind, i] = total_slope[kind]


_compiled_kernel: Callable[..., None] | None = None


def numba_available() -> bool:
    """Whether numba is installed (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def compiled_path_kernel() -> Callable[..., None]:
    """`_path_kernel` compiled by numba (imported here, the first time; numba caches the machine code)."""
    global _compiled_kernel
    if _compiled_kernel is None:
        import numba

        _compiled_kernel = numba.njit(cache=True, nogil=True, error_model="numpy")(_path_kernel)
    return _compiled_kernel


_numba_unusable = False


def _kernel_if_available() -> Callable[..., None] | None:
    """The compiled kernel, or None where numba is missing or cannot be imported (e.g. built for another
    numpy): then the numpy path runs."""
    global _numba_unusable
    if _numba_unusable or not numba_available():
        return None
    try:
        return compiled_path_kernel()
    except ImportError:
        _numba_unusable = True
        return None


class BodyModel:
    """Psoas and iliacus paths of one OpenSim model ("rajagopal2016" or "gait2392")."""

    def __init__(self, name: str = DEFAULT_MODEL, compiled: bool | None = None) -> None:
        """`compiled`: True computes every batch with the numba kernel (numba must be installed), False
        always with numpy; None (the default) uses the kernel for batches of COMPILED_MIN_POSTURES or more
        when numba is installed. Both give the same numbers (to rounding, ~1e-15 m)."""
        if compiled and not numba_available():
            raise RuntimeError("compiled=True needs numba (pip install numba)")
        self.compiled = compiled
        if name not in MODEL_NAMES:
            raise ValueError(f"unknown model {name!r}; known models: {', '.join(MODEL_NAMES)}")
        self.name = name
        self.spec: ModelSpec = model_spec(name)
        self._hip_centre_r = self.spec.hip_centre("r")
        self._wrap_frames: dict[str, tuple[list[float], list[list[float]], list[float]]] = {
            kind: self._cylinder_frame(spec) for kind, spec in self.spec.muscles.items() if spec.wrap is not None
        }
        # Each muscle's path as the numpy path and the kernel's tables both walk it.
        self._steps: dict[str, tuple[_Step, ...]] = {
            kind: self._path_steps(spec) for kind, spec in self.spec.muscles.items()
        }
        self._standing_lengths: dict[str, float] | None = None
        self._tables: tuple[FloatArray, FloatArray, FloatArray] | None = None

    def __repr__(self) -> str:
        return f"BodyModel({self.name!r})"

    def _path_steps(self, muscle: MuscleSpec) -> tuple[_Step, ...]:
        steps: list[_Step] = []
        index = 1
        while index < len(muscle.points):
            via = muscle.points[index].active_hip_flexion_deg
            if via is None:
                steps.append(_Step((self._segment(muscle, index - 1, index),)))
                index += 1
            else:
                pairs = ((index - 1, index), (index, index + 1), (index - 1, index + 1))
                steps.append(_Step(tuple(self._segment(muscle, first, second) for first, second in pairs), via))
                index += 2
        return tuple(steps)

    def _segment(self, muscle: MuscleSpec, first: int, second: int) -> _Segment:
        start, end = muscle.points[first], muscle.points[second]
        if start.frame == end.frame:
            return _Segment(_CONSTANT, -1, math.dist(start.location, end.location))
        pelvis_point, femur_point = (start, second) if start.frame == "pelvis" else (end, first)
        wrap = muscle.wrap
        if wrap is not None and (first + 1, second + 1) == wrap.between_points:
            return _Segment(_WRAPPED, femur_point)
        hip = self._hip_centre_r
        wx, wy, wz = (hip[axis] - pelvis_point.location[axis] for axis in range(3))
        base = sum(value * value for value in muscle.points[femur_point].location) + (wx * wx + wy * wy + wz * wz)
        return _Segment(_STRAIGHT, femur_point, base, (wx, wy, wz))

    def _cylinder_frame(self, muscle: MuscleSpec) -> tuple[list[float], list[list[float]], list[float]]:
        """The wrapped segment in its cylinder's frame (right side, plain floats), b = M (p - c) with M = R^T:
        the fixed pelvis start point a = M (q - c), the rows of M, and M (h - c), so that the femur end point
        p = r + h (r turned about the hip centre h) is at b = M r + M (h - c)."""
        wrap = muscle.wrap
        assert wrap is not None
        rotation, centre = wrap.rotation("r").tolist(), wrap.centre("r").tolist()
        start = muscle.points[wrap.between_points[0] - 1].location
        offset = [start[axis] - centre[axis] for axis in range(3)]
        a = [sum(rotation[row][axis] * offset[row] for row in range(3)) for axis in range(3)]
        rows = [[rotation[row][axis] for row in range(3)] for axis in range(3)]
        hip_offset = [self._hip_centre_r[axis] - centre[axis] for axis in range(3)]
        shift = [sum(m[row] * hip_offset[row] for row in range(3)) for m in rows]
        return a, rows, shift

    # ----- kinematics -------------------------------------------------------------------------------
    def femur_pose(self, posture: Posture, side: str = "r") -> tuple[FloatArray, FloatArray]:
        """Femur -> pelvis rotation (3, 3) and the hip joint centre (3,) in the pelvis frame."""
        if side not in ("r", "l"):
            raise ValueError(f"side must be 'r' or 'l', got {side!r}")
        rotation = hip_rotation_matrix(*self._hip_angles(angle_arrays(posture), side), side)[0]
        return rotation, self.spec.hip_centre(side)

    def _right_points(
        self, muscle: MuscleSpec, flexion: FloatArray, adduction: FloatArray, rotation: FloatArray
    ) -> list[FloatArray]:
        """Each path point of the RIGHT muscle in the pelvis frame, shape (n, 3), at these hip angles."""
        trig = (
            np.cos(flexion),
            np.sin(flexion),
            np.cos(adduction),
            np.sin(adduction),
            np.cos(rotation),
            np.sin(rotation),
        )
        hx, hy, hz = self._hip_centre_r
        points: list[FloatArray] = []
        for point in muscle.points:
            if point.frame == "pelvis":
                points.append(np.broadcast_to(np.array(point.location), (flexion.shape[0], 3)))
                continue
            x, y, z = _turn_femur_point(point.location, *trig)
            points.append(np.stack([x + hx, y + hy, z + hz], axis=-1))
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
        muscle = self.spec.muscles[kind]
        turned: dict[int, tuple[FloatArray, FloatArray, FloatArray]] = {}

        def segment(piece: _Segment) -> tuple[Any, Any]:
            if piece.form == _CONSTANT:
                return piece.constant, 0.0
            if piece.femur_point not in turned:
                turned[piece.femur_point] = _turn_femur_point(muscle.points[piece.femur_point].location, *trig)
            rx, ry, rz = turned[piece.femur_point]
            if piece.form == _WRAPPED:
                return self._wrapped_segment(kind, (rx, ry, rz), with_slopes)
            wx, wy, wz = piece.w
            length = np.sqrt(piece.constant + 2.0 * (rx * wx + ry * wy + rz * wz))
            return length, ((wy * rx - wx * ry) / length if with_slopes else 0.0)

        total_length: Any = 0.0
        total_slope: Any = 0.0
        for step in self._steps[kind]:
            if step.active_hip_flexion_deg is None:
                length, slope = segment(step.segments[0])
            else:
                # A conditional via point: through it while active, straight past it otherwise.
                low, high = step.active_hip_flexion_deg
                active = (flexion_deg >= low) & (flexion_deg <= high)
                (before, before_slope), (after, after_slope), (past, past_slope) = map(segment, step.segments)
                length = np.where(active, before + after, past)
                slope = np.where(active, before_slope + after_slope, past_slope) if with_slopes else 0.0
            total_length = total_length + length
            total_slope = total_slope + slope
        size = flexion_deg.shape[0]
        lengths = np.broadcast_to(np.asarray(total_length, dtype=float), (size,))
        slopes = np.broadcast_to(np.asarray(total_slope, dtype=float), (size,)) if with_slopes else None
        return lengths, slopes

    def _wrapped_segment(
        self, kind: str, turned: tuple[FloatArray, FloatArray, FloatArray], with_slope: bool
    ) -> tuple[FloatArray, Any]:
        """The wrapped segment's length and slope, from its fixed pelvis point to its femur point (turned about
        the hip centre: `turned` = r, the point is r + h); the data file puts every wrap there."""
        wrap = self.spec.muscles[kind].wrap
        assert wrap is not None
        a, rows, shift = self._wrap_frames[kind]
        # In the cylinder frame b = M r + M (h - c), and db/dθ = M (-r_y, r_x, 0).
        rx, ry, rz = turned
        b = [m[0] * rx + m[1] * ry + (m[2] * rz + m_shift) for m, m_shift in zip(rows, shift, strict=True)]
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
        kernel: Callable[..., None] | None = None
        if self.compiled is None:
            kernel = _kernel_if_available() if count >= COMPILED_MIN_POSTURES else None
        elif self.compiled:
            kernel = compiled_path_kernel()
        if kernel is not None:
            return self._evaluate_compiled(angles, muscles, with_slopes, flexion_offset_rad, kernel)
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

    def _evaluate_compiled(
        self,
        angles: Mapping[str, FloatArray],
        muscles: Sequence[str],
        with_slopes: bool,
        flexion_offset_rad: float,
        kernel: Callable[..., None] | None = None,
    ) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
        """`_evaluate` by the path kernel: compiled, or as given (the tests pass the plain Python one)."""
        points, terms, conditions = self._kernel_tables()
        sides = ("r", "l")
        wanted = np.zeros((2, len(MUSCLE_KINDS)), dtype=bool)
        for muscle in muscles:
            kind, side = split_muscle_name(muscle)
            wanted[sides.index(side), MUSCLE_KINDS.index(kind)] = True
        columns = [
            np.ascontiguousarray(angles[f"hip_{name}_{side}"], dtype=np.float64)
            for side in sides
            for name in ("flexion", "adduction", "rotation")
        ]
        count = columns[0].shape[0]
        lengths = np.empty((2, len(MUSCLE_KINDS), count))
        slopes = np.empty((2, len(MUSCLE_KINDS), count if with_slopes else 0))
        run = kernel if kernel is not None else compiled_path_kernel()
        run(
            *columns,
            float(flexion_offset_rad),
            points,
            terms,
            conditions,
            wanted,
            with_slopes,
            lengths,
            slopes,
        )
        places = {
            muscle: (sides.index(muscle[-1]), MUSCLE_KINDS.index(split_muscle_name(muscle)[0])) for muscle in muscles
        }
        return (
            {muscle: lengths[place] for muscle, place in places.items()},
            {muscle: slopes[place] for muscle, place in places.items()} if with_slopes else {},
        )

    def _kernel_tables(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The muscles' paths as the kernel reads them: femur points (p, 3), terms (t, _TERM_WIDTH) and
        conditional via point ranges (c, 2); the same segments, in the same order, as `_kind_lengths`."""
        if self._tables is not None:
            return self._tables
        points: list[tuple[float, float, float]] = []
        terms: list[list[float]] = []
        conditions: list[tuple[float, float]] = []

        def add(kind: str, piece: _Segment, condition: int, mode: float) -> None:
            row = [0.0] * _TERM_WIDTH
            row[_TYPE], row[_KIND] = piece.form, float(MUSCLE_KINDS.index(kind))
            row[_CONDITION], row[_MODE] = float(condition), mode
            terms.append(row)
            if piece.form == _CONSTANT:
                row[5] = piece.constant
                return
            row[_POINT] = float(len(points))
            points.append(self.spec.muscles[kind].points[piece.femur_point].location)
            if piece.form == _WRAPPED:
                row[5:33] = self._wrap_constants(kind)
            else:
                row[5], row[6:9] = piece.constant, list(piece.w)

        for kind in MUSCLE_KINDS:
            for step in self._steps[kind]:
                if step.active_hip_flexion_deg is None:
                    add(kind, step.segments[0], -1, _ALWAYS)
                    continue
                condition = len(conditions)
                conditions.append(step.active_hip_flexion_deg)
                for piece, mode in zip(step.segments, (_WHILE_ACTIVE, _WHILE_ACTIVE, _WHILE_INACTIVE), strict=True):
                    add(kind, piece, condition, mode)
        self._tables = (
            np.array(points, dtype=float).reshape(-1, 3),
            np.array(terms, dtype=float).reshape(-1, _TERM_WIDTH),
            np.array(conditions, dtype=float).reshape(-1, 2),
        )
        return self._tables

    def _wrap_constants(self, kind: str) -> list[float]:
        """Columns 5..32 of a wrapped term (see _TERM_WIDTH): as `_wrapped_segment` and
        `wrapped_length_and_slope` compute them."""
        wrap = self.spec.muscles[kind].wrap
        assert wrap is not None
        (ax, ay, az), rows, shift = self._wrap_frames[kind]
        axis, sign = QUADRANTS[wrap.quadrant]
        active = active_side_test(wrap.quadrant)
        radius = wrap.radius
        r_sq = radius * radius
        a_sq = ax * ax + ay * ay
        inside = a_sq < r_sq
        a_far = 0.0 if inside else math.sqrt(a_sq - r_sq)
        a_along, a_across = r_sq / a_sq, radius * a_far / a_sq
        a_plus = (a_along * ax - a_across * ay, a_along * ay + a_across * ax)
        a_minus = (a_along * ax + a_across * ay, a_along * ay - a_across * ax)
        return [
            *rows[0], *rows[1], *rows[2], *shift, ax, ay, az, radius, float(axis), float(sign), 0.5 * wrap.length,
            a_far, *a_plus, *a_minus, float(inside), float(active(ax, ay)), float(active(*a_plus)),
            float(active(*a_minus)),
        ]  # fmt: skip

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
