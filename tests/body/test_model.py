"""The body model: lengths, moment arms, symmetry, vectorisation, paths and the standing reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from psoascare.body.crosscheck import random_hip_angles
from psoascare.body.model import MUSCLES, BodyModel, angle_arrays, psoas_length_curve
from psoascare.body.postures import Posture, PostureError, get_posture, load_postures

MODELS = ("gait2392", "rajagopal2016")


@pytest.mark.parametrize("model_name", MODELS)
def test_it_makes_left_and_right_muscles_mirror_images(model_name: str) -> None:
    model = BodyModel(model_name)
    rng = np.random.default_rng(1)
    right = {
        "hip_flexion_r": rng.uniform(-30, 120, 50),
        "hip_adduction_r": rng.uniform(-20, 20, 50),
        "hip_rotation_r": rng.uniform(-30, 30, 50),
    }
    left = {key[:-2] + "_l": value for key, value in right.items()}
    lengths_right = model.lengths(right)
    lengths_left = model.lengths(left)
    for kind in ("psoas", "iliacus"):
        np.testing.assert_allclose(lengths_right[f"{kind}_r"], lengths_left[f"{kind}_l"], rtol=0, atol=1e-15)
    posture = Posture("p", "p", hip_flexion_l=35, hip_adduction_l=10, hip_rotation_l=-15)
    mirrored = posture.with_angles(hip_flexion_r=35, hip_adduction_r=10, hip_rotation_r=-15)
    path_left = model.muscle_path("psoas_l", posture)
    path_right = model.muscle_path("psoas_r", mirrored)
    np.testing.assert_allclose(path_left, path_right * [1, 1, -1], atol=1e-15)


@pytest.mark.parametrize("model_name", MODELS)
def test_it_shortens_the_hip_flexors_when_the_hip_flexes(model_name: str) -> None:
    model = BodyModel(model_name)
    flexion = np.linspace(-20, 60, 81)
    lengths = model.lengths({"hip_flexion_r": flexion, "hip_flexion_l": flexion})
    for muscle in MUSCLES:
        assert np.all(np.diff(lengths[muscle]) < 0), muscle
    moment_arms = model.moment_arms({"hip_flexion_r": flexion, "hip_flexion_l": flexion})
    for muscle in MUSCLES:
        # Flexors: positive hip-flexion moment arms of a few centimetres over this range.
        assert np.all((moment_arms[muscle] > 0.015) & (moment_arms[muscle] < 0.06)), muscle


@pytest.mark.parametrize("model_name", MODELS)
def test_it_gives_the_moment_arm_as_minus_the_slope_of_length(model_name: str) -> None:
    model = BodyModel(model_name)
    flexion = np.linspace(-25.0, 110.0, 28) + 0.37
    step = 0.01
    ahead = model.lengths({"hip_flexion_r": flexion + step, "hip_adduction_r": 5.0})["psoas_r"]
    behind = model.lengths({"hip_flexion_r": flexion - step, "hip_adduction_r": 5.0})["psoas_r"]
    slope = (ahead - behind) / np.radians(2 * step)
    moment_arm = model.moment_arms({"hip_flexion_r": flexion, "hip_adduction_r": 5.0})["psoas_r"]
    np.testing.assert_allclose(moment_arm, -slope, atol=2e-6)


def test_it_computes_a_batch_exactly_as_one_posture_at_a_time() -> None:
    model = BodyModel()
    postures = list(load_postures().values())
    batch_lengths = model.lengths(postures)
    batch_arms = model.moment_arms(postures)
    for index, posture in enumerate(postures):
        single_lengths = model.lengths(posture)
        single_arms = model.moment_arms(posture)
        for muscle in MUSCLES:
            assert batch_lengths[muscle][index] == pytest.approx(single_lengths[muscle][0], abs=1e-15)
            assert batch_arms[muscle][index] == pytest.approx(single_arms[muscle][0], abs=1e-9)


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("posture_name", ["standing", "sitting-90-90", "bed-edge-hang", "knee-to-chest"])
def test_it_draws_paths_as_long_as_the_computed_lengths(model_name: str, posture_name: str) -> None:
    model = BodyModel(model_name)
    posture = get_posture(posture_name)
    lengths = model.lengths(posture)
    for muscle in MUSCLES:
        path = model.muscle_path(muscle, posture)
        assert path.ndim == 2 and path.shape[1] == 3 and path.shape[0] >= 3
        drawn = float(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1)))
        # The wrap arc is drawn as 2 mm chords, a hair shorter than the arc.
        assert drawn == pytest.approx(lengths[muscle][0], abs=2e-5)
        side = muscle[-1]
        assert np.sign(path[:, 2]).tolist() == [1.0 if side == "r" else -1.0] * path.shape[0]


def test_it_draws_the_rajagopal_psoas_over_its_wrap_cylinder_when_standing() -> None:
    model = BodyModel("rajagopal2016")
    path = model.muscle_path("psoas_r", get_posture("standing"))
    wrap = model.spec.muscles["psoas"].wrap
    assert wrap is not None
    local = (path - wrap.centre("r")) @ wrap.rotation("r")
    on_surface = np.isclose(np.hypot(local[:, 0], local[:, 1]), wrap.radius, atol=1e-12)
    assert on_surface.sum() >= 3
    assert np.all(local[on_surface, 1] <= 1e-12)  # only on the -y side


def test_it_reports_changes_against_standing() -> None:
    model = BodyModel("rajagopal2016")
    standing = model.report(get_posture("standing"))
    for values in standing.values():
        assert values["change_mm"] == 0.0 and values["change_pct"] == 0.0
        assert values["length_mm"] > 150.0
    sitting = model.report(get_posture("sitting-90-90"))
    hang = model.report(get_posture("bed-edge-hang"))
    for side in ("r", "l"):
        assert sitting[f"psoas_{side}"]["change_pct"] < -10.0
        expected = sitting[f"psoas_{side}"]["length_mm"] - standing[f"psoas_{side}"]["length_mm"]
        assert sitting[f"psoas_{side}"]["change_mm"] == pytest.approx(expected)
    # The hanging (extended) hip's flexors are longer than standing; the hugged side's are shorter.
    assert hang["psoas_r"]["change_mm"] > 0 and hang["iliacus_r"]["change_mm"] > 0
    assert hang["psoas_l"]["change_mm"] < 0
    with pytest.raises(PostureError):
        model.report(Posture("bad", "bad", hip_flexion_r=300))


def test_it_computes_normalised_fibre_length_for_a_rigid_tendon() -> None:
    model = BodyModel("gait2392")
    spec = model.spec.muscles["psoas"]
    length = spec.tendon_slack_length + spec.optimal_fibre_length * np.cos(spec.pennation_rad)
    # Musculotendon length = slack + optimal fibre length projected on the line of action -> 1.0.
    result = model.normalised_fibre_lengths({"psoas_r": np.array([length])})["psoas_r"][0]
    assert result == pytest.approx(1.0, abs=1e-12)


def test_it_returns_the_psoas_length_curve_in_millimetres() -> None:
    flexion = np.array([-10.0, 0.0, 30.0, 90.0])
    curve = psoas_length_curve(flexion, model="gait2392")
    expected = BodyModel("gait2392").lengths({"hip_flexion_r": flexion})["psoas_r"] * 1000.0
    np.testing.assert_allclose(curve, expected)
    assert np.all(np.diff(curve) < 0)


def test_it_rejects_unknown_models_muscles_and_coordinates() -> None:
    with pytest.raises(ValueError, match="unknown model"):
        BodyModel("arnold2010")
    with pytest.raises(ValueError, match="unknown muscle"):
        BodyModel().muscle_path("rectus_r", get_posture("standing"))
    with pytest.raises(ValueError, match="unknown coordinates"):
        angle_arrays({"hip_flex_r": [1.0]})


def test_it_rejects_a_muscle_file_with_a_bad_field(tmp_path: Path) -> None:
    from psoascare.body.muscle_data import ModelDataError, load_model_specs

    source = Path(__file__).resolve().parents[2] / "src/psoascare/body/data/muscles.toml"
    text = source.read_text(encoding="utf-8")
    broken = tmp_path / "muscles.toml"
    broken.write_text(text.replace('quadrant = "-y"', 'quadrant = "-q"', 1), encoding="utf-8")
    with pytest.raises(ModelDataError, match=r"muscles\.toml \[models\.rajagopal2016\] muscles\.psoas.*quadrant"):
        load_model_specs(broken)
    broken.write_text(text.replace("tendon_slack_length = 0.160", "tendon_slack_length = -1"), encoding="utf-8")
    with pytest.raises(ModelDataError, match=r"gait2392.*tendon_slack_length"):
        load_model_specs(broken)


@pytest.mark.parametrize("model_name", MODELS)
def test_it_gives_exact_moment_arms_that_agree_with_the_central_difference(model_name: str) -> None:
    # The moment arm is -dL/dθ taken exactly; the tendon-excursion method by central difference is the
    # reference. Over random postures (wrap switching on and off, the via point in and out) they agree far
    # inside 0.01 mm.
    model = BodyModel(model_name, compiled=False)
    angles = random_hip_angles(4000, seed=21)
    lengths, moment_arms = model.lengths_and_moment_arms(angles)
    reference = model.moment_arms_by_central_difference(angles)
    plain_lengths = model.lengths(angles)
    for muscle in MUSCLES:
        assert np.max(np.abs(moment_arms[muscle] - reference[muscle])) < 1e-5, muscle
        assert np.median(np.abs(moment_arms[muscle] - reference[muscle])) < 1e-9, muscle
        np.testing.assert_array_equal(lengths[muscle], plain_lengths[muscle])


@pytest.mark.parametrize("model_name", MODELS)
def test_it_computes_the_same_in_the_path_kernel_as_in_numpy(model_name: str) -> None:
    # The kernel that numba compiles, run here as plain Python (numba or not): the same numbers.
    from psoascare.body.model import _path_kernel

    model = BodyModel(model_name, compiled=False)
    angles = random_hip_angles(400, seed=22)
    lengths, moment_arms = model.lengths_and_moment_arms(angles)
    kernel_lengths, kernel_slopes = model._evaluate_compiled(angles, MUSCLES, True, 0.0, kernel=_path_kernel)
    for muscle in MUSCLES:
        np.testing.assert_allclose(kernel_lengths[muscle], lengths[muscle], rtol=0, atol=1e-14)
        np.testing.assert_allclose(-kernel_slopes[muscle], moment_arms[muscle], rtol=0, atol=1e-14)
    only_some, _ = model._evaluate_compiled(angles, ("iliacus_l",), False, 0.0, kernel=_path_kernel)
    assert list(only_some) == ["iliacus_l"]
    np.testing.assert_allclose(only_some["iliacus_l"], lengths["iliacus_l"], rtol=0, atol=1e-14)


@pytest.mark.parametrize("model_name", MODELS)
def test_it_computes_the_same_with_the_compiled_kernel(model_name: str) -> None:
    pytest.importorskip("numba")
    from psoascare.body.model import COMPILED_MIN_POSTURES

    angles = random_hip_angles(COMPILED_MIN_POSTURES, seed=23)
    numpy_lengths, numpy_moment_arms = BodyModel(model_name, compiled=False).lengths_and_moment_arms(angles)
    # The default uses the compiled kernel for a batch this large.
    lengths, moment_arms = BodyModel(model_name).lengths_and_moment_arms(angles)
    compiled = BodyModel(model_name, compiled=True)
    single, _ = compiled.lengths_and_moment_arms({name: values[:1] for name, values in angles.items()})
    reference_arms = compiled.moment_arms_by_central_difference({name: values[:500] for name, values in angles.items()})
    for muscle in MUSCLES:
        np.testing.assert_allclose(lengths[muscle], numpy_lengths[muscle], rtol=0, atol=1e-14)
        np.testing.assert_allclose(moment_arms[muscle], numpy_moment_arms[muscle], rtol=0, atol=1e-14)
        assert single[muscle][0] == pytest.approx(numpy_lengths[muscle][0], abs=1e-15)
        assert np.max(np.abs(moment_arms[muscle][:500] - reference_arms[muscle])) < 1e-5
    assert set(compiled.lengths(angles, muscles=("psoas_r",))) == {"psoas_r"}


def test_it_leaves_numba_unloaded_for_small_batches() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import numpy as np\n"
        "from psoascare.body.model import BodyModel\n"
        "from psoascare.body.postures import get_posture\n"
        "model = BodyModel('rajagopal2016')\n"
        "model.report(get_posture('sitting-90-90'))\n"
        "model.lengths_and_moment_arms({'hip_flexion_r': np.linspace(-30, 120, 1000)})\n"
        "print('numba' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_it_falls_back_to_numpy_without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    import psoascare.body.model as model_module

    monkeypatch.setattr(model_module, "numba_available", lambda: False)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the kernel must not run without numba")

    monkeypatch.setattr(BodyModel, "_evaluate_compiled", refuse)
    angles = random_hip_angles(model_module.COMPILED_MIN_POSTURES, seed=24)
    lengths, moment_arms = BodyModel("gait2392").lengths_and_moment_arms(angles)
    assert all(np.all(np.isfinite(values)) for values in (*lengths.values(), *moment_arms.values()))
    with pytest.raises(RuntimeError, match="needs numba"):
        BodyModel("gait2392", compiled=True)
