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

from psoascare.body.geometry import BoolArray, FloatArray

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

    wrapped: BoolArray
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


def _sign(value: FloatArray) -> FloatArray:
    # OpenSim counts 0 as positive.
    return np.where(value >= 0.0, 1.0, -1.0)


def _on_active_side(value: FloatArray, sign: int) -> BoolArray:
    return np.asarray(_sign(value) == sign, dtype=bool)


def wrap_over_cylinder(
    a: FloatArray, b: FloatArray, radius: float, quadrant: str = "-y", length: float = np.inf
) -> CylinderWrap:
    """Wraps the segments a[i] -> b[i] (shape (n, 3), cylinder frame) over a cylinder of this radius.

    Which segments wrap, and which way round, follows OpenSim 4.6's WrapCylinder for a constrained
    quadrant: the segment must cut the cylinder while a point is on the active side, or cross from one side
    to the other passing the axis on the inactive side, or lie wholly on the inactive side; the tangent pair
    is chosen by which tangent points lie on the active side; and the path is dropped when both tangent
    points lie beyond the ends of the cylinder (length).
    """
    if quadrant not in QUADRANTS:
        raise ValueError(f"unsupported quadrant {quadrant!r}; supported: {', '.join(QUADRANTS)}")
    axis, sign = QUADRANTS[quadrant]
    ax, ay, az = a[:, 0], a[:, 1], a[:, 2]
    bx, by, bz = b[:, 0], b[:, 1], b[:, 2]
    r_sq = radius * radius

    a_sq = ax * ax + ay * ay
    b_sq = bx * bx + by * by
    # A point inside the cylinder cannot be wrapped (OpenSim leaves the segment straight).
    inside = (a_sq < r_sq) | (b_sq < r_sq)

    # Closest approach of the segment's line to the axis, seen along the axis.
    dx, dy, dz = bx - ax, by - ay, bz - az
    d_sq = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        along = -(ax * dx + ay * dy) / d_sq
    near_x, near_y = ax + along * dx, ay + along * dy
    near = (near_x, near_y)
    cuts_cylinder = (near_x * near_x + near_y * near_y < r_sq) & (along > 0.0) & (along < 1.0)
    a_active = _on_active_side(a[:, axis], sign)
    b_active = _on_active_side(b[:, axis], sign)
    crosses_behind = (a_active != b_active) & ~_on_active_side(near[axis], sign)
    # With either point on the active side, wrap only if the segment cuts the cylinder or passes behind it;
    # with both points on the inactive side OpenSim always wraps (round the active side).
    candidate = np.where(a_active | b_active, cuts_cylinder | crosses_behind, True) & ~inside

    # The two tangent directions from each point: angle of the point +- the angle whose cosine is r/|p|.
    a_far = np.sqrt(np.maximum(a_sq - r_sq, 0.0))
    b_far = np.sqrt(np.maximum(b_sq - r_sq, 0.0))
    a_offset = np.arctan2(a_far, radius)
    b_offset = np.arctan2(b_far, radius)
    a_heading = np.arctan2(ay, ax)
    b_heading = np.arctan2(by, bx)
    a_plus, a_minus = a_heading + a_offset, a_heading - a_offset
    b_plus, b_minus = b_heading + b_offset, b_heading - b_offset

    def active(angle: FloatArray) -> BoolArray:
        return _on_active_side(np.sin(angle) if axis == 1 else np.cos(angle), sign)

    a_plus_on, a_minus_on = active(a_plus), active(a_minus)
    b_plus_on, b_minus_on = active(b_plus), active(b_minus)
    # Counter-clockwise pair: leave at a's "+" tangent, arrive at b's "-" one; clockwise: a "-", b "+".
    # alpha / beta: angle between the tangent points of the counter-clockwise / clockwise pair.
    alpha = np.abs(np.angle(np.exp(1j * (b_minus - a_plus))))
    beta = np.abs(np.angle(np.exp(1j * (b_plus - a_minus))))
    counter_clockwise: BoolArray = np.select(
        [
            a_plus_on & a_minus_on,
            a_plus_on & ~a_minus_on,
            ~a_plus_on & a_minus_on,
            b_plus_on,
            b_minus_on,
        ],
        [~b_plus_on, True, False, False, True],
        default=alpha > beta,
    )
    first_angle = np.where(counter_clockwise, a_plus, a_minus)
    second_angle = np.where(counter_clockwise, b_minus, b_plus)
    # Long way round when the chosen tangent points face away from the segment (OpenSim's test).
    first_radial = (np.cos(first_angle), np.sin(first_angle))
    second_radial = (np.cos(second_angle), np.sin(second_angle))
    sum_x = radius * (first_radial[0] + second_radial[0])
    sum_y = radius * (first_radial[1] + second_radial[1])
    to_x = radius * first_radial[0] - ax + radius * second_radial[0] - bx
    to_y = radius * first_radial[1] - ay + radius * second_radial[1] - by
    long_way = sum_x * to_x + sum_y * to_y < 0.0
    short_angle = np.abs(np.angle(np.exp(1j * (second_angle - first_angle))))
    sweep_size = np.where(long_way, TWO_PI - short_angle, short_angle)
    # Direction of travel: counter-clockwise pairs turn +, clockwise pairs turn -.
    sweep = np.where(counter_clockwise, sweep_size, -sweep_size)

    # Unrolled, the path is straight: heights grow in proportion to the across-axis distance travelled.
    across_total = a_far + b_far + sweep_size * radius
    with np.errstate(divide="ignore", invalid="ignore"):
        climb_per_length = dz / across_total
    start_height = az + climb_per_length * a_far
    end_height = az + climb_per_length * (across_total - b_far)
    half_length = 0.5 * length
    beyond_ends = (np.abs(start_height) > half_length) & (np.abs(end_height) > half_length)
    rise = end_height - start_height
    surface_length = np.sqrt((radius * sweep) ** 2 + rise**2)
    return CylinderWrap(
        wrapped=candidate & ~beyond_ends,
        start_angle=first_angle,
        sweep=sweep,
        start_height=start_height,
        rise=rise,
        surface_length=surface_length,
        radius=float(radius),
    )


def wrapped_segment_length(
    a: FloatArray, b: FloatArray, radius: float, quadrant: str = "-y", length: float = np.inf
) -> FloatArray:
    """Length from a to b (shape (n, 3), cylinder frame): straight, or over the cylinder where it wraps."""
    wrap = wrap_over_cylinder(a, b, radius, quadrant, length)
    first, second = wrap.tangent_points()
    wrapped_length = np.linalg.norm(first - a, axis=-1) + wrap.surface_length + np.linalg.norm(b - second, axis=-1)
    straight = np.linalg.norm(b - a, axis=-1)
    return np.where(wrap.wrapped, wrapped_length, straight)
