"""The Thomas self-check's geometry on constructed points, and its model lengths against `psoascare body`."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from psoascare.body.muscle_data import MODEL_NAMES
from psoascare.body.thomas import ThomasAngles, ThomasError, findings, measure, model_lengths
from psoascare.cli.main import app

runner = CliRunner()


def at(origin: tuple[float, float], length: float, angle_deg: float) -> tuple[float, float]:
    """A point `length` px from `origin` in the image direction `angle_deg` (0 = +x, + turns towards +y, down)."""
    angle = math.radians(angle_deg)
    return origin[0] + length * math.cos(angle), origin[1] + length * math.sin(angle)


def lying(
    *,
    bed_tilt: float = 0.0,
    thigh_below: float = 11.9,
    knee: float = 52.5,
    trunk_to_bed: float = 0.0,
    other_hip: float = 120.0,
    head_left: bool = True,
) -> dict[str, tuple[float, float]]:
    """Points of a person lying with the head on the left (or right), built from the angles they should give."""
    hip = (400.0, 300.0)
    # Directions in image degrees; "down" (towards the floor) is + when the head is on the left.
    sign = 1.0 if head_left else -1.0
    base = 0.0 if head_left else 180.0
    bed_dir = base + sign * bed_tilt
    trunk_dir = bed_dir + sign * trunk_to_bed  # shoulder -> hip direction
    thigh_dir = bed_dir + sign * thigh_below
    shank_dir = thigh_dir + sign * knee
    hugged_dir = trunk_dir - sign * other_hip
    return {
        "hip": hip,
        "shoulder": at(hip, -180.0, trunk_dir),
        "knee": at(hip, 160.0, thigh_dir),
        "ankle": at(at(hip, 160.0, thigh_dir), 150.0, shank_dir),
        "other_knee": at(hip, 150.0, hugged_dir),
        "bed_head": at(hip, -300.0, bed_dir),
        "bed_foot": at(hip, 20.0, bed_dir),
    }


@pytest.mark.parametrize("head_left", [True, False])
@pytest.mark.parametrize(
    ("bed_tilt", "thigh_below", "knee", "trunk_to_bed", "other_hip"),
    [
        (0.0, 11.9, 52.5, 0.0, 120.0),
        (0.0, -8.0, 80.0, 0.0, 95.0),
        (7.5, 3.3, 67.0, -4.2, 130.0),
        (-12.0, 25.0, 10.0, 12.5, 60.0),
        (3.0, 0.0, 0.0, 0.0, 0.0),
    ],
)
def test_it_measures_constructed_points_to_a_tenth_of_a_degree(
    head_left: bool, bed_tilt: float, thigh_below: float, knee: float, trunk_to_bed: float, other_hip: float
) -> None:
    points = lying(
        bed_tilt=bed_tilt,
        thigh_below=thigh_below,
        knee=knee,
        trunk_to_bed=trunk_to_bed,
        other_hip=other_hip,
        head_left=head_left,
    )
    angles = measure(points)
    assert angles.thigh_below_bed == pytest.approx(thigh_below, abs=0.1)
    assert angles.knee_flexion == pytest.approx(knee, abs=0.1)
    assert angles.trunk_to_bed == pytest.approx(trunk_to_bed, abs=0.1)
    assert angles.thigh_to_trunk == pytest.approx(thigh_below - trunk_to_bed, abs=0.1)
    assert angles.other_hip_flexion == pytest.approx(other_hip, abs=0.1)
    assert angles.hip_flexion == pytest.approx(-thigh_below, abs=0.1)


def test_it_measures_a_hand_worked_example() -> None:
    # Bed flat; thigh 100 px along and 100 px down: 45° below. Shank straight down from the knee: 45° bend.
    points = {
        "shoulder": (0.0, 0.0),
        "hip": (300.0, 0.0),
        "knee": (400.0, 100.0),
        "ankle": (400.0, 250.0),
        "other_knee": (300.0, -150.0),
        "bed_head": (0.0, 10.0),
        "bed_foot": (300.0, 10.0),
    }
    angles = measure(points)
    assert angles.thigh_below_bed == pytest.approx(45.0, abs=1e-9)
    assert angles.knee_flexion == pytest.approx(45.0, abs=1e-9)
    assert angles.other_hip_flexion == pytest.approx(90.0, abs=1e-9)
    assert angles.trunk_to_bed == pytest.approx(0.0, abs=1e-9)


def test_it_rejects_missing_and_coincident_points() -> None:
    points = lying()
    del points["ankle"]
    with pytest.raises(ThomasError, match="'ankle' is missing"):
        measure(points)
    points = lying()
    points["knee"] = points["hip"]
    with pytest.raises(ThomasError, match="thigh"):
        measure(points)
    points = lying()
    points["hip"] = (float("nan"), 3.0)
    with pytest.raises(ThomasError, match="finite"):
        measure(points)


@pytest.mark.parametrize("side", ["r", "l"])
@pytest.mark.parametrize("hip_flexion", [-11.9, 4.0, -23.5])
def test_it_gives_the_same_lengths_as_the_body_command(side: str, hip_flexion: float) -> None:
    lengths = model_lengths(hip_flexion, side)
    assert set(lengths) == set(MODEL_NAMES)
    for model in MODEL_NAMES:
        result = runner.invoke(
            app,
            ["body", "bed-edge-hang", "--hip-flexion", str(hip_flexion), "--side", side, "--model", model, "--json"],
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        for kind in ("psoas", "iliacus"):
            for key in ("length_mm", "change_mm", "change_pct"):
                assert lengths[model][kind][key] == pytest.approx(data[f"{kind}_{side}"][key], abs=0.01)
    # Hanging below the bed line is hip extension: both muscles longer than standing.
    if hip_flexion < 0:
        assert all(lengths[model][kind]["change_mm"] > 0 for model in MODEL_NAMES for kind in ("psoas", "iliacus"))


def test_it_refuses_an_angle_outside_the_model() -> None:
    with pytest.raises(ThomasError, match="outside the body model's range"):
        model_lengths(-75.0, "r")
    with pytest.raises(ThomasError, match="side"):
        model_lengths(0.0, "x")


def test_it_words_the_findings_with_sources_and_hints() -> None:
    calm = findings(ThomasAngles(12.0, 12.0, 55.0, 0.0, 120.0))
    assert [finding.key for finding in calm] == ["thigh", "knee", "error"]
    assert "12° below the bed line" in calm[0].text and "Harvey" in calm[0].source
    assert all(finding.source for finding in calm)
    tilted = findings(ThomasAngles(-5.0, -20.0, 70.0, 15.0, 60.0))
    assert "5° above the bed line" in tilted[0].text
    assert any(finding.key == "pelvis" and "Vigotsky" in finding.source for finding in tilted)
    assert not any("diagnos" in finding.text.lower() and "not a diagnosis" not in finding.text for finding in tilted)
