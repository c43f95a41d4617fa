"""The cylinder wrap: a geodesic over the surface, and only on the active (-y) side."""

from __future__ import annotations

import numpy as np
import pytest

from psoascare.body.wrap import wrap_over_cylinder, wrapped_segment_length

RADIUS = 0.05


def path_length(a: np.ndarray, b: np.ndarray, start_angle: float, sweep: float, h1: float, h2: float) -> float:
    """Length of a -> tangent point 1 -> helix -> tangent point 2 -> b for given surface parameters."""
    first = np.array([RADIUS * np.cos(start_angle), RADIUS * np.sin(start_angle), h1])
    end_angle = start_angle + sweep
    second = np.array([RADIUS * np.cos(end_angle), RADIUS * np.sin(end_angle), h2])
    helix = np.hypot(RADIUS * sweep, h2 - h1)
    return float(np.linalg.norm(first - a) + helix + np.linalg.norm(b - second))


def test_it_leaves_a_segment_that_misses_the_cylinder_straight() -> None:
    a = np.array([[0.2, -0.1, 0.0]])
    b = np.array([[-0.2, -0.1, 0.03]])
    result = wrap_over_cylinder(a, b, RADIUS, "-y")
    assert not result.wrapped[0]
    assert wrapped_segment_length(a, b, RADIUS) == np.linalg.norm(b - a)


def test_it_wraps_a_segment_that_cuts_the_cylinder_on_the_active_side() -> None:
    a = np.array([[0.15, -0.02, -0.02]])
    b = np.array([[-0.15, -0.01, 0.04]])
    result = wrap_over_cylinder(a, b, RADIUS, "-y")
    assert result.wrapped[0]
    # The path goes round underneath (the -y side).
    middle = result.point_on_surface(0.5)[0]
    assert middle[1] < -0.04
    assert wrapped_segment_length(a, b, RADIUS)[0] > np.linalg.norm(b - a)


def test_it_keeps_a_path_on_the_inactive_side_round_the_active_side_as_opensim_does() -> None:
    # With quadrant -y the path may only touch the cylinder's -y half. Both points on the +y side: OpenSim
    # 4.6 still wraps, taking the path round underneath; checked against OpenSim in test_opensim_crosscheck.
    a = np.array([[0.15, 0.02, -0.02]])
    b = np.array([[-0.15, 0.01, 0.04]])
    result = wrap_over_cylinder(a, b, RADIUS, "-y")
    assert result.wrapped[0]
    assert result.point_on_surface(0.5)[0][1] < -0.04
    # A segment that passes the axis on the active side without touching the cylinder stays straight.
    c = np.array([[0.15, -0.12, 0.0]])
    d = np.array([[-0.15, -0.10, 0.0]])
    assert not wrap_over_cylinder(c, d, RADIUS, "-y").wrapped[0]


def test_it_finds_the_shortest_path_over_the_surface() -> None:
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(40):
        a = np.array([rng.uniform(0.08, 0.2), rng.uniform(-0.06, 0.0), rng.uniform(-0.05, 0.05)])
        b = np.array([rng.uniform(-0.2, -0.08), rng.uniform(-0.06, 0.0), rng.uniform(-0.05, 0.05)])
        result = wrap_over_cylinder(a[None], b[None], RADIUS, "-y")
        if not result.wrapped[0]:
            continue
        checked += 1
        start, sweep = float(result.start_angle[0]), float(result.sweep[0])
        h1 = float(result.start_height[0])
        h2 = h1 + float(result.rise[0])
        best = path_length(a, b, start, sweep, h1, h2)
        assert best == pytest.approx(wrapped_segment_length(a[None], b[None], RADIUS)[0], abs=1e-12)
        # Any nearby choice of tangent points gives a longer path.
        for _ in range(20):
            d_angle, d_sweep, d1, d2 = rng.normal(0.0, 0.02, 4)
            assert path_length(a, b, start + d_angle, sweep + d_sweep, h1 + d1, h2 + d2) >= best - 1e-12
        # Tangency: the straight piece meets the surface at right angles to the radius.
        radial = np.array([np.cos(start), np.sin(start), 0.0])
        first = result.tangent_points()[0][0]
        assert abs(np.dot(radial, (first - a) / np.linalg.norm(first - a))) < 1e-9
    assert checked >= 10


def test_it_drops_the_wrap_when_both_tangent_points_are_beyond_the_cylinder_ends() -> None:
    a = np.array([[0.15, -0.02, 0.30]])
    b = np.array([[-0.15, -0.01, 0.32]])
    assert wrap_over_cylinder(a, b, RADIUS, "-y").wrapped[0]
    assert not wrap_over_cylinder(a, b, RADIUS, "-y", length=0.1).wrapped[0]


def test_it_gives_the_same_length_on_the_fast_path_for_a_fixed_start_point() -> None:
    from psoascare.body.wrap import wrap_segments, wrapped_length

    rng = np.random.default_rng(9)
    count = 4000
    end = np.stack(
        [rng.uniform(-0.2, 0.2, count), rng.uniform(-0.12, 0.12, count), rng.uniform(-0.08, 0.08, count)], axis=1
    )
    wrapped_somewhere = 0
    # Start points on either side, so that every branch of the tangent-pair choice is taken.
    for start in ([0.09, -0.02, 0.01], [0.05, 0.06, -0.02], [-0.07, -0.04, 0.0], [0.02, -0.08, 0.03]):
        slow = wrap_segments(*start, end[:, 0], end[:, 1], end[:, 2], RADIUS, "-y", 0.12)
        fast = wrapped_length(*start, end[:, 0], end[:, 1], end[:, 2], RADIUS, "-y", 0.12)
        np.testing.assert_allclose(fast, slow.length, rtol=0, atol=1e-12)
        wrapped_somewhere += int(slow.wrapped.sum())
    assert wrapped_somewhere > 1000


def test_it_gives_the_exact_slope_of_the_wrapped_length() -> None:
    from psoascare.body.wrap import wrap_segments, wrapped_length_and_slope

    rng = np.random.default_rng(10)
    count = 3000
    end = np.stack(
        [rng.uniform(-0.2, 0.2, count), rng.uniform(-0.12, 0.12, count), rng.uniform(-0.08, 0.08, count)], axis=1
    )
    velocity = rng.normal(size=(count, 3))
    step = 1e-6
    checked = 0
    for start in ([0.09, -0.02, 0.01], [0.05, 0.06, -0.02], [-0.07, -0.04, 0.0], [0.02, -0.08, 0.03]):
        lengths, slopes = wrapped_length_and_slope(
            *start, end[:, 0], end[:, 1], end[:, 2], tuple(velocity.T), RADIUS, "-y", 0.12
        )
        assert slopes is not None
        here = wrap_segments(*start, end[:, 0], end[:, 1], end[:, 2], RADIUS, "-y", 0.12)
        np.testing.assert_allclose(lengths, here.length, rtol=0, atol=1e-12)
        ahead_points, behind_points = end + step * velocity, end - step * velocity
        ahead = wrap_segments(*start, *ahead_points.T, RADIUS, "-y", 0.12)
        behind = wrap_segments(*start, *behind_points.T, RADIUS, "-y", 0.12)
        # Where the path is the same kind on both sides (no wrap switching on or off within the step),
        # the exact slope is the central difference's.
        same = (ahead.wrapped == here.wrapped) & (behind.wrapped == here.wrapped)
        difference = (ahead.length - behind.length) / (2 * step)
        np.testing.assert_allclose(slopes[same], difference[same], rtol=0, atol=1e-7)
        checked += int((same & here.wrapped).sum())
    assert checked > 1000
