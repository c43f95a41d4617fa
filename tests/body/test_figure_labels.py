"""Labels over the pictures: each anchor, projected again with the figure's own camera, lands inside the
picture and on the structure it names (checked in an identification render and in the delivered file's
pixels), and no label's text covers the muscle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from psoascare.body import figures
from psoascare.body.figures import LUMBAR_CLOSE_UP_KEY, Figure, camera_from_record, catalogue, render_all
from psoascare.body.model import BodyModel
from psoascare.body.render import VIEWS, BodyRenderer, select_backend
from psoascare.body.render.anatomy import volume_paths
from psoascare.body.render.labels import _text_box
from psoascare.body.render.myoleg import VERTEBRA_BODIES, PoseAngles
from psoascare.body.render.renderer import MUSCLE_IDS, STRUCTURE_IDS
from psoascare.body.render.setting import setting_for, setting_shapes

KEYS = (
    "standing-side",
    "standing-front",
    "sitting-90-90-side",
    "slumped-sitting-side",
    "bed-edge-hang-side",
    "bed-edge-hang-left",
    "cycling-top-side",
    LUMBAR_CLOSE_UP_KEY,
    "hip-slider-090",
    "walking-stride-05",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any], dict[str, Figure]]]:
    backend = select_backend()
    if not backend.available:
        pytest.skip(f"no headless OpenGL: {backend.reason}")
    chosen = [figure for figure in catalogue(BodyModel("rajagopal2016")) if figure.key in KEYS]
    out = tmp_path_factory.mktemp("labelled")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "catalogue", lambda model=None: chosen)
        render_all(out)
    manifest = figures.read_manifest(out)
    yield out, manifest, {figure.key: figure for figure in chosen}


def expected_ids(structure: str, side: str) -> set[int]:
    if structure in MUSCLE_IDS:
        return {MUSCLE_IDS[structure]}
    if structure in ("femur", "lesser-trochanter"):
        return {STRUCTURE_IDS[f"femur_{side}"]}
    if structure == "vertebrae":
        return {STRUCTURE_IDS[name] for name in VERTEBRA_BODIES}
    return {STRUCTURE_IDS[structure]}


def colour_at(pixels: np.ndarray, anchor: list[float]) -> np.ndarray:
    column, row = round(anchor[0]), round(anchor[1])
    return np.median(pixels[row - 1 : row + 2, column - 1 : column + 2].reshape(-1, 3), axis=0)


def is_red(rgb: np.ndarray) -> bool:
    return bool(rgb[0] > 140 and rgb[1] < 100 and rgb[2] < 100)


def is_orange(rgb: np.ndarray) -> bool:
    return bool(rgb[0] > 170 and 80 < rgb[1] < 210 and rgb[2] < 110)


def muscle_mask(pixels: np.ndarray) -> np.ndarray:
    red, green, blue = (pixels[..., channel].astype(int) for channel in range(3))
    return (red > 150) & (blue < 90) & (red - green > 60)


def test_it_labels_every_picture_with_the_psoas_and_the_bones(
    rendered: tuple[Path, dict[str, Any], dict[str, Figure]],
) -> None:
    _, manifest, _ = rendered
    for key in KEYS:
        structures = {label["structure"] for label in manifest["figures"][key]["labels"]}
        assert {"psoas", "iliacus", "pelvis"} <= structures, (key, structures)
        if key != LUMBAR_CLOSE_UP_KEY:
            # The lumbar spine, and the thigh bone or the lesser trochanter, wherever the picture shows them.
            assert "vertebrae" in structures, (key, structures)
            assert structures & {"femur", "lesser-trochanter"}, (key, structures)
    close_up = {label["text"] for label in manifest["figures"][LUMBAR_CLOSE_UP_KEY]["labels"]}
    assert set(VERTEBRA_BODIES) <= close_up


def test_it_anchors_each_label_on_the_structure_it_names(
    rendered: tuple[Path, dict[str, Any], dict[str, Figure]],
) -> None:
    out, manifest, by_key = rendered
    checked = 0
    model = BodyModel("rajagopal2016")
    side = max(figures.WIDTH, figures.HEIGHT)
    with BodyRenderer(side, side) as renderer:
        for key in KEYS:
            entry, figure = manifest["figures"][key], by_key[key]
            camera = camera_from_record(entry["camera"])
            pixels = np.asarray(Image.open(out / entry["webp"]["full"]).convert("RGB"))
            assert pixels.shape == (camera.height, camera.width, 3)
            # An independent identification render of the same pose through the recorded camera.
            view = VIEWS[figure.view]
            renderer.set_size(camera.width, camera.height)
            renderer.pose(PoseAngles.from_posture(figure.posture))
            renderer.render(view, volume_paths(model, figure.posture), figure.posture.orientation, camera)
            ids = renderer.identify(view, camera)
            for label in entry["labels"]:
                column, row = camera.project(np.asarray(label["world"]))
                assert abs(column - label["anchor"][0]) < 0.6 and abs(row - label["anchor"][1]) < 0.6, label
                assert 0 <= column < camera.width and 0 <= row < camera.height, label
                assert ids[round(row), round(column)] in expected_ids(label["structure"], figure.side), (key, label)
                rgb = colour_at(pixels, label["anchor"])
                if label["structure"] == "psoas":
                    assert is_red(rgb), (key, label, rgb)
                elif label["structure"] == "iliacus":
                    assert is_orange(rgb), (key, label, rgb)
                else:  # bone: neither muscle nor the white page
                    assert not is_red(rgb) and not is_orange(rgb) and rgb.min() < 245, (key, label, rgb)
                checked += 1
    assert checked >= 5 * len(KEYS)


def test_it_keeps_the_label_text_off_the_muscle(rendered: tuple[Path, dict[str, Any], dict[str, Figure]]) -> None:
    out, manifest, _ = rendered
    for key in KEYS:
        entry = manifest["figures"][key]
        pixels = np.asarray(Image.open(out / entry["webp"]["full"]).convert("RGB"))
        muscle = muscle_mask(pixels)
        assert muscle.sum() > 200, key
        for label in entry["labels"]:
            left, top, right, bottom = _text_box(label["text"], *label["at"], label["align"], label["size"])
            assert left >= 0 and right <= pixels.shape[1] and top >= 0 and bottom <= pixels.shape[0], label
            covered = muscle[int(top) : int(np.ceil(bottom)), int(left) : int(np.ceil(right))].sum()
            assert covered <= 3, (key, label, covered)


def test_it_draws_the_setting_the_posture_calls_for() -> None:
    from psoascare.body.postures import get_posture

    assert setting_for(get_posture("bed-edge-hang")) == "bed-edge"
    assert setting_for(get_posture("supine")) == "bed"
    assert setting_for(get_posture("prone")) == "bed-prone"
    assert setting_for(get_posture("sitting-90-90")) == "chair"
    assert setting_for(get_posture("slumped-sitting")) == "chair"
    assert setting_for(get_posture("cycling-top")) == "bike"
    assert setting_for(get_posture("half-kneeling-stretch")) == "floor"


def test_it_ends_the_bed_where_the_hanging_thigh_leaves_it() -> None:
    from psoascare.body.postures import get_posture
    from psoascare.body.render.svg import shared_myoleg

    leg = shared_myoleg()
    leg.pose(PoseAngles.from_posture(get_posture("bed-edge-hang")))
    mattress = setting_shapes(leg, "bed-edge")[0]
    hip, knee = (leg.data.xpos[leg.body_id(body)] for body in ("femur_r", "tibia_r"))
    # Lying on the back, head towards +y: the bed's foot end lies between the hip and the knee of the
    # thigh that hangs down over it, and the back rests on the mattress.
    foot_end = mattress.position[1] - mattress.size[1]
    assert knee[1] < foot_end < hip[1]
    assert knee[2] < hip[2]
    sacrum = leg.geom_world_vertices("sacrum_geom_1", 200)[:, 2].min()
    assert 0 < sacrum - (mattress.position[2] + mattress.size[2]) < 0.05
