"""Our lengths and moment arms against OpenSim 4.6 itself, with the models built from our own data file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from psoascare.body.model import MUSCLES, BodyModel
from psoascare.body.postures import Posture

opensim = pytest.importorskip("opensim", reason="the cross-check needs OpenSim 4.6 (pip install opensim)")

from psoascare.body.crosscheck import OpenSimPsoasModel, build_opensim_model, random_hip_angles  # noqa: E402

POSTURE_COUNT = 80
LENGTH_TOLERANCE_MM = 0.05
MOMENT_ARM_TOLERANCE_MM = 0.5
MODELS = ("gait2392", "rajagopal2016")


@pytest.fixture(scope="module")
def opensim_models() -> dict[str, OpenSimPsoasModel]:
    return {name: build_opensim_model(name) for name in MODELS}


@pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "compiled"])
@pytest.mark.parametrize("model_name", MODELS)
def test_it_matches_opensim_lengths_and_moment_arms_at_random_postures(
    model_name: str, compiled: bool, opensim_models: dict[str, OpenSimPsoasModel], artifacts_dir: Path
) -> None:
    if compiled:
        pytest.importorskip("numba")
    angles = random_hip_angles(POSTURE_COUNT, seed=2392 if model_name == "gait2392" else 2016)
    reference_lengths, reference_moment_arms, _ = opensim_models[model_name].evaluate(angles)
    # Moment arms: the exact -dL/dθ (the numpy path and the compiled kernel for large batches).
    ours = BodyModel(model_name, compiled=compiled)
    lengths = ours.lengths(angles)
    moment_arms = ours.moment_arms(angles)
    worst: dict[str, dict[str, float]] = {}
    for muscle in MUSCLES:
        length_error = np.abs(lengths[muscle] - reference_lengths[muscle]) * 1000.0
        moment_arm_error = np.abs(moment_arms[muscle] - reference_moment_arms[muscle]) * 1000.0
        worst[muscle] = {"length_mm": float(length_error.max()), "moment_arm_mm": float(moment_arm_error.max())}
        # The paths must actually change over these postures, or the comparison would prove little.
        assert np.ptp(reference_lengths[muscle]) > 0.03
    print(f"\n{model_name}: worst differences from OpenSim over {POSTURE_COUNT} postures: {worst}")
    suffix = "_compiled" if compiled else ""
    (artifacts_dir / f"body_opensim_crosscheck_{model_name}{suffix}.json").write_text(json.dumps(worst, indent=2))
    for muscle, errors in worst.items():
        assert errors["length_mm"] <= LENGTH_TOLERANCE_MM, (muscle, errors)
        assert errors["moment_arm_mm"] <= MOMENT_ARM_TOLERANCE_MM, (muscle, errors)


def test_it_uses_the_same_wrap_decisions_as_opensim_across_hip_flexion(
    opensim_models: dict[str, OpenSimPsoasModel],
) -> None:
    # A sweep over the whole flexion range crosses the points where the Rajagopal paths start and stop
    # wrapping; a wrong wrap/no-wrap decision shows up as centimetres, not micrometres.
    flexion = np.linspace(-30.0, 125.0, 63)
    angles = {"hip_flexion_r": flexion, "hip_flexion_l": flexion[::-1]}
    reference, _, _ = opensim_models["rajagopal2016"].evaluate(angles)
    ours = BodyModel("rajagopal2016").lengths(angles)
    for muscle in MUSCLES:
        assert np.max(np.abs(ours[muscle] - reference[muscle])) * 1000.0 <= LENGTH_TOLERANCE_MM, muscle


@pytest.mark.parametrize("side", ["r", "l"])
def test_it_poses_the_femur_with_opensims_hip_rotation_order(
    side: str, opensim_models: dict[str, OpenSimPsoasModel]
) -> None:
    reference = opensim_models["gait2392"]
    model = BodyModel("gait2392")
    rng = np.random.default_rng(7)
    for _ in range(10):
        flexion, adduction, rotation = rng.uniform(-40.0, 40.0, 3)
        angles = {f"hip_flexion_{side}": flexion, f"hip_adduction_{side}": adduction}
        angles[f"hip_rotation_{side}"] = rotation
        reference.set_angles(angles)
        transform = reference.model.getBodySet().get(f"femur_{side}").getTransformInGround(reference.state)
        expected = np.array([[transform.R().get(i, j) for j in range(3)] for i in range(3)])
        posture = Posture("random", "random", **{key: float(value) for key, value in angles.items()})
        rotation_matrix, centre = model.femur_pose(posture, side)
        np.testing.assert_allclose(rotation_matrix, expected, atol=1e-12)
        np.testing.assert_allclose(centre, [transform.p()[i] for i in range(3)], atol=1e-12)


@pytest.mark.parametrize("model_name", MODELS)
def test_it_matches_opensims_rigid_tendon_fibre_length(
    model_name: str, opensim_models: dict[str, OpenSimPsoasModel]
) -> None:
    angles = random_hip_angles(20, seed=11)
    _, _, reference_fibres = opensim_models[model_name].evaluate(angles, with_fibres=True)
    ours = BodyModel(model_name)
    fibres = ours.normalised_fibre_lengths(ours.lengths(angles))
    compared = 0
    for muscle in MUSCLES:
        # OpenSim's Millard muscle clamps the fibre at its minimum length (0.4441 l_opt by default);
        # ours is the plain geometric value, so compare where OpenSim does not clamp.
        free = reference_fibres[muscle] > 0.45
        compared += int(free.sum())
        np.testing.assert_allclose(fibres[muscle][free], reference_fibres[muscle][free], atol=1e-4)
    assert compared >= 40


def test_it_wraps_random_segments_when_and_where_opensim_does() -> None:
    from psoascare.body.crosscheck import opensim_wrapped_segment_length
    from psoascare.body.wrap import wrap_over_cylinder, wrapped_segment_length

    rng = np.random.default_rng(5)
    radius, length = 0.05, 0.2
    wrapped_count = 0
    for index in range(120):
        start = np.array([rng.uniform(0.06, 0.2), rng.uniform(-0.09, 0.09), rng.uniform(-0.06, 0.06)])
        end = np.array([rng.uniform(-0.2, -0.06), rng.uniform(-0.09, 0.09), rng.uniform(-0.06, 0.06)])
        if index % 2:
            start, end = end, start
        reference = opensim_wrapped_segment_length(tuple(start), tuple(end), radius, length)
        ours = wrapped_segment_length(start[None], end[None], radius, "-y", length)[0]
        wraps = bool(wrap_over_cylinder(start[None], end[None], radius, "-y", length).wrapped[0])
        straight = float(np.linalg.norm(end - start))
        # Same decision: OpenSim's path is longer than the straight line exactly when ours wraps.
        assert (reference > straight + 1e-9) == wraps, (start, end)
        wrapped_count += wraps
        # OpenSim's iterative tangent search stops within 0.1° of tangency; on long wraps over half the
        # cylinder that leaves its path up to ~0.5 mm longer than the geodesic (ours is never longer).
        assert ours <= reference + 1e-9
        assert reference - ours < 1e-3
    assert wrapped_count >= 30


def test_it_matches_opensim_at_the_edges_of_the_conditional_via_point(
    opensim_models: dict[str, OpenSimPsoasModel],
) -> None:
    # Gait2392's via point is part of the path for hip flexion in [-90°, 45°], ends included: lengths and
    # moment arms just inside, at and just outside 45° use the path OpenSim uses there.
    flexion = np.array([44.99, 45.0, 45.01, 60.0])
    angles = {"hip_flexion_r": flexion, "hip_flexion_l": flexion}
    reference_lengths, reference_moment_arms, _ = opensim_models["gait2392"].evaluate(angles)
    ours = BodyModel("gait2392")
    lengths, moment_arms = ours.lengths_and_moment_arms(angles)
    for muscle in MUSCLES:
        # Gait2392 has no wrap: agreement to a micrometre, tighter than the random-posture tolerance.
        np.testing.assert_allclose(lengths[muscle], reference_lengths[muscle], atol=1e-6)
        np.testing.assert_allclose(moment_arms[muscle], reference_moment_arms[muscle], atol=1e-6)
    # The path really changes there: the moment arm steps by more than its change over 0.01° elsewhere.
    step = abs(reference_moment_arms["psoas_r"][2] - reference_moment_arms["psoas_r"][1])
    assert step > 1e-4 > 10 * abs(reference_moment_arms["psoas_r"][1] - reference_moment_arms["psoas_r"][0])
