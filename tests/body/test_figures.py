"""The figure catalogue: captions from the model, incremental rendering, the slider curve, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from psoascare.body import figures
from psoascare.body.figures import (
    LUMBAR_CLOSE_UP_KEY,
    SLIDER_ANGLES_DEG,
    Figure,
    catalogue,
    render_all,
    slider_curve,
)
from psoascare.body.model import BodyModel
from psoascare.body.postures import get_posture, load_postures
from psoascare.body.render import gl


@pytest.fixture(scope="module")
def full_catalogue() -> list[Figure]:
    return catalogue(BodyModel("rajagopal2016"))


@pytest.fixture
def small_catalogue(monkeypatch: pytest.MonkeyPatch, full_catalogue: list[Figure]) -> list[Figure]:
    """A few figures of every kind, so rendering tests stay fast."""
    keys = ("standing-front", "sitting-90-90-side", LUMBAR_CLOSE_UP_KEY, "hip-slider-000", "hip-slider-090")
    chosen = [figure for figure in full_catalogue if figure.key in keys]
    monkeypatch.setattr(figures, "catalogue", lambda model=None: chosen)
    return chosen


def test_it_has_front_and_side_for_every_posture_a_close_up_and_slider_frames(
    full_catalogue: list[Figure],
) -> None:
    keys = [figure.key for figure in full_catalogue]
    assert len(keys) == len(set(keys))
    for name in load_postures():
        assert f"{name}-front" in keys and f"{name}-side" in keys
    assert LUMBAR_CLOSE_UP_KEY in keys
    slider = [figure for figure in full_catalogue if figure.kind == "slider"]
    assert [round(figure.posture.hip_flexion_r) for figure in slider] == list(SLIDER_ANGLES_DEG)
    assert SLIDER_ANGLES_DEG[0] == -20 and SLIDER_ANGLES_DEG[-1] == 110
    assert all(figure.view == "side" for figure in slider)
    assert all(figure.alt and figure.caption for figure in full_catalogue)


def test_it_captions_postures_with_the_psoas_change_the_model_computes(full_catalogue: list[Figure]) -> None:
    model = BodyModel("rajagopal2016")
    by_key = {figure.key: figure for figure in full_catalogue}
    sitting = model.report(get_posture("sitting-90-90"))["psoas_r"]["change_pct"]
    assert sitting < -5  # sitting shortens the psoas
    assert by_key["sitting-90-90-front"].caption == f"Sitting 90/90: psoas −{round(-sitting)} % against standing"
    # A lunge stretches one side and shortens the other: both are named.
    lunge = model.report(get_posture("standing-lunge"))
    caption = by_key["standing-lunge-side"].caption
    assert f"+{round(lunge['psoas_r']['change_pct'])} % right" in caption
    assert f"−{round(-lunge['psoas_l']['change_pct'])} % left" in caption


def test_it_gives_slider_points_from_the_model_curve() -> None:
    points = slider_curve([-20, 0, 45, 90])
    standing_mm = BodyModel("rajagopal2016").standing_lengths()["psoas_r"] * 1000
    assert points[1].psoas_length_mm == pytest.approx(standing_mm)
    assert points[1].change_pct == pytest.approx(0.0, abs=1e-9)
    # Hip extension lengthens the psoas, flexion shortens it.
    assert points[0].change_pct > 0 > points[2].change_pct > points[3].change_pct
    sitting = BodyModel("rajagopal2016").report(get_posture("standing").with_angles(hip_flexion_r=90))
    assert points[3].psoas_length_mm == pytest.approx(sitting["psoas_r"]["length_mm"])
    assert np.isclose(points[3].change_pct, sitting["psoas_r"]["change_pct"])


def test_it_renders_only_missing_or_outdated_figures(tmp_path: Path, small_catalogue: list[Figure]) -> None:
    first = render_all(tmp_path)
    assert sorted(first.rendered) == sorted(figure.key for figure in small_catalogue)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["model_fingerprint"] == figures.model_fingerprint()
    for figure in small_catalogue:
        entry = manifest["figures"][figure.key]
        assert (tmp_path / entry["file"]).is_file()
        assert entry["caption"] == figure.caption

    calls: list[tuple[int, int]] = []
    second = render_all(tmp_path, progress=lambda done, total, figure: calls.append((done, total)))
    assert second.rendered == []
    assert len(second.skipped) == len(small_catalogue)
    assert calls[-1] == (len(small_catalogue), len(small_catalogue))

    # A deleted file and a figure whose recorded hash no longer matches are redrawn; nothing else.
    (tmp_path / manifest["figures"]["standing-front"]["file"]).unlink()
    manifest["figures"]["hip-slider-090"]["hash"] = "outdated"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    third = render_all(tmp_path)
    assert sorted(third.rendered) == ["hip-slider-090", "standing-front"]

    assert len(render_all(tmp_path, force=True).rendered) == len(small_catalogue)


def test_it_draws_svg_schematics_when_there_is_no_gl(
    tmp_path: Path,
    small_catalogue: list[Figure],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MUJOCO_GL", "off")
    gl.forget_backend()
    try:
        summary = render_all(tmp_path)
    finally:
        gl.forget_backend()
    assert summary.file_format == "svg"
    message = capsys.readouterr().err.strip().splitlines()
    assert len(message) == 1 and "SVG" in message[0] and "MUJOCO_GL=off" in message[0]
    drawn = sorted(path.name for path in tmp_path.glob("*.svg"))
    assert drawn == sorted(figure.filename("svg") for figure in small_catalogue)
    assert 'data-muscle="psoas_r"' in (tmp_path / "sitting-90-90-side.svg").read_text()
    # The close-up names the vertebrae the fascicles leave from.
    close_up = (tmp_path / f"{LUMBAR_CLOSE_UP_KEY}.svg").read_text()
    assert all(f">{name}</text>" in close_up for name in ("T12", "L1", "L3", "L5"))


def test_it_renders_figures_from_the_command_line(
    tmp_path: Path, small_catalogue: list[Figure], monkeypatch: pytest.MonkeyPatch
) -> None:
    from psoascare.cli.main import app
    from psoascare.paths import DATA_DIR_VARIABLE

    # --data-dir points this process at another data directory; put the old one back afterwards.
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path / "unused"))

    result = CliRunner().invoke(app, ["figures", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{len(small_catalogue)} figure(s) rendered" in result.output
    assert str(tmp_path / "figures") in result.output.replace("\n", "")
    assert (tmp_path / "figures" / "manifest.json").is_file()
    again = CliRunner().invoke(app, ["figures", "--data-dir", str(tmp_path)])
    assert f"{len(small_catalogue)} already up to date" in again.output
