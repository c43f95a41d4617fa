"""A muscle segment wrapping over a cylinder, vectorised over postures.

When the straight segment from a to b meets the cylinder (on its active side), the path instead runs
straight to a tangent point, along a helix on the surface (the geodesic: a straight line once the cylinder
is unrolled), and straight again from a second tangent point to b. Unrolled, the whole path is one straight
line, so the tangent heights follow from the lengths of the three pieces measured across the axis.

Which segments wrap, and which way round, follows OpenSim 4.6's WrapCylinder for a constrained quadrant
("-y": the path may only touch the cylinder's local -y half):
- a segment with a point inside the cylinder is left straight;
- with either point on the active side, it wraps if it cuts the cylinder between its ends, or if it crosses
  from one side to the other passing the axis on the inactive side; otherwise it stays straight;
- with both points on the inactive side it always wraps (round the active side);
- of the two tangent pairs, the one with a tangent point on the active side is taken (OpenSim's order of
  tests), and the path goes the long way round when the chosen tangent points face away from the segment;
- the wrap is dropped when both tangent points lie beyond the ends of the cylinder.
OpenSim finds the tangent points iteratively (to 0.1° of tangency); here they are exact, which leaves a few
micrometres of difference on the Rajagopal paths (see tests/body/test_opensim_crosscheck.py).

Points are in the cylinder frame: axis along z, origin on the axis. The core works on coordinate arrays
without trigonometry, except one arctangent for the swept angle: it is the inner loop of every length.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from psoascare.body.geometry import BoolArray, FloatArray

TWO_PI = 2.0 * np.pi

QUADRANTS: dict[str, tuple[int, int]] = {
    "+x": (0, 1),
    "-x": (0, -1),
    "+y": (1, 1),
    "-y": (1, -1),
}

Coordinate = FloatArray | float


def active_side_test(quadrant: str) -> Callable[[Any, Any], Any]:
    """The test whether points (x, y) of the cylinder frame lie on the quadrant's active side, for numbers
    or arrays alike; ValueError for an unsupported quadrant. OpenSim's sign test counts 0 as positive."""
    if quadrant not in QUADRANTS:
        raise ValueError(f"unsupported quadrant {quadrant!r}; supported: {', '.join(QUADRANTS)}")
    axis, sign = QUADRANTS[quadrant]

    def active(x: Any, y: Any) -> Any:
        value = y if axis == 1 else x
        return value < 0.0 if sign < 0 else value >= 0.0

    return active


@dataclass(frozen=True)
class WrapGeometry:
    """The wrapped path's pieces (cylinder frame); geometry is meaningful only where `wrapped`."""

    wrapped: BoolArray
    first_x: FloatArray  # first tangent point
    first_y: FloatArray
    first_height: FloatArray
    second_x: FloatArray  # second tangent point
    second_y: FloatArray
    second_height: FloatArray
    sweep: FloatArray  # signed angle swept over the surface (counter-clockwise about +z is positive)
    surface_length: FloatArray
    wrapped_length: FloatArray  # a -> first tangent point -> surface -> second tangent point -> b
    straight_length: FloatArray

    @property
    def length(self) -> FloatArray:
        """Length from a to b: over the cylinder where the segment wraps, straight elsewhere."""
        return np.where(self.wrapped, self.wrapped_length, self.straight_length)


def _tangent_points(
    x: Coordinate, y: Coordinate, radius: float
) -> tuple[Coordinate, Coordinate, Coordinate, Coordinate, Coordinate]:
    """Tangent points, seen along the axis, from (x, y) to the circle: counter-clockwise one ("+": at the
    point's angle plus arccos(r/|p|)), clockwise one, and the distance from the point to either."""
    distance_sq = x * x + y * y
    far = np.sqrt(np.maximum(distance_sq - radius * radius, 0.0))
    along = radius * radius / distance_sq
    across = radius * far / distance_sq
    # perp(p) = (-y, x): p turned a quarter counter-clockwise.
    return along * x - across * y, along * y + across * x, along * x + across * y, along * y - across * x, far


def wrap_segments(
    ax: Coordinate,
    ay: Coordinate,
    az: Coordinate,
    bx: FloatArray,
    by: FloatArray,
    bz: FloatArray,
    radius: float,
    quadrant: str = "-y",
    length: float = np.inf,
) -> WrapGeometry:
    """Wraps segments a -> b over a cylinder (coordinates in the cylinder frame; a may be fixed scalars)."""
    on_active_side = active_side_test(quadrant)
    r_sq = radius * radius

    def active(x: Coordinate, y: Coordinate) -> BoolArray:
        return np.asarray(on_active_side(x, y))

    dx, dy, dz = bx - ax, by - ay, bz - az
    straight_length = np.sqrt(dx * dx + dy * dy + dz * dz)
    a_sq = ax * ax + ay * ay
    b_sq = bx * bx + by * by
    inside = (a_sq < r_sq) | (b_sq < r_sq)

    # Closest approach of the segment's line to the axis, seen along the axis.
    with np.errstate(divide="ignore", invalid="ignore"):
        along = -(ax * dx + ay * dy) / (dx * dx + dy * dy)
    near_x, near_y = ax + along * dx, ay + along * dy
    cuts_cylinder = (near_x * near_x + near_y * near_y < r_sq) & (along > 0.0) & (along < 1.0)
    a_active, b_active = active(ax, ay), active(bx, by)
    crosses_behind = (a_active != b_active) & ~active(near_x, near_y)
    candidate = np.where(a_active | b_active, cuts_cylinder | crosses_behind, True) & ~inside

    a_plus_x, a_plus_y, a_minus_x, a_minus_y, a_far = _tangent_points(ax, ay, radius)
    b_plus_x, b_plus_y, b_minus_x, b_minus_y, b_far = _tangent_points(bx, by, radius)
    a_plus_on, a_minus_on = active(a_plus_x, a_plus_y), active(a_minus_x, a_minus_y)
    b_plus_on, b_minus_on = active(b_plus_x, b_plus_y), active(b_minus_x, b_minus_y)
    # Counter-clockwise pair: leave at a's "+" tangent, arrive at b's "-" one; clockwise: a's "-", b's "+".
    # OpenSim compares the angles between the pairs' points: larger angle <=> smaller dot product.
    counter_clockwise_wider = (a_plus_x * b_minus_x + a_plus_y * b_minus_y) < (
        a_minus_x * b_plus_x + a_minus_y * b_plus_y
    )
    if np.ndim(a_plus_on) == 0:
        # The start point is fixed (a pelvis point): decide its side of the tests once, in Python.
        if a_plus_on and a_minus_on:
            counter_clockwise = ~b_plus_on
        elif a_plus_on or a_minus_on:
            counter_clockwise = np.full(np.shape(bx), bool(a_plus_on))
        else:
            counter_clockwise = np.where(b_plus_on, False, np.where(b_minus_on, True, counter_clockwise_wider))
    else:
        counter_clockwise = np.where(
            a_plus_on & a_minus_on,
            ~b_plus_on,
            np.where(
                a_plus_on | a_minus_on,
                a_plus_on,
                np.where(b_plus_on, False, np.where(b_minus_on, True, counter_clockwise_wider)),
            ),
        )
    first_x = np.where(counter_clockwise, a_plus_x, a_minus_x)
    first_y = np.where(counter_clockwise, a_plus_y, a_minus_y)
    second_x = np.where(counter_clockwise, b_minus_x, b_plus_x)
    second_y = np.where(counter_clockwise, b_minus_y, b_plus_y)
    # The long way round when the tangent points face away from the segment (OpenSim's test).
    facing = (first_x + second_x) * (first_x - ax + second_x - bx) + (first_y + second_y) * (
        first_y - ay + second_y - by
    )
    short_angle = np.abs(np.arctan2(first_x * second_y - first_y * second_x, first_x * second_x + first_y * second_y))
    sweep_size = np.where(facing < 0.0, TWO_PI - short_angle, short_angle)
    sweep = np.where(counter_clockwise, sweep_size, -sweep_size)

    # Unrolled, the path is straight: heights grow in proportion to the across-axis distance travelled.
    across_total = a_far + b_far + sweep_size * radius
    with np.errstate(divide="ignore", invalid="ignore"):
        climb = dz / across_total
    first_height = az + climb * a_far
    second_height = bz - climb * b_far
    half_length = 0.5 * length
    beyond_ends = (np.abs(first_height) > half_length) & (np.abs(second_height) > half_length)
    rise = second_height - first_height
    surface_length = np.sqrt((radius * sweep_size) ** 2 + rise * rise)
    first_piece = np.sqrt(a_far * a_far + (first_height - az) ** 2)
    last_piece = np.sqrt(b_far * b_far + (bz - second_height) ** 2)
    return WrapGeometry(
        wrapped=np.asarray(candidate & ~beyond_ends),
        first_x=np.asarray(first_x),
        first_y=np.asarray(first_y),
        first_height=np.asarray(first_height),
        second_x=np.asarray(second_x),
        second_y=np.asarray(second_y),
        second_height=np.asarray(second_height),
        sweep=np.asarray(sweep),
        surface_length=np.asarray(surface_length),
        wrapped_length=np.asarray(first_piece + surface_length + last_piece),
        straight_length=np.asarray(straight_length),
    )


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


def wrap_over_cylinder(
    a: FloatArray, b: FloatArray, radius: float, quadrant: str = "-y", length: float = np.inf
) -> CylinderWrap:
    """Wraps the segments a[i] -> b[i] (shape (n, 3), cylinder frame); angles for drawing the helix."""
    geometry = wrap_segments(a[:, 0], a[:, 1], a[:, 2], b[:, 0], b[:, 1], b[:, 2], radius, quadrant, length)
    return CylinderWrap(
        wrapped=geometry.wrapped,
        start_angle=np.arctan2(geometry.first_y, geometry.first_x),
        sweep=geometry.sweep,
        start_height=geometry.first_height,
        rise=geometry.second_height - geometry.first_height,
        surface_length=geometry.surface_length,
        radius=float(radius),
    )


def wrapped_segment_length(
    a: FloatArray, b: FloatArray, radius: float, quadrant: str = "-y", length: float = np.inf
) -> FloatArray:
    """Length from a to b (shape (n, 3), cylinder frame): straight, or over the cylinder where it wraps."""
    return wrap_segments(a[:, 0], a[:, 1], a[:, 2], b[:, 0], b[:, 1], b[:, 2], radius, quadrant, length).length


def wrapped_length(
    ax: float,
    ay: float,
    az: float,
    bx: FloatArray,
    by: FloatArray,
    bz: FloatArray,
    radius: float,
    quadrant: str = "-y",
    length: float = np.inf,
) -> FloatArray:
    """The same length as `wrap_segments(...).length` for a fixed start point a (plain floats), with the
    fewest array operations. tests/body/test_wrap.py checks it against `wrap_segments`."""
    return wrapped_length_and_slope(ax, ay, az, bx, by, bz, None, radius, quadrant, length)[0]


def wrapped_length_and_slope(
    ax: float,
    ay: float,
    az: float,
    bx: FloatArray,
    by: FloatArray,
    bz: FloatArray,
    velocity: tuple[FloatArray, FloatArray, FloatArray] | None,
    radius: float,
    quadrant: str = "-y",
    length: float = np.inf,
) -> tuple[FloatArray, FloatArray | None]:
    """Length from a fixed start point a (plain floats) to the end points b, straight or over the cylinder
    as `wrap_segments` decides, and, given the end points' velocity db/dθ, the length's derivative dL/dθ.

    The derivative is exact, not a difference: moving b changes the length of the shortest path by the
    component of the movement along the path's last piece, dL = t·db with t the unit vector from the second
    tangent point (or from a, unwrapped) to b. Seen along the axis, t's across-axis part is
    (|b - T2| b + s r perp(b)) / |b|² (s = +1 for a counter-clockwise wrap, -1 otherwise); unrolled, the
    whole path is one straight line at the same slope, so t = (across · t_xy, dz) / L_wrapped.
    The wrap decision is taken at the posture itself; it is the inner loop of every length and moment arm.
    """
    active = active_side_test(quadrant)
    axis, _ = QUADRANTS[quadrant]
    r_sq = radius * radius
    dx, dy, dz = bx - ax, by - ay, bz - az
    dxy_sq = dx * dx + dy * dy
    straight = np.sqrt(dxy_sq + dz * dz)
    straight_slope: FloatArray | None = None
    if velocity is not None:
        dbx, dby, dbz = velocity
        straight_slope = (dx * dbx + dy * dby + dz * dbz) / straight
    a_sq = ax * ax + ay * ay
    if a_sq < r_sq:
        return straight, straight_slope
    b_sq = bx * bx + by * by
    with np.errstate(divide="ignore", invalid="ignore"):
        # The line's closest approach to the axis without dividing: its distance is |a × d| / |d| and the
        # closest point is a + t d with t = -(a · d) / |d|², inside the segment for 0 < t < 1.
        cross = ax * dy - ay * dx
        minus_dot = -(ax * dx + ay * dy)
        cuts_cylinder = (cross * cross < r_sq * dxy_sq) & (minus_dot > 0.0) & (minus_dot < dxy_sq)
        # The closest point's coordinate on the quadrant's axis, times |d|² (> 0, so the sign is the same).
        near_scaled = (ay * dxy_sq + minus_dot * dy) if axis == 1 else (ax * dxy_sq + minus_dot * dx)
        near_active = active(near_scaled, near_scaled)
        b_active = active(bx, by)
        if active(ax, ay):
            candidate = cuts_cylinder | (~b_active & ~near_active)
        else:
            candidate = np.where(b_active, cuts_cylinder | ~near_active, True)
        candidate &= b_sq >= r_sq

        # Tangent points (see _tangent_points): a's are numbers, b's arrays. The second tangent point is
        # T2 = along·b - s·across·perp(b), perp(b) = (-b_y, b_x), s = +1 counter-clockwise, -1 clockwise.
        a_far = math.sqrt(a_sq - r_sq)
        a_along, a_across = r_sq / a_sq, radius * a_far / a_sq
        a_plus = (a_along * ax - a_across * ay, a_along * ay + a_across * ax)
        a_minus = (a_along * ax + a_across * ay, a_along * ay - a_across * ax)
        inverse_b_sq = 1.0 / b_sq
        b_far = np.sqrt(b_sq - r_sq)
        b_along = r_sq * inverse_b_sq
        b_across = (radius * inverse_b_sq) * b_far
        a_plus_on, a_minus_on = bool(active(*a_plus)), bool(active(*a_minus))
        turn: Any
        if a_plus_on != a_minus_on:
            # Decided by the fixed point alone: one tangent pair for every posture.
            turn = 1.0 if a_plus_on else -1.0
            first_x, first_y = a_plus if a_plus_on else a_minus
            signed_across = b_across if a_plus_on else -b_across
        else:
            plus_x = b_along * bx - b_across * by
            plus_y = b_along * by + b_across * bx
            plus_on = active(plus_x, plus_y)
            if a_plus_on:
                counter_clockwise = ~plus_on
            else:
                minus_x = b_along * bx + b_across * by
                minus_y = b_along * by - b_across * bx
                wider = (a_plus[0] * minus_x + a_plus[1] * minus_y) < (a_minus[0] * plus_x + a_minus[1] * plus_y)
                counter_clockwise = ~plus_on & (active(minus_x, minus_y) | wider)
            # Selections as blends (all values finite here): cheaper than np.where on float arrays.
            turn = 2.0 * counter_clockwise - 1.0
            first_x = a_minus[0] + counter_clockwise * (a_plus[0] - a_minus[0])
            first_y = a_minus[1] + counter_clockwise * (a_plus[1] - a_minus[1])
            signed_across = turn * b_across
        second_x = b_along * bx + signed_across * by
        second_y = b_along * by - signed_across * bx

        # The long way round when the tangent points face away from the segment (OpenSim's test).
        sum_x, sum_y = first_x + second_x, first_y + second_y
        facing = sum_x * (sum_x - ax - bx) + sum_y * (sum_y - ay - by)
        short_angle = np.abs(
            np.arctan2(first_x * second_y - first_y * second_x, first_x * second_x + first_y * second_y)
        )
        arc = radius * np.where(facing < 0.0, TWO_PI - short_angle, short_angle)
        # Unrolled, the path a -> tangent -> helix -> tangent -> b is one straight line: across the axis it
        # covers a_far + arc + b_far, along the axis dz.
        across = (a_far + b_far) + arc
        over = np.sqrt(across * across + dz * dz)
        half_length = 0.5 * length
        if math.isfinite(half_length):
            climb = dz / across
            first_height = az + climb * a_far
            second_height = bz - climb * b_far
            candidate &= (np.abs(first_height) <= half_length) | (np.abs(second_height) <= half_length)
        lengths = np.where(candidate, over, straight)
        if velocity is None or straight_slope is None:
            return lengths, None
        along_b = bx * dbx + by * dby
        round_b = bx * dby - by * dbx
        across_slope = (b_far * along_b + (turn * radius) * round_b) * inverse_b_sq
        wrapped_slope = (across * across_slope + dz * dbz) / over
        return lengths, np.where(candidate, wrapped_slope, straight_slope)
