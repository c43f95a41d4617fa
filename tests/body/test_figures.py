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
    MOTION_FRAMES,
    PEDALLING_KEY,
    SLIDER_ANGLES_DEG,
    WALKING_KEY,
    Figure,
    catalogue,
    figure_key,
    has_left_variant,
    plain_caption,
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
    keys += ("bed-edge-hang-left", f"{WALKING_KEY}-03")
    chosen = [figure for figure in full_catalogue if figure.key in keys]
    monkeypatch.setattr(figures, "catalogue", lambda model=None: chosen)
    return chosen


def test_it_has_a_side_view_of_every_posture_left_variants_a_close_up_slider_and_motion_frames(
    full_catalogue: list[Figure],
) -> None:
    keys = [figure.key for figure in full_catalogue]
    assert len(keys) == len(set(keys))
    for name, posture in load_postures().items():
        assert f"{name}-side" in keys
        # Front views of other postures repeated the standing one; only standing keeps it.
        assert (f"{name}-front" in keys) == (name == "standing")
        assert (figure_key(name, "left") in keys) == has_left_variant(posture)
    assert {"bed-edge-hang-left", "half-kneeling-stretch-left", "standing-lunge-left"} <= set(keys)
    assert LUMBAR_CLOSE_UP_KEY in keys
    slider = [figure for figure in full_catalogue if figure.kind == "slider"]
    assert [round(figure.posture.hip_flexion_r) for figure in slider] == list(SLIDER_ANGLES_DEG)
    assert SLIDER_ANGLES_DEG[0] == -20 and SLIDER_ANGLES_DEG[-1] == 110
    assert all(figure.view == "slider" for figure in slider)
    # The knee bends as the thigh lifts; the psoas numbers do not depend on it.
    assert slider[-1].posture.knee_flexion_r > 45 and slider[0].posture.knee_flexion_r == 0
    for sequence in (WALKING_KEY, PEDALLING_KEY):
        frames = [figure for figure in full_catalogue if figure.sequence == sequence]
        assert len(frames) == MOTION_FRAMES and all(figure.kind == "motion" for figure in frames)
    assert all(figure.alt and figure.caption and figure.details for figure in full_catalogue)


def test_it_draws_the_left_leg_from_the_left_with_the_angles_mirrored(full_catalogue: list[Figure]) -> None:
    by_key = {figure.key: figure for figure in full_catalogue}
    right, left = by_key["bed-edge-hang-side"], by_key["bed-edge-hang-left"]
    assert left.view == "left-side" and left.side == "l"
    assert left.posture.hip_flexion_l == right.posture.hip_flexion_r
    assert left.posture.knee_flexion_r == right.posture.knee_flexion_l
    # Mirrored posture, mirrored numbers: the left psoas now does what the right one did.
    assert left.psoas_change_pct["l"] == pytest.approx(right.psoas_change_pct["r"], abs=0.01)


def test_it_captions_postures_in_plain_words_with_the_numbers_behind_them(full_catalogue: list[Figure]) -> None:
    model = BodyModel("rajagopal2016")
    by_key = {figure.key: figure for figure in full_catalogue}
    sitting = model.report(get_posture("sitting-90-90"))["psoas_r"]
    assert sitting["change_pct"] < -5  # sitting shortens the psoas
    caption = by_key["sitting-90-90-side"].caption
    assert caption.startswith("Sitting 90/90. Here the psoas is")
    assert f"about {round(-sitting['change_pct'])} % shorter than when you stand" in caption
    assert "mm" not in caption
    details = by_key["sitting-90-90-side"].details
    assert f"right {sitting['length_mm']:.0f} mm" in details and "Rajagopal" in details
    # A lunge stretches one side and shortens the other: both are named.
    lunge = model.report(get_posture("standing-lunge"))
    caption = by_key["standing-lunge-side"].caption
    assert (
        "right psoas is stretched" in caption and f"about {round(lunge['psoas_r']['change_pct'])} % longer" in caption
    )
    assert "left one is" in caption and f"about {round(-lunge['psoas_l']['change_pct'])} % shorter" in caption


def test_it_words_small_and_large_changes_differently() -> None:
    assert plain_caption({"r": 2.2, "l": 2.0}) == (
        "Here the psoas is stretched a little: about 2 % longer than when you stand."
    )
    assert "very slack: about 12 % shorter" in plain_caption({"r": -12.0, "l": -12.1})
    assert "about as long as when you stand" in plain_caption({"r": 0.3, "l": 0.1})


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
    # A missing phone-sized copy is noticed too.
    (tmp_path / manifest["figures"]["sitting-90-90-side"]["webp"]["small"]).unlink()
    assert render_all(tmp_path).rendered == ["sitting-90-90-side"]

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
    # The close-up names the vertebrae the fascicles leave from; every schematic labels the psoas.
    close_up = (tmp_path / f"{LUMBAR_CLOSE_UP_KEY}.svg").read_text()
    assert all(f">{name}</text>" in close_up for name in ("T12", "L1", "L3", "L5"))
    assert ">psoas major</text>" in (tmp_path / "sitting-90-90-side.svg").read_text()


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
