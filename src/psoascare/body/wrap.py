"""A muscle segment wrapping over a cylinder, vectorised over postures.

When the straight segment from a to b would cut through the (infinite) cylinder on its active side, the
path instead runs straight to a tangent point, along a helix on the surface (the geodesic: a straight line
once the cylinder is unrolled), and straight again from a second tangent point to b. Unrolled, the whole
path is one straight line, so the tangent heights follow from the lengths of the three pieces measured
across the axis.

The rules for when a path wraps and which way round it goes follow OpenSim 4.6's WrapCylinder with a
constrained quadrant ("-y": the cylinder may only push the path towards its local -y side), so lengths agree
with OpenSim's; the cylinder's finite length is not used (OpenSim 4.6 does not either). Points are in the
cylinder frame: axis along z, origin on the axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from psoascare.body.geometry import FloatArray

TWO_PI = 2.0 * np.pi

QUADRANTS: dict[str, tuple[int, int]] = {
    "+x": (0, 1),
    "-x": (0, -1),
    "+y": (1, 1),
    "-y": (1, -1),
}


@dataclass(frozen=True)
class CylinderWrap:
    """Where the path touches the cylinder (cylinder frame); meaningful only where `wrapped` is True."""

    wrapped: NDArrayBool
    start_angle: FloatArray  # angle of the first tangent point about the axis
    sweep: FloatArray  # signed angle swept over the surface
    start_height: FloatArray
    rise: FloatArray  # height gained along the axis over the surface
    surface_length: FloatArray
    radius: float

    def tangent_points(self) -> tuple[FloatArray, FloatArray]:
        return self.point_on_surface(0.0), self.point_on_surface(1.0)

    def point_on_surface(self, fraction: float) -> FloatArray:
        angle = self.start_angle + fraction * self.sweep
        height = self.start_height + fraction * self.rise
        return np.stack([self.radius * np.cos(angle), self.radius * np.sin(angle), height], axis=-1)


NDArrayBool = np.ndarray


def _sign(value: FloatArray) -> FloatArray:
    # OpenSim counts 0 as positive.
    return np.where(value >= 0.0, 1.0, -1.0)


def _positive_angle(angle: FloatArray) -> FloatArray:
    return np.where(angle < 0.0, angle + TWO_PI, angle)


def _angle_from_to(start: FloatArray, end: FloatArray) -> FloatArray:
    """Counter-clockwise angle from start to end, in [0, 2π)."""
    delta = end - start
    return np.where(delta < 0.0, delta + TWO_PI, delta)


def _outside_active_side(angle: FloatArray, axis: int, sign: int) -> FloatArray:
    if axis == 0:
        outside = (angle >= 0.5 * np.pi) & (angle <= 1.5 * np.pi)
    else:
        outside = angle > np.pi
    return ~outside if sign < 0 else outside


def _misses_active_side(
    leaving_angle: FloatArray, arriving_angle: FloatArray, axis: int, sign: int
) -> FloatArray:
    """True where a counter-clockwise arc from leaving_angle to arriving_angle is not allowed."""
    leaving_out = _outside_active_side(leaving_angle, axis, sign)
    arriving_out = _outside_active_side(arriving_angle, axis, sign)
    both_out = leaving_out & arriving_out
    # Both ends on the active side, but the arc between them goes round the inactive side.
    goes_round = ~leaving_out & ~arriving_out & (_angle_from_to(leaving_angle, arriving_angle) > np.pi)
    return both_out | goes_round


def wrap_over_cylinder(a: FloatArray, b: FloatArray, radius: float, quadrant: str = "-y") -> CylinderWrap:
    """Wraps the segments a[i] -> b[i] (shape (n, 3), cylinder frame) over a cylinder of this radius."""
    if quadrant not in QUADRANTS:
        raise ValueError(f"unsupported quadrant {quadrant!r}; supported: {', '.join(QUADRANTS)}")
    axis, sign = QUADRANTS[quadrant]
    ax, ay, az = a[:, 0], a[:, 1], a[:, 2]
    bx, by, bz = b[:, 0], b[:, 1], b[:, 2]

    # Does the straight segment, seen along the axis, come near the active side at all?
    dx, dy = bx - ax, by - ay
    a_sq = ax * ax + ay * ay
    b_sq = bx * bx + by * by
    d_sq = dx * dx + dy * dy
    d_dot_a = ax * dx + ay * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        line_distance_sq = a_sq - d_dot_a * d_dot_a / d_sq
    a_side, b_side = _sign(a[:, axis]), _sign(b[:, axis])
    both_active = (a_side == sign) & (b_side == sign)
    miss = both_active & (line_distance_sq > radius * radius)
    nearer_side = np.where(a_sq < b_sq, a_side, b_side)
    miss |= (a_side != b_side) & (nearer_side != sign)

    # A point inside the cylinder cannot be wrapped (OpenSim leaves the segment straight).
    inside = (a_sq < radius * radius) | (b_sq < radius * radius)

    # The two tangent directions from each point: angle of the point +- the angle whose cosine is r/|p|.
    a_far = np.sqrt(np.maximum(a_sq - radius * radius, 0.0))
    b_far = np.sqrt(np.maximum(b_sq - radius * radius, 0.0))
    a_offset = np.arctan2(a_far, radius)
    b_offset = np.arctan2(b_far, radius)
    a_heading = np.arctan2(ay, ax)
    b_heading = np.arctan2(by, bx)
    a_plus, a_minus = _positive_angle(a_heading + a_offset), _positive_angle(a_heading - a_offset)
    b_plus, b_minus = _positive_angle(b_heading + b_offset), _positive_angle(b_heading - b_offset)

    # Counter-clockwise: leave at a's "+" tangent, arrive at b's "-" tangent; clockwise the other way round.
    ccw_blocked = _misses_active_side(a_plus, b_minus, axis, sign)
    cw_blocked = _misses_active_side(b_plus, a_minus, axis, sign)
    miss |= ccw_blocked & cw_blocked
    ccw_sweep = _angle_from_to(a_plus, b_minus)
    cw_sweep = _angle_from_to(b_plus, a_minus)
    # Where both ways are allowed, the shorter one (ties go clockwise, as in OpenSim).
    counter_clockwise = np.where(~ccw_blocked & ~cw_blocked, cw_sweep > ccw_sweep, ~ccw_blocked)
    start_angle = np.where(counter_clockwise, a_plus, a_minus)
    sweep = np.where(counter_clockwise, ccw_sweep, -cw_sweep)

    # Unrolled, the path is straight: heights grow in proportion to the across-axis distance travelled.
    across_total = a_far + b_far + np.abs(sweep) * radius
    with np.errstate(divide="ignore", invalid="ignore"):
        climb_per_length = (bz - az) / across_total
    start_height = az + climb_per_length * a_far
    end_height = az + climb_per_length * (across_total - b_far)
    rise = end_height - start_height
    surface_length = np.sqrt((radius * sweep) ** 2 + rise**2)
    wrapped = ~miss & ~inside
    return CylinderWrap(
        wrapped=wrapped,
        start_angle=start_angle,
        sweep=sweep,
        start_height=start_height,
        rise=rise,
        surface_length=surface_length,
        radius=float(radius),
    )


def wrapped_segment_length(a: FloatArray, b: FloatArray, radius: float, quadrant: str = "-y") -> FloatArray:
    """Length from a to b (shape (n, 3), cylinder frame): straight, or over the cylinder where it wraps."""
    wrap = wrap_over_cylinder(a, b, radius, quadrant)
    first, second = wrap.tangent_points()
    wrapped_length = (
        np.linalg.norm(first - a, axis=-1) + wrap.surface_length + np.linalg.norm(b - second, axis=-1)
    )
    straight = np.linalg.norm(b - a, axis=-1)
    return np.where(wrap.wrapped, wrapped_length, straight)
