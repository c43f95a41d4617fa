"""Named postures: the data file loads, every posture cites a source, and bad files fail clearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from psoascare.body.postures import (
    COORDINATES,
    PostureError,
    UnknownPosture,
    get_posture,
    load_postures,
)

REQUIRED = (
    "standing",
    "sitting-90-90",
    "slumped-sitting",
    "bed-edge-hang",
    "half-kneeling-stretch",
    "standing-lunge",
    "supine",
    "prone",
    "knee-to-chest",
    "walking",
    "cycling-top",
    "cycling-bottom",
    "running",
)


def write_postures(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad_postures.toml"
    path.write_text(
        '[postures.standing]\ntitle = "Standing"\nsource = "anatomical position"\n\n' + body, encoding="utf-8"
    )
    return path


def test_it_loads_every_required_posture_with_a_source() -> None:
    postures = load_postures()
    assert set(REQUIRED) <= set(postures)
    for name, posture in postures.items():
        assert posture.name == name
        assert len(posture.source) > 20, name
        assert posture.title


def test_it_keeps_standing_at_zero_and_sitting_flexed() -> None:
    assert all(value == 0.0 for value in get_posture("standing").angles().values())
    sitting = get_posture("sitting-90-90")
    assert sitting.hip_flexion_r == sitting.hip_flexion_l == 90.0


def test_it_puts_the_thomas_hanging_thigh_below_horizontal_with_the_other_knee_hugged() -> None:
    hang = get_posture("bed-edge-hang")
    # The thigh's angle to the bed is the hip angle plus the pelvis's backward tilt (Vigotsky et al. 2016).
    assert hang.hip_flexion_r + hang.pelvic_tilt == pytest.approx(-11.9)  # Harvey 1998's mean
    assert hang.hip_flexion_l >= 90.0
    # The hugged knee tilts the pelvis back the same way in both postures that hug it.
    hug = get_posture("knee-to-chest")
    assert (hang.pelvic_tilt, hang.lumbar_flexion) == (hug.pelvic_tilt, hug.lumbar_flexion) != (0, 0)
    assert "Harvey" in hang.source and "Vigotsky" in hang.source
    assert hang.orientation == "supine"


def test_it_interpolates_the_walking_cycle_with_the_left_leg_half_a_cycle_behind() -> None:
    walking = get_posture("walking")
    assert walking.is_cycle
    percent = np.linspace(0.0, 99.0, 100)
    angles = walking.cycle_angles(percent)
    # Left at p equals right at p + 50.
    shifted = walking.cycle_angles((percent + 50.0) % 100.0)
    np.testing.assert_allclose(angles["hip_flexion_l"], shifted["hip_flexion_r"])
    # The hip extends in late stance and flexes in swing.
    assert angles["hip_flexion_r"].min() < -5.0
    assert angles["hip_flexion_r"].max() > 20.0
    assert walking.hip_flexion_r == pytest.approx(walking.cycle_angles(50.0)["hip_flexion_r"][0])


def test_it_names_the_posture_and_lists_the_known_ones_when_unknown() -> None:
    with pytest.raises(UnknownPosture) as caught:
        get_posture("handstand")
    assert isinstance(caught.value, KeyError)
    assert "handstand" in str(caught.value) and "standing" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[postures.x]\ntitle = "X"\nsource = "s"\nhip_flexion_r = "ninety"\n', "'hip_flexion_r'"),
        ('[postures.x]\ntitle = "X"\nsource = "s"\nhip_flexion_r = 400\n', "'hip_flexion_r'"),
        ('[postures.x]\ntitle = "X"\n', "'source'"),
        ('[postures.x]\ntitle = "X"\nsource = "s"\nhip_flexon_r = 10\n', "'hip_flexon_r'"),
        ('[postures.x]\ntitle = "X"\nsource = "s"\norientation = "upside-down"\n', "'orientation'"),
        ('[postures.x]\ntitle = "X"\nsource = "s"\nphases = [[0, 1, 2], [50, 3, 4], [40, 5, 6]]\n', "phases[2]"),
    ],
)
def test_it_rejects_a_bad_posture_file_naming_file_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = write_postures(tmp_path, body)
    with pytest.raises(PostureError) as caught:
        load_postures(path)
    message = str(caught.value)
    assert "bad_postures.toml" in message
    assert "[postures.x]" in message
    assert expected in message


def test_it_validates_angle_overrides() -> None:
    standing = get_posture("standing")
    assert standing.with_angles(hip_flexion_r=30).hip_flexion_r == 30.0
    with pytest.raises(PostureError, match="hip_adduction_l"):
        standing.with_angles(hip_adduction_l=-90)
    with pytest.raises(PostureError, match="unknown coordinate"):
        standing.with_angles(hip_flex=10)
    assert set(standing.angles()) == set(COORDINATES)


def test_it_lists_posture_names_without_building_them() -> None:
    from psoascare.body.postures import load_postures, posture_names

    assert posture_names() == tuple(load_postures())
