"""`psoascare body`: table, JSON, --list and clear errors with exit code 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from psoascare.body.model import BodyModel
from psoascare.body.postures import get_posture
from psoascare.cli.main import app

runner = CliRunner()


def test_it_prints_the_json_report_with_every_muscle() -> None:
    result = runner.invoke(app, ["body", "sitting-90-90", "--json", "--model", "gait2392"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = BodyModel("gait2392").report(get_posture("sitting-90-90"))
    for muscle in ("psoas_r", "psoas_l", "iliacus_r", "iliacus_l"):
        assert data[muscle]["length_mm"] == pytest.approx(expected[muscle]["length_mm"], abs=1e-3)
        assert data[muscle]["moment_arm_mm"] == pytest.approx(expected[muscle]["moment_arm_mm"], abs=1e-3)
    assert data["model"] == "gait2392" and data["posture"] == "sitting-90-90"


def test_it_applies_hip_angle_options() -> None:
    result = runner.invoke(app, ["body", "--hip-flexion", "45", "--side", "r", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["angles_deg"]["hip_flexion_r"] == 45.0 and data["angles_deg"]["hip_flexion_l"] == 0.0
    assert data["psoas_r"]["change_mm"] < -10.0
    assert data["psoas_l"]["change_mm"] == 0.0


def test_it_prints_a_table() -> None:
    result = runner.invoke(app, ["body", "bed-edge-hang"])
    assert result.exit_code == 0, result.output
    assert "psoas right" in result.stdout and "iliacus left" in result.stdout
    assert "moment arm" in result.stdout


def test_it_lists_the_postures() -> None:
    result = runner.invoke(app, ["body", "--list"])
    assert result.exit_code == 0
    for name in ("standing", "bed-edge-hang", "walking", "cycling-top"):
        assert name in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["body", "handstand"], "unknown posture 'handstand'"),
        (["body", "--hip-flexion", "400"], "outside the accepted range"),
        (["body", "--hip-adduction", "-80"], "outside the accepted range"),
        (["body", "--model", "arnold2010"], "unknown model"),
    ],
)
def test_it_fails_with_one_clear_line_and_exit_code_2(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]


def test_it_warns_about_gait2392s_negative_moment_arm_in_deep_flexion() -> None:
    deep = runner.invoke(app, ["body", "--hip-flexion", "100", "--model", "gait2392"], env={"COLUMNS": "200"})
    assert deep.exit_code == 0, deep.output
    assert "artefact of the model's path in deep hip flexion" in deep.stdout
    assert deep.stdout.count("flexion moment arm is negative") == 2  # right and left
    data = json.loads(runner.invoke(app, ["body", "--hip-flexion", "100", "--model", "gait2392", "--json"]).stdout)
    assert data["psoas_r"]["moment_arm_mm"] < 0 and any("artefact" in note for note in data["caveats"])
    # Where the moment arm is a flexion one, only the note on what the models' psoas covers is printed.
    upright = runner.invoke(app, ["body", "sitting-90-90", "--model", "rajagopal2016"], env={"COLUMNS": "200"})
    assert "artefact" not in upright.stdout and "runs from the rim of the pelvis" in upright.stdout
